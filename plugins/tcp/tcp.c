/* SPDX-License-Identifier: MIT */
/*
 * The tcp transport: plain TCP on the wire, so any TCP client talks to it.
 * A CID stands for the address UDO_VSOCK_TCP_MAP gives it; CID 1, CID 2 and
 * this machine's CID default to 127.0.0.1, and a server on VMADDR_CID_ANY
 * binds loopback unless the map says otherwise: the fallback never exposes
 * a service to the network by default. A host name may stand for several
 * addresses (resolve.h): a client tries them all, a server binds the first.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "cidmap.h"
#include "resolve.h"
#include "adopt.h"
#include "cidmap-cache.h"
#include "connect.h"

/* The first IPv4 or IPv6 address of list after `after` (from the start when
 * NULL) that is not one seen before it. */
static const struct addrinfo *next_inet(const struct addrinfo *list,
                                        const struct addrinfo *after)
{
	const struct addrinfo *a, *b;

	for (a = after ? after->ai_next : list; a; a = a->ai_next) {
		if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
			continue;
		for (b = list; b != a && !udo_inaddr_equal(a->ai_addr, b->ai_addr);)
			b = b->ai_next;
		if (b == a)
			return a;
	}
	return NULL;
}

/*
 * Server: bind the first address that exists on this machine, in the
 * resolver's order (a name's other addresses are not served: a context has
 * one socket). An address that is not on this machine (EADDRNOTAVAIL) or a
 * family the kernel lacks (EAFNOSUPPORT) moves on to the next; any other
 * failure, EADDRINUSE above all, is the answer: another server holds the
 * port there, and a client trying that address first would reach it.
 * The bound socket, or -errno with the error recorded.
 */
static int bind_first(struct udo_vsock_tcp *vsock, const struct udo_tcp_target *t,
                      const struct udo_vsock_tcp_server_create_info *info,
                      union udo_inaddr *bound)
{
	const struct addrinfo *a = next_inet(t->list, NULL);
	const struct sockaddr *sa = a ? a->ai_addr : &t->first.sa;
	struct udo_tcp_tried tried = { .name = t->name[0] ? t->name : NULL };
	char where[400], pt[UDO_PORT_TEXT_MAX];
	const char *step;
	int fd, err, one = 1;

	for (;;) {
		fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		step = fd < 0 ? "socket for" : "set SO_REUSEADDR for";
		/* A restarted server rebinds at once instead of waiting out TIME_WAIT. */
		if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0) {
			step = "bind to";
			if (bind(fd, sa, udo_inaddr_len(sa)) == 0)
				break;
		}
		err = errno;
		if (fd >= 0)
			close(fd);
		udo_tcp_tried_add(&tried, sa, err);
		a = (a && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)) ? next_inet(t->list, a)
		                                                         : NULL;
		if (!a)
			return udo_ctx_error(vsock, tried.err, true, "%s tcp %u:%s (%s)", step,
			                     info->vcid, udo_port_text(info->port, pt, sizeof(pt)),
			                     udo_tcp_tried_text(&tried, where, sizeof(where)));
		sa = a->ai_addr;
	}
	memcpy(bound, sa, udo_inaddr_len(sa));
	return fd;
}

static int tcp_server_create(struct udo_vsock_tcp *vsock,
                             const struct udo_vsock_tcp_server_create_info *info)
{
	struct udo_tcp_target t;
	union udo_inaddr sa;
	socklen_t len = sizeof(sa);
	char where[64], pt[UDO_PORT_TEXT_MAX];
	int fd, err;

	err = udo_tcp_target_resolve(vsock, info->vcid, info->port, UDO_TCP_SERVER, &t);
	if (err < 0)
		return err;
	fd = bind_first(vsock, &t, info, &sa);
	udo_tcp_target_free(&t);
	if (fd < 0)
		return fd;
	if (listen(fd, info->connections > 0 ? info->connections : SOMAXCONN) < 0) {
		err = udo_ctx_error(vsock, errno, true, "listen on tcp %u:%s (%s)", info->vcid,
		                    udo_port_text(info->port, pt, sizeof(pt)),
		                    udo_inaddr_text(&sa.sa, where, sizeof(where)));
		goto fail;
	}
	if (info->port <= 0 && getsockname(fd, &sa.sa, &len) < 0) {
		err = udo_ctx_error(vsock, errno, true, "read the port bound on tcp %u (%s)",
		                    info->vcid, udo_inaddr_text(&sa.sa, where, sizeof(where)));
		goto fail;
	}
	vsock->fd = fd;
	udo_ctx_set_address(vsock, info->vcid,
	                    ntohs(sa.sa.sa_family == AF_INET6 ? sa.in6.sin6_port : sa.in.sin_port));
	return 0;
fail:
	close(fd);
	return err;
}

/* A client keeps a host name's addresses, resolved now: connect tries them
 * in turn (connect.c) and never looks the name up again. */
static int tcp_client_create(struct udo_vsock_tcp *vsock,
                             const struct udo_vsock_tcp_client_create_info *info)
{
	struct udo_tcp_target t;
	int fd, err;

	err = udo_tcp_target_resolve(vsock, info->vcid, info->port, 0, &t);
	if (err < 0)
		return err;
	if (t.list)
		err = udo_tcp_keep_addrs(vsock, &t);
	udo_tcp_target_free(&t);
	if (err < 0)
		return err;
	memcpy(&vsock->peer, &t.first, t.first_len);
	vsock->peer_len = t.first_len;
	fd = udo_ctx_socket(vsock, vsock->peer.sa.sa_family, "tcp");
	if (fd < 0)
		return fd;
	vsock->fd = fd;
	udo_ctx_set_address(vsock, info->vcid, (uint32_t) info->port);
	return 0;
}

/*
 * Connect to the peer (the first address), then, if that fails and the CID
 * maps to a host name, to the name's other addresses (every TCP client does
 * as much: "localhost" is ::1 and 127.0.0.1 on a stock Debian), all within
 * the one connect timeout. The steps are the non-blocking connect's.
 */
static int tcp_client_connect(struct udo_vsock_tcp *vsock)
{
	int err;

	if (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK)
		return udo_tcp_connect_step(vsock);
	err = udo_ctx_ensure_socket(vsock, vsock->peer.sa.sa_family, "tcp");
	if (err < 0)
		return err;
	if (vsock->connect_timeout_ms)
		return udo_tcp_connect_blocking(vsock);
	/* No deadline: the raw call, at its own cost. The kernel's connect has
	 * no timeout then, so it restarts after an SA_RESTART handler and
	 * says EINTR after any other, as the waits of the steps do. */
	if (connect(vsock->fd, &vsock->peer.sa, vsock->peer_len) == 0)
		return 0;
	return udo_tcp_first_failed(vsock, -errno);
}

/* The CID a peer address stands for: loopback is CID 1, else the map's
 * (the create's: parsed only then, most peers of the local fallback are
 * loopback). */
static uint32_t peer_cid(const struct udo_vsock_tcp *vsock, const union udo_sockaddr *peer)
{
	const void *addr = &peer->in6.sin6_addr;
	const char *map = vsock->tcp_map;
	int family = AF_INET6;

	if (peer->sa.sa_family == AF_INET) {
		if ((ntohl(peer->in.sin_addr.s_addr) >> 24) == 127)
			return VMADDR_CID_LOCAL;
		addr = &peer->in.sin_addr;
		family = AF_INET;
	} else if (IN6_IS_ADDR_LOOPBACK(&peer->in6.sin6_addr) ||
	           (IN6_IS_ADDR_V4MAPPED(&peer->in6.sin6_addr) &&
	            peer->in6.sin6_addr.s6_addr[12] == 127)) {
		return VMADDR_CID_LOCAL;
	}
	return map ? udo_cidmap_reverse(map, family, addr) : VMADDR_CID_ANY;
}

static int tcp_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	union udo_sockaddr peer;
	socklen_t len = sizeof(peer);
	int fd;

	fd = accept4(vsock->fd, addr ? &peer.sa : NULL, addr ? &len : NULL,
	             udo_ctx_sock_flags(vsock));
	if (fd < 0)
		return udo_ctx_error(vsock, errno, true, "accept on tcp %u:%u", vsock->vcid,
		                     (uint32_t) vsock->port);
	if (addr) {
		memset(addr, 0, sizeof(*addr));
		addr->svm_family = AF_VSOCK;
		addr->svm_cid = peer_cid(vsock, &peer);
		addr->svm_port = ntohs(peer.sa.sa_family == AF_INET6 ? peer.in6.sin6_port
		                                                    : peer.in.sin_port);
	}
	return fd;
}

static int tcp_client_reachable(const struct udo_vsock_tcp *vsock, uint32_t cid)
{
	(void) vsock;
	(void) cid;
	return 0;
}

/* Nobody listens on the port yet (refused), or the listener went away
 * during the handshake (reset). */
static const int tcp_wait_errnos[] = { ECONNREFUSED, ECONNRESET, 0 };

static const struct udo_transport tcp_transport = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "tcp",
	.carries = UDO_CARRIES_STREAM,
	.carries_why = "TCP keeps no message boundaries",
	.wait_errnos = tcp_wait_errnos,
	.auto_fallback = UDO_CARRIES_STREAM,
	.server_create = tcp_server_create,
	.client_create = tcp_client_create,
	.client_connect = tcp_client_connect,
	.server_accept = tcp_server_accept,
	.client_reachable = tcp_client_reachable,
	.server_adopt = udo_tcp_server_adopt,
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &tcp_transport;
}
