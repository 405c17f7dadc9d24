/* SPDX-License-Identifier: MIT */
/*
 * The reference relay of cli/bench-relay: the least a user-space relay
 * does, and nothing else. One process, one thread, one level-triggered
 * epoll loop; accept, a connect to the target's address (non-blocking,
 * waited for in place), then read/write through a 256 KiB buffer per
 * direction. No options, no allowlist, no limits, no timeouts, no
 * statistics, no pool, no hand-off, no name lookup.
 *
 * It is not a product: it is the floor the figures are read against. A
 * relayed byte crosses the kernel twice and wakes one more process, and a
 * relayed connection costs two more wake-ups than a direct one, whoever
 * writes the relay; run beside `udo-vsock relay`, it says how much of a
 * ratio to direct is the machine's and how much is the relay's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-relay.h"

#define BUF (256 * 1024)

/* One direction: what was read from fd[from] and not yet written on. */
struct floor_dir {
	char *buf;
	size_t off, len;
	bool eof;
};

struct floor_conn {
	int fd[2];
	uint32_t want[2];               /* the events each fd is registered for */
	struct floor_dir d[2];          /* d[i]: from fd[i] to fd[!i] */
};

static void floor_close(struct floor_conn *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		close(c->fd[i]);
		free(c->d[i].buf);
	}
	free(c);
}

/* Move what can be moved in direction i: false once the connection ended. */
static bool floor_move(struct floor_conn *c, int i)
{
	struct floor_dir *d = &c->d[i];
	ssize_t n;

	for (;;) {
		if (!d->len && !d->eof) {
			if (!d->buf && !(d->buf = malloc(BUF)))
				return false;
			n = read(c->fd[i], d->buf, BUF);
			if (n < 0)
				return errno == EAGAIN || errno == EINTR;
			if (n == 0) {
				d->eof = true;
				shutdown(c->fd[!i], SHUT_WR);
				return !c->d[!i].eof || c->d[!i].len;
			}
			d->off = 0;
			d->len = (size_t) n;
		}
		if (!d->len)
			return !c->d[!i].eof || c->d[!i].len;
		n = write(c->fd[!i], d->buf + d->off, d->len);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		d->off += (size_t) n;
		d->len -= (size_t) n;
		if (d->len)
			return true;
	}
}

/* Each fd waits to read while its direction is empty, to write while the
 * other has bytes for it. */
static void floor_watch(int ep, struct floor_conn *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		uint32_t want = (!c->d[i].len && !c->d[i].eof ? EPOLLIN : 0) |
		                (c->d[!i].len ? EPOLLOUT : 0);
		struct epoll_event ev = { .events = want, .data.u64 = (uintptr_t) c | (uint64_t) i };

		if (want != c->want[i] && epoll_ctl(ep, EPOLL_CTL_MOD, c->fd[i], &ev) == 0)
			c->want[i] = want;
	}
}

/* An event on fd[side]: false once the connection is to be closed. */
static bool floor_event(struct floor_conn *c, int side, uint32_t events)
{
	if (events & EPOLLERR)
		return false;
	/* Readable (or hung up: what is left to read): its own direction. */
	if (events & (EPOLLIN | EPOLLHUP) && !floor_move(c, side))
		return false;
	/* Writable: the other direction, which writes on it. */
	if (events & EPOLLOUT && !floor_move(c, !side))
		return false;
	/* Hung up, and all it sent passed on: nothing more can go either way. */
	return !(events & EPOLLHUP && c->d[side].eof && !c->d[side].len);
}

static void floor_accept(int ep, int lfd, const struct sockaddr_in *to)
{
	struct epoll_event ev;
	struct floor_conn *c;
	int fd, i;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct pollfd p = { .events = POLLOUT };

		c = calloc(1, sizeof(*c));
		p.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (!c || p.fd < 0 || (connect(p.fd, (const struct sockaddr *) to, sizeof(*to)) < 0 &&
		                       (errno != EINPROGRESS || poll(&p, 1, -1) != 1 ||
		                        p.revents != POLLOUT))) {
			close(fd);
			if (p.fd >= 0)
				close(p.fd);
			free(c);
			continue;
		}
		c->fd[0] = fd;
		c->fd[1] = p.fd;
		for (i = 0; i < 2; i++) {
			c->want[i] = EPOLLIN;
			ev.events = EPOLLIN;
			ev.data.u64 = (uintptr_t) c | (uint64_t) i;
			epoll_ctl(ep, EPOLL_CTL_ADD, c->fd[i], &ev);
		}
	}
}

static void __attribute__((noreturn)) floor_loop(int lfd, int target_port)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET, .sin_port = htons((uint16_t) target_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct epoll_event ev[64] = { { .events = EPOLLIN, .data.u64 = 0 } };
	int ep = epoll_create1(EPOLL_CLOEXEC), i, j, got;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* Accepts until EAGAIN: the listener must not block. */
	if (ep < 0 || fcntl(lfd, F_SETFL, O_NONBLOCK) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev[0]) < 0)
		_exit(1);
	for (;;) {
		got = epoll_wait(ep, ev, 64, -1);
		for (i = 0; i < got; i++) {
			/* Connections are aligned: the low bit is the side. */
			struct floor_conn *c = (struct floor_conn *) (uintptr_t) (ev[i].data.u64 & ~1ULL);
			int side = (int) (ev[i].data.u64 & 1);

			if (!ev[i].events)
				continue;       /* for a connection closed earlier in this batch */
			if (!c) {
				floor_accept(ep, lfd, &to);
				continue;
			}
			if (!floor_event(c, side, ev[i].events)) {
				floor_close(c);
				for (j = i + 1; j < got; j++)
					if ((ev[j].data.u64 & ~1ULL) == (uintptr_t) c)
						ev[j].events = 0;
				continue;
			}
			floor_watch(ep, c);
		}
	}
}

pid_t udo_bench_floor(int target_port, int *port)
{
	int lfd = udo_bench_tcp_listener(port);
	pid_t pid = fork();

	if (pid == 0)
		floor_loop(lfd, target_port);
	close(lfd);
	return pid;
}
