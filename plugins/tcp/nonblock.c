/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nonblock.h"

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

/* Move to the next address on a fresh socket of its family: 0, or -errno
 * (none left, or no socket). */
static int next_address(struct udo_vsock_tcp *vsock)
{
	const union udo_sockaddr *a;
	int fd;

	if (vsock->addr_next + 1 >= vsock->addr_count)
		return -ENOENT;
	a = &vsock->addrs[++vsock->addr_next];
	fd = socket(a->sa.sa_family, SOCK_STREAM | udo_ctx_sock_flags(vsock), 0);
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
		close(vsock->fd);
		vsock->fd = fd; /* -1: the next connect opens one */
	}
	memcpy(&vsock->peer, first, udo_inaddr_len(&first->sa));
	vsock->peer_len = udo_inaddr_len(&first->sa);
}

int udo_tcp_connect_nb(struct udo_vsock_tcp *vsock)
{
	struct udo_tcp_tried tried = { .name = NULL };
	char where[400], pt[UDO_PORT_TEXT_MAX];
	unsigned int i;
	int err;

	err = udo_ctx_ensure_socket(vsock, vsock->peer.sa.sa_family, "tcp");
	if (err < 0)
		return err;
	for (;;) {
		err = udo_ctx_connect_nb(vsock, &vsock->peer.sa, vsock->peer_len);
		if (err == 0 || err == -EINPROGRESS)
			return err;
		/* The calls of one connect each see part of it: how each
		 * address failed is kept for the message (errno values fit a
		 * byte). */
		if (vsock->addr_next < sizeof(vsock->step_buf))
			vsock->step_buf[vsock->addr_next] = (char) -err;
		/* Connected already: that socket is the answer. */
		if (err == -EISCONN || !vsock->addrs || next_address(vsock) < 0)
			break;
	}
	if (!vsock->addrs) {
		udo_tcp_tried_add(&tried, &vsock->peer.sa, -err);
	} else {
		for (i = 0; i <= vsock->addr_next && i < sizeof(vsock->step_buf); i++)
			udo_tcp_tried_add(&tried, &vsock->addrs[i].sa,
			                  (unsigned char) vsock->step_buf[i]);
		rewind_addresses(vsock);
	}
	return udo_ctx_error(vsock, tried.err, true, "connect to tcp %u:%s (%s)", vsock->vcid,
	                     udo_port_text(vsock->port, pt, sizeof(pt)),
	                     udo_tcp_tried_text(&tried, where, sizeof(where)));
}
