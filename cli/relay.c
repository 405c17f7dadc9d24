/* SPDX-License-Identifier: MIT */
/*
 * The relay. Each connection has two threads, one per direction, each a
 * blocking copy loop: the simplest design that lets both directions and
 * both CPUs run at once. End of stream on one side becomes a half-close on
 * the other; an error on either side shuts both sockets down so the other
 * thread wakes.
 *
 * The copy is read(2)/write(2) through a 256 KiB buffer by default: on the
 * 2-CPU VM this was written on, cli/bench-relay measured it ahead of
 * splice(2) through a 256 KiB or 1 MiB pipe (0.61x against 0.53x of the
 * direct stream over loopback tcp; socat 0.24x, 0.41x with -b 65536).
 * splice stays selectable (--copy=splice) for machines where it wins.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "allow.h"
#include "message.h"
#include "repeat.h"
#include "say.h"
#include "relay.h"

/* Threads only copy: a small stack is plenty. */
#define RELAY_STACK (256 * 1024)

struct relay_conn;

struct relay_dir {
	struct relay_conn *conn;
	int from, to;
	const char *from_name, *to_name;
	unsigned long long bytes;
	int err;               /* errno of the failure, 0 at a clean end */
	const char *op;        /* what failed: "receive from", "send to" */
	const char *op_name;   /* ... which side */
};

struct relay_conn {
	const struct udo_cli_target *target;
	const struct udo_cli_relay_opts *opts;
	int client;            /* the accepted connection */
	struct udo_cli_conn out;
	char peer[UDO_CLI_ADDR_TEXT_MAX + 16];
};

/* Connection threads are detached; direction threads are joined. */
static pthread_attr_t conn_attr, dir_attr;

/* After a failure, wake the other direction: both sockets read end of stream. */
static void relay_abort(struct relay_dir *d, int err, const char *op, const char *name)
{
	d->err = err;
	d->op = op;
	d->op_name = name;
	shutdown(d->from, SHUT_RDWR);
	shutdown(d->to, SHUT_RDWR);
}

/* One receive: on a message socket an empty message is passed on as one
 * (not taken for the end of stream), so it comes back as 1 with *empty. */
static ssize_t relay_recv(struct relay_dir *d, bool msgs, char *buf, size_t size, bool *empty)
{
	bool eof;
	ssize_t n;

	*empty = false;
	if (!msgs)
		return udo_vsock_tcp_recv_data(d->from, buf, size, NULL);
	n = udo_cli_msg_recv(d->from, buf, size, 0, &eof);
	if (n == 0 && !eof) {
		*empty = true;
		return 1;
	}
	return n;
}

static int copy_read(struct relay_dir *d, size_t size)
{
	char *buf = malloc(size);
	bool msgs = udo_cli_is_msg_socket(d->from), empty;
	ssize_t n, w;
	size_t off;

	if (!buf) {
		relay_abort(d, ENOMEM, "allocate a buffer for", d->from_name);
		return -1;
	}
	if (msgs)
		udo_cli_msg_prepare(d->from);
	for (;;) {
		n = relay_recv(d, msgs, buf, size, &empty);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		if (empty)
			n = 0;
		/* Once at least: an empty message is one send of 0 bytes. */
		for (off = 0;;) {
			w = udo_vsock_tcp_send_data(d->to, buf + off, (size_t) n - off, NULL);
			if (w == -EINTR)
				continue;
			if (w < 0) {
				free(buf);
				relay_abort(d, (int) -w, "send to", d->to_name);
				return -1;
			}
			off += (size_t) w;
			if (off >= (size_t) n)
				break;
		}
		d->bytes += (unsigned long long) n;
	}
	free(buf);
	if (n < 0) {
		relay_abort(d, (int) -n, "receive from", d->from_name);
		return -1;
	}
	return 0;
}

/*
 * splice(2): socket -> pipe -> socket, the pages moved, not copied. Returns
 * 1 when the kernel cannot splice these sockets (the caller then copies).
 */
static int copy_splice(struct relay_dir *d, size_t size)
{
	int pipefd[2];
	ssize_t n = 0, w;
	bool moved = false;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return 1;
	/* A pipe as large as allowed: fewer, larger moves. */
	if (fcntl(pipefd[1], F_SETPIPE_SZ, (int) size) < 0)
		fcntl(pipefd[1], F_SETPIPE_SZ, 1 << 20);
	for (;;) {
		n = splice(d->from, NULL, pipefd[1], NULL, size, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !moved && (errno == EINVAL || errno == ENOSYS)) {
			close(pipefd[0]);
			close(pipefd[1]);
			return 1;
		}
		if (n <= 0)
			break;
		moved = true;
		while (n > 0) {
			w = splice(pipefd[0], NULL, d->to, NULL, (size_t) n, SPLICE_F_MOVE);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				int e = w < 0 ? errno : EPIPE;

				close(pipefd[0]);
				close(pipefd[1]);
				relay_abort(d, e, "send to", d->to_name);
				return -1;
			}
			n -= w;
			d->bytes += (unsigned long long) w;
		}
	}
	n = n < 0 ? errno : 0;
	close(pipefd[0]);
	close(pipefd[1]);
	if (n) {
		relay_abort(d, (int) n, "receive from", d->from_name);
		return -1;
	}
	return 0;
}

static void *relay_dir_main(void *arg)
{
	struct relay_dir *d = arg;
	const struct udo_cli_relay_opts *o = d->conn->opts;
	int r = 1;

	if (o->copy == UDO_CLI_COPY_SPLICE)
		r = copy_splice(d, o->buffer);
	if (r == 1)
		r = copy_read(d, o->buffer);
	/* End of stream: pass it on and let the other direction finish. */
	if (r == 0)
		shutdown(d->to, SHUT_WR);
	return NULL;
}

static void relay_report(struct relay_conn *c, struct relay_dir *up, struct relay_dir *down)
{
	struct relay_dir *bad = up->err ? up : down->err ? down : NULL;

	if (bad)
		udo_cli_say("relay %s -> %s: %s %s: %s", c->peer, c->target->where,
		            bad->op, bad->op_name, strerror(bad->err));
	else if (c->opts->verbose)
		udo_cli_say("relay %s -> %s: closed after %llu bytes in, %llu bytes out",
		            c->peer, c->target->where, up->bytes, down->bytes);
}

static void *relay_conn_main(void *arg)
{
	struct relay_conn *c = arg;
	struct relay_dir up = {
		.conn = c, .from_name = c->peer, .to_name = c->target->where,
	};
	struct relay_dir down = {
		.conn = c, .from_name = c->target->where, .to_name = c->peer,
	};
	char err[UDO_CLI_ERR_MAX];
	pthread_t t;

	if (udo_cli_connect(c->target, &c->out, err, sizeof(err)) < 0) {
		udo_cli_say("relay %s -> %s: %s", c->peer, c->target->where, err);
		goto out;
	}
	if (c->opts->verbose)
		udo_cli_say("relay %s -> %s: connected", c->peer, c->target->where);
	up.from = down.to = c->client;
	up.to = down.from = c->out.fd;
	if (pthread_create(&t, &dir_attr, relay_dir_main, &down) != 0) {
		udo_cli_say("relay %s -> %s: start a thread: %s", c->peer, c->target->where,
		            strerror(EAGAIN));
		goto out;
	}
	relay_dir_main(&up);
	pthread_join(t, NULL);
	relay_report(c, &up, &down);
out:
	close(c->client);
	udo_cli_conn_close(&c->out);
	if (c->opts->open)
		atomic_fetch_sub(c->opts->open, 1);
	free(c);
	return NULL;
}

/* Let accept errors from a full fd table pass without spinning. */
static void relay_backoff(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

int udo_cli_relay(struct udo_cli_listener *l, const struct udo_cli_target *t,
                  const struct udo_cli_relay_opts *opts)
{
	/* Accept errors repeat while their cause lasts (a full fd table). */
	struct udo_cli_repeat accept_errors = {
		.prefix = "relay: ", .then_ok = "; accepting again",
	};
	char err[UDO_CLI_ERR_MAX];
	struct udo_cli_peer who;
	pthread_t thread;

	if (pthread_attr_init(&conn_attr) != 0 || pthread_attr_init(&dir_attr) != 0 ||
	    pthread_attr_setstacksize(&conn_attr, RELAY_STACK) != 0 ||
	    pthread_attr_setstacksize(&dir_attr, RELAY_STACK) != 0 ||
	    pthread_attr_setdetachstate(&conn_attr, PTHREAD_CREATE_DETACHED) != 0) {
		udo_cli_say("relay: set up threads: %s", strerror(ENOMEM));
		return -1;
	}
	for (;;) {
		struct relay_conn *c = calloc(1, sizeof(*c));
		int r;

		if (!c) {
			udo_cli_say("relay on %s: %s", l->where, strerror(ENOMEM));
			relay_backoff();
			continue;
		}
		c->target = t;
		c->opts = opts;
		c->out.fd = -1;
		c->client = udo_cli_accept(l, c->peer, sizeof(c->peer), &who, err, sizeof(err));
		if (c->client < 0 && opts->stop && atomic_load(opts->stop)) {
			free(c);
			return 0;
		}
		if (c->client < 0) {
			udo_cli_repeat_note(&accept_errors, err, NULL);
			free(c);
			relay_backoff();
			continue;
		}
		udo_cli_repeat_note(&accept_errors, NULL, NULL);
		/* Not on --allow-from: closed at once, before any connect. */
		if (opts->allow &&
		    !udo_cli_allow_admit(opts->allow, c->client, &who, c->peer, l->where)) {
			free(c);
			continue;
		}
		if (opts->open)
			atomic_fetch_add(opts->open, 1);
		r = pthread_create(&thread, &conn_attr, relay_conn_main, c);
		if (r != 0) {
			if (opts->open)
				atomic_fetch_sub(opts->open, 1);
			udo_cli_say("relay %s -> %s: start a thread: %s", c->peer, t->where,
			            strerror(r));
			close(c->client);
			free(c);
		}
	}
	return -1;
}
