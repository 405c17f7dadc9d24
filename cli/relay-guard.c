/* SPDX-License-Identifier: MIT */
/*
 * What the relay does about peers that do it no favours, beside the
 * pool's limit on what a peer that never reads may hold
 * (cli/relay-conn.c): a client that resets while its target is being
 * connected, and messages as long as the relay allows.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "relay-int.h"

/*
 * Room to send a message of size bytes, which a peer may send (a unix
 * socket takes a message up to its send buffer, which its owner raises at
 * will): the kernel doubles what is asked, up to twice its maximum.
 */
void relay_msg_room(int fd, size_t size)
{
	int have = 0, want = size > INT_MAX / 2 ? INT_MAX / 2 : (int) size;
	socklen_t len = sizeof(have);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &len) == 0 && have / 2 < want)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

/*
 * While its target is being connected, a client that resets (a TCP RST:
 * EPOLLERR) ends its connection at once, not when the connect ends (a
 * target that never answers: minutes). A client that only ended its side
 * (a FIN; on unix, a close) may still be owed an answer, or have bytes to
 * pass on: the copy sees to it (its edges seen meanwhile are not lost: the
 * copy starts as if both sides were ready).
 */
void relay_watch_client(struct relay_conn *c)
{
	/* Registered as the copy will want it, so that the copy need not
	 * register it again: no system call more per connection. */
	struct epoll_event ev = {
		.events = RELAY_COPY_EVENTS, .data.u64 = (uint64_t) (uintptr_t) c | RELAY_TAG_CLIENT,
	};

	c->watched = epoll_ctl(c->w->ep, EPOLL_CTL_ADD, c->fd[0], &ev) == 0;
}

void relay_client_event(struct relay_conn *c, uint32_t events)
{
	socklen_t len = sizeof(int);
	int e = 0;

	/* A lookup under way still refers to c: the copy sees the reset. */
	if (!(events & EPOLLERR) || c->state == RELAY_RESOLVING)
		return;
	if (getsockopt(c->fd[0], SOL_SOCKET, SO_ERROR, &e, &len) < 0 || !e)
		e = ECONNRESET;
	relay_fail(c, "receive from %s: %s (while connecting to the target)", c->peer,
	           strerror(e));
}
