/* SPDX-License-Identifier: MIT */
/*
 * Copying a relayed connection's bytes, both ways, inside a worker's loop.
 * Both sockets are watched edge-triggered for everything at once; what
 * each reported is kept (rd, wr) and each direction moves bytes until its
 * source has none or its destination takes no more. A direction takes a
 * buffer (or pipe) from the pool for a read and gives it back once all of
 * it is written: an idle connection holds none. End of stream one way is
 * passed on as shutdown(SHUT_WR) once the bytes before it are written; the
 * connection ends when both ways have ended, or at the first error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "message.h"
#include "relay-int.h"
#include "say.h"

/* Moves per direction before the other connections get their turn. */
#define BUDGET 16

static const char *name(struct relay_conn *c, int side)
{
	return side ? c->w->r->t->where : c->peer;
}

void relay_touch(struct relay_conn *c)
{
	c->last_ms = c->w->now;
	if (c->w->r->o.idle_ms)
		link_tail(&c->w->lru, &c->link);
}

static void give_back(struct relay_worker *w, struct relay_dir *d)
{
	if (!d->buf)
		return;
	if (d->buf->pipe[0] >= 0 && d->pending && d->len)
		relay_pool_drop(w, d->buf);
	else
		relay_pool_put(w, d->buf);
	d->buf = NULL;
}

/* The line for c's end: a failure's, or -v's. */
static void say_end(struct relay_conn *c, bool failed, const char *text)
{
	struct relay_worker *w = c->w;
	double secs = (double) (w->now - c->start_ms) / 1000.0;

	if (failed && w->r->o.verbose)
		udo_cli_say("relay %s -> %s: %s (after %llu bytes in, %llu bytes out in %.3f s)",
		            c->peer, w->r->t->where, text, c->dir[0].bytes, c->dir[1].bytes, secs);
	else if (failed)
		udo_cli_say("relay %s -> %s: %s", c->peer, w->r->t->where, text);
	else if (w->r->o.verbose)
		udo_cli_say("relay %s -> %s: closed (%s) after %llu bytes in, %llu bytes out in "
		            "%.3f s", c->peer, w->r->t->where, text, c->dir[0].bytes,
		            c->dir[1].bytes, secs);
}

/* End c; text NULL: its line was said already. */
static void end(struct relay_conn *c, bool failed, const char *text)
{
	struct relay_worker *w = c->w;
	struct relay_stats *s = &w->r->stats;
	int i;

	if (c->state != RELAY_COPYING)
		relay_connecting_free(c);
	link_del(&c->link);
	link_del(&c->ready);
	for (i = 0; i < 2; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		give_back(w, &c->dir[i]);
	}
	if (text)
		say_end(c, failed, text);
	if (failed)
		atomic_fetch_add(&s->failed, 1);
	atomic_fetch_sub(&s->open, 1);
	w->conns--;
	atomic_fetch_sub(&w->load, 1);
	c->state = RELAY_DEAD;
	link_tail(&w->dead, &c->link);
}

void relay_close(struct relay_conn *c, const char *why)
{
	end(c, false, why);
}

void relay_fail(struct relay_conn *c, const char *fmt, ...)
{
	char text[UDO_CLI_ERR_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	end(c, true, text);
}

void relay_fail_connect(struct relay_conn *c, int e, const char *text)
{
	struct relay_worker *w = c->w;

	if (e != EMFILE && e != ENFILE) {
		end(c, true, text);
		return;
	}
	/* Every client meets it while fds are short: one line, its repeats
	 * counted (-v: a line per connection still). */
	if (!w->r->o.verbose)
		relay_limiter_note(&w->r->short_fds, text, NULL);
	end(c, true, w->r->o.verbose ? text : NULL);
	relay_accept_pause(w);
}

void relay_copy_start(struct relay_conn *c)
{
	struct epoll_event ev = { .events = RELAY_COPY_EVENTS };
	int i;

	c->state = RELAY_COPYING;
	for (i = 0; i < 2; i++) {
		if (c->w->r->t->addr.type == SOCK_SEQPACKET) {
			udo_cli_msg_prepare(c->fd[i]);
			relay_msg_room(c->fd[i], c->w->r->o.buffer);
		}
		ev.data.u64 = (uint64_t) (uintptr_t) c | (unsigned int) i;
		/* The client is watched already, as the copy wants it
		 * (relay_watch_client). */
		if (!(i == 0 && c->watched) && epoll_ctl(c->w->ep, EPOLL_CTL_ADD, c->fd[i], &ev) < 0) {
			relay_fail(c, "watch %s: %s", name(c, i), strerror(errno));
			return;
		}
		c->rd[i] = c->wr[i] = true;
	}
	c->last_ms = c->w->now;
	link_tail(&c->w->lru, &c->link);
	relay_pump(c);
}

static bool splicing(struct relay_conn *c, struct relay_dir *d)
{
	return c->w->r->o.copy == UDO_CLI_COPY_SPLICE && !d->spliceless;
}

/* Done with d's buffer: a peek's bytes not written stay at their source. */
static void unpeek(struct relay_worker *w, struct relay_dir *d)
{
	d->pending = false;
	give_back(w, d);
}

/* The first n bytes of a peek, written: off the source's queue (tcp drops
 * them unread, MSG_TRUNC; other kinds read them again, into the buffer). */
static int consume(struct relay_conn *c, struct relay_dir *d, int from, size_t n)
{
	ssize_t r;

	do
		r = recv(c->fd[from], d->buf->data, n, MSG_DONTWAIT | MSG_TRUNC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t) r == n ? 0 : -EIO;
}

/* Write what d holds to side `to`: > 0 progress, 0 not now, < 0 c ended
 * (said why). */
static ssize_t put(struct relay_conn *c, struct relay_dir *d, int to)
{
	struct relay_stats *s = &c->w->r->stats;
	ssize_t w;
	int e;

	do {
		if (d->buf->pipe[0] >= 0)
			w = splice(d->buf->pipe[0], NULL, c->fd[to], NULL, d->len,
			           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		else
			w = udo_vsock_tcp_send_data(c->fd[to], d->buf->data + d->off,
			                            d->len - d->off, NULL);
		if (w < 0 && d->buf->pipe[0] >= 0)
			w = -errno;
	} while (w == -EINTR);
	if (w == -EAGAIN) {
		if (d->peek)
			unpeek(c->w, d);
		return 0;
	}
	if (w < 0) {
		relay_fail(c, "send to %s: %s", name(c, to), strerror((int) -w));
		return -1;
	}
	if (d->peek && (e = consume(c, d, !to, (size_t) w)) < 0) {
		relay_fail(c, "receive from %s: %s", name(c, !to), strerror(-e));
		return -1;
	}
	d->bytes += (unsigned long long) w;
	atomic_fetch_add(to ? &s->bytes_in : &s->bytes_out, (unsigned long long) w);
	if (d->buf->pipe[0] >= 0)
		d->len -= (uint32_t) w;
	else
		d->off += (uint32_t) w;
	if (d->peek || (d->buf->pipe[0] >= 0 ? d->len == 0 : d->off >= d->len))
		unpeek(c->w, d);
	return 1; /* an empty message sent counts as progress too */
}

/* Read from side `from` into d: > 0 something to write, 0 not now (or the
 * end: d->eof), < 0 -errno. */
static ssize_t get(struct relay_conn *c, struct relay_dir *d, int from)
{
	size_t size = c->w->r->o.buffer;
	bool eof = false;
	ssize_t n;

	do {
		if (d->buf->pipe[0] >= 0) {
			n = splice(c->fd[from], NULL, d->buf->pipe[1], NULL, size,
			           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n < 0)
				n = -errno;
		} else if (d->peek && c->w->r->t->addr.type != SOCK_SEQPACKET) {
			n = recv(c->fd[from], d->buf->data, size, MSG_DONTWAIT | MSG_PEEK);
			if (n < 0)
				n = -errno;
		} else if (c->w->r->t->addr.type == SOCK_SEQPACKET) {
			/* MSG_TRUNC: a message longer than the buffer says its
			 * length, and ends the connection rather than go on cut. */
			n = udo_cli_msg_recv(c->fd[from], d->buf->data, size, MSG_DONTWAIT |
			                     MSG_TRUNC | (d->peek ? MSG_PEEK : 0), &eof);
			if (n > (ssize_t) size) {
				d->cut = (size_t) n;
				n = -EMSGSIZE;
			}
			if (n == 0 && !eof) { /* an empty message: passed on as one */
				d->off = d->len = 0;
				d->pending = true;
				return 1;
			}
		} else {
			n = udo_vsock_tcp_recv_data(c->fd[from], d->buf->data, size, NULL);
		}
		/* A socket that cannot peek (vsock's seqpacket: EOPNOTSUPP, or
		 * ENOMEM before Linux 6.3, the message left queued): read it,
		 * now and from now on. */
		if (d->peek && (n == -EOPNOTSUPP || n == -ENOMEM)) {
			d->peek = false;
			d->peekless = true;
			n = -EINTR;
		}
	} while (n == -EINTR);
	if (n > 0) {
		d->off = 0;
		d->len = (uint32_t) n;
		d->pending = true;
		return 1;
	}
	/* The kernel cannot splice this socket: copy instead, from the start. */
	if ((n == -EINVAL || n == -ENOSYS) && d->buf->pipe[0] >= 0 && !d->bytes) {
		d->spliceless = true;
		give_back(c->w, d);
		return 0;
	}
	give_back(c->w, d);
	if (n == -EAGAIN) {
		c->rd[from] = false;
		return 0;
	}
	if (n < 0)
		return n;
	d->eof = true;
	return 0;
}

/*
 * A buffer (or pipe) for d's next read: 1, or 0 when d is to peek and side
 * `to` takes nothing now, or -1 when the pool is empty. A direction whose
 * destination does not read keeps what it read: so past half of the pool
 * taken, a direction peeks (MSG_PEEK), its bytes left queued at their source
 * until written and the buffer given back whatever the destination does.
 * Peers that never read then hold half of the pool at most, not all of it,
 * and the other connections go on.
 */
static int take(struct relay_conn *c, struct relay_dir *d, int to)
{
	struct relay_worker *w = c->w;

	d->peek = false;
	if (splicing(c, d) && !relay_pool_tight(w, true))
		d->buf = relay_pool_get(w, true);
	if (d->buf)
		return 1;
	/* Else a buffer, also when no pipe is to be had (fds run short): an
	 * end of stream is still seen, and fds freed. */
	d->peek = !d->peekless && relay_pool_tight(w, false);
	if (d->peek && !c->wr[to])
		return 0;
	d->buf = relay_pool_get(w, false);
	return d->buf ? 1 : -1;
}

/* Move d's bytes from side i to the other: 1 more to do, 0 done for now,
 * -1 the connection ended. */
static int pump_dir(struct relay_conn *c, int i)
{
	struct relay_dir *d = &c->dir[i];
	int to = !i, n;
	ssize_t r;

	for (n = 0; n < BUDGET; n++) {
		if (d->pending) {
			if (!c->wr[to])
				return 0;
			r = put(c, d, to);
			if (r < 0)
				return -1;
			if (r == 0) {
				c->wr[to] = false;
				return 0;
			}
			relay_touch(c);
			continue;
		}
		if (d->eof) {
			if (!d->shut)
				shutdown(c->fd[to], SHUT_WR);
			d->shut = true;
			return 0;
		}
		if (!c->rd[i])
			return 0;
		if (!d->buf && (r = take(c, d, to)) <= 0)
			return r < 0; /* the pool is empty: again soon */
		r = get(c, d, i);
		if (r == -EMSGSIZE && d->cut) {
			relay_fail(c, "receive from %s: a %zu-byte message, more than the %zu bytes "
			           "a relayed message may have: closed rather than cut",
			           name(c, i), d->cut, c->w->r->o.buffer);
			return -1;
		}
		if (r < 0) {
			relay_fail(c, "receive from %s: %s", name(c, i), strerror((int) -r));
			return -1;
		}
		if (r > 0 && !d->peek)
			relay_touch(c);
		else if (!c->rd[i] || d->spliceless)
			continue;
	}
	return 1;
}

void relay_pump(struct relay_conn *c)
{
	int up, down;

	up = pump_dir(c, 0);
	if (up < 0)
		return;
	down = pump_dir(c, 1);
	if (down < 0)
		return;
	if (c->dir[0].shut && c->dir[1].shut) {
		relay_close(c, "both ends finished");
		return;
	}
	if (up || down)
		link_tail(&c->w->ready, &c->ready);
}
