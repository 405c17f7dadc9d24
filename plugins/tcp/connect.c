/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connect.h"

int udo_tcp_keep_addrs(struct udo_vsock_tcp *vsock, const struct udo_tcp_target *t)
{
	const struct addrinfo *a;
	unsigned int n = 0, i;

	for (a = t->list; a; a = a->ai_next)
		n++;
	vsock->addrs = calloc(n ? n : 1, sizeof(*vsock->addrs));
	if (!vsock->addrs)
		return udo_ctx_error(vsock, ENOMEM, true, "keep the addresses of %s", t->name);
	vsock->addr_count = 0;
	for (a = t->list; a; a = a->ai_next) {
		if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
			continue;
		for (i = 0; i < vsock->addr_count; i++)
			if (udo_inaddr_equal(a->ai_addr, &vsock->addrs[i].sa))
				break;
		if (i == vsock->addr_count)
			memcpy(&vsock->addrs[vsock->addr_count++], a->ai_addr,
			       udo_inaddr_len(a->ai_addr));
	}
	return 0;
}

/* Move to the next address on a fresh socket of its family, blocking or
 * not as the one it replaces (a blocking connect's driver made that one
 * non-blocking for its steps, and tells the two apart by it): 0, or -errno
 * (none left, or no socket). */
static int next_address(struct udo_vsock_tcp *vsock)
{
	int flags = fcntl(vsock->fd, F_GETFL);
	const union udo_sockaddr *a;
	int fd;

	if (vsock->addr_next + 1 >= vsock->addr_count)
		return -ENOENT;
	a = &vsock->addrs[++vsock->addr_next];
	fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC |
	                             (flags >= 0 && (flags & O_NONBLOCK) ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	close(vsock->fd);
	vsock->fd = fd;
	memcpy(&vsock->peer, a, udo_inaddr_len(&a->sa));
	vsock->peer_len = udo_inaddr_len(&a->sa);
	return 0;
}

/* Back to the first address for the next connect, on a socket of its family. */
static void rewind_addresses(struct udo_vsock_tcp *vsock)
{
	const union udo_sockaddr *first = &vsock->addrs[0];
	int fd;

	vsock->addr_next = 0;
	if (first->sa.sa_family != vsock->peer.sa.sa_family) {
		fd = socket(first->sa.sa_family, SOCK_STREAM | udo_ctx_sock_flags(vsock), 0);
		if (vsock->fd >= 0)
			close(vsock->fd);
		vsock->fd = fd; /* -1: the next connect opens one */
	}
	memcpy(&vsock->peer, first, udo_inaddr_len(&first->sa));
	vsock->peer_len = udo_inaddr_len(&first->sa);
}

/* The address being tried failed with err (an errno value): kept for the
 * message (the calls of one connect each see part of it; errno values fit
 * a byte). */
static void note(struct udo_vsock_tcp *vsock, int err)
{
	if (vsock->addr_next < sizeof(vsock->step_buf))
		vsock->step_buf[vsock->addr_next] = (char) err;
}

/* Noted, then true when the next address is ready to try. */
static bool move_on(struct udo_vsock_tcp *vsock, int err)
{
	note(vsock, err);
	/* Connected or connecting already: that socket is the answer. A
	 * signal that ended the wait ends the connect. */
	if (err == EISCONN || err == EALREADY || err == EINPROGRESS || err == EINTR)
		return false;
	return vsock->addrs && next_address(vsock) == 0;
}

/* Every address tried failed (timed_out: the deadline passed on the last
 * one): one message naming each, the context back at the first address. */
static int walk_failed(struct udo_vsock_tcp *vsock, bool timed_out)
{
	struct udo_tcp_tried tried = { .name = NULL };
	struct udo_tcp_target t = { .list = NULL };
	char where[400], pt[UDO_PORT_TEXT_MAX];
	unsigned int i;

	if (!vsock->addrs) {
		udo_tcp_tried_add(&tried, &vsock->peer.sa, (unsigned char) vsock->step_buf[0]);
	} else {
		/* The name from the create's map again, not looked up. */
		if (udo_tcp_target_resolve(vsock, vsock->vcid, vsock->port, UDO_TCP_NAME_ONLY,
		                           &t) == 0 && t.name[0])
			tried.name = t.name;
		for (i = 0; i <= vsock->addr_next && i < sizeof(vsock->step_buf); i++)
			udo_tcp_tried_add(&tried, &vsock->addrs[i].sa,
			                  (unsigned char) vsock->step_buf[i]);
		if (timed_out)
			tried.untried = vsock->addr_count - vsock->addr_next - 1;
		rewind_addresses(vsock);
	}
	udo_tcp_tried_text(&tried, where, sizeof(where));
	udo_port_text(vsock->port, pt, sizeof(pt));
	if (timed_out)
		return udo_ctx_error(vsock, ETIMEDOUT, true,
		                     "connect to tcp %u:%s (%s): no answer within %u ms",
		                     vsock->vcid, pt, where, vsock->connect_timeout_ms);
	return udo_ctx_error(vsock, tried.err, true, "connect to tcp %u:%s (%s)", vsock->vcid, pt,
	                     where);
}

int udo_tcp_connect_step(struct udo_vsock_tcp *vsock)
{
	bool waited;
	int err;

	err = udo_ctx_ensure_socket(vsock, vsock->peer.sa.sa_family, "tcp");
	if (err < 0)
		return err;
	for (;;) {
		waited = vsock->poll_events != 0;
		err = udo_ctx_connect_nb(vsock, &vsock->peer.sa, vsock->peer_len);
		if (err == -EINPROGRESS)
			return err;
		/* tcp marks the socket connected only at a second connect;
		 * without it the caller's next connect would say 0, not EISCONN. */
		if (err == 0 && waited &&
		    connect(vsock->fd, &vsock->peer.sa, vsock->peer_len) < 0 && errno != EISCONN)
			err = -errno;
		if (err == 0)
			return 0;
		if (!move_on(vsock, -err))
			return walk_failed(vsock, false);
	}
}

/* The blocking connect's wait for the address being tried ended early
 * (the deadline, a signal without SA_RESTART, a poll error): the walk ends,
 * the addresses after it untried. */
static int wait_ended(struct udo_vsock_tcp *vsock, int err)
{
	note(vsock, -err);
	return walk_failed(vsock, err == -ETIMEDOUT);
}

int udo_tcp_connect_blocking(struct udo_vsock_tcp *vsock)
{
	struct udo_deadline deadline;

	udo_deadline_start(&deadline, vsock->connect_timeout_ms);
	return udo_deadline_drive(vsock, &deadline, udo_tcp_connect_step, wait_ended);
}

int udo_tcp_first_failed(struct udo_vsock_tcp *vsock, int err)
{
	struct udo_deadline none = { .set = false };

	if (!move_on(vsock, -err))
		return walk_failed(vsock, false);
	return udo_deadline_drive(vsock, &none, udo_tcp_connect_step, wait_ended);
}
