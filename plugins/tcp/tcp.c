/* SPDX-License-Identifier: MIT */
/*
 * The tcp transport: plain TCP on the wire, so any TCP client talks to it.
 * A CID stands for the address UDO_VSOCK_TCP_MAP gives it; CID 1, CID 2 and
 * this machine's CID default to 127.0.0.1, and a server on VMADDR_CID_ANY
 * binds loopback unless the map says otherwise: the fallback never exposes
 * a service to the network by default.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "cidmap.h"

#define TCP_PORT_MAX 65535

/* "127.0.0.1:5000" or "[::1]:5000" for messages. */
static const char *addr_text(const union udo_sockaddr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(a->in6.sin6_port));
	} else {
		inet_ntop(AF_INET, &a->in.sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(a->in.sin_port));
	}
	return buf;
}

/* This machine's CID, read once: three syscalls (open, ioctl, close) a
 * create would otherwise pay each time. */
static pthread_once_t local_cid_once = PTHREAD_ONCE_INIT;
static uint32_t local_cid;

static void read_local_cid(void)
{
	local_cid = udo_local_cid();
}

static bool is_default_loopback_cid(uint32_t cid, bool server)
{
	if (cid == VMADDR_CID_LOCAL || cid == VMADDR_CID_HOST)
		return true;
	if (server && cid == VMADDR_CID_ANY)
		return true;
	pthread_once(&local_cid_once, read_local_cid);
	return cid == local_cid;
}

static int set_port(union udo_sockaddr *a, int port)
{
	if (a->sa.sa_family == AF_INET6) {
		a->in6.sin6_port = htons((uint16_t) port);
		return sizeof(a->in6);
	}
	a->in.sin_port = htons((uint16_t) port);
	return sizeof(a->in);
}

static int resolve_name(struct udo_vsock_tcp *vsock, const struct udo_cidmap_entry *e,
                        bool server, union udo_sockaddr *out, const char *op, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int rc = getaddrinfo(e->host, NULL, &hints, &res);

	if (rc != 0)
		return udo_ctx_error(vsock, server ? EADDRNOTAVAIL : EHOSTUNREACH, false,
		                     "%s tcp %u:%d: cannot resolve \"%s\" from %s: %s", op,
		                     e->cid, port, e->host, UDO_CIDMAP_ENV, gai_strerror(rc));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/*
 * The address for (cid, port): 0 with *out and its length set, or -errno
 * (a malformed map: EINVAL; an unmapped CID: EHOSTUNREACH for a client,
 * EADDRNOTAVAIL for a server).
 */
static int resolve(struct udo_vsock_tcp *vsock, uint32_t cid, int port, bool server,
                   union udo_sockaddr *out, socklen_t *out_len)
{
	const char *op = server ? "bind to" : "connect to";
	const char *map = getenv(UDO_CIDMAP_ENV);
	struct udo_cidmap_entry e;
	char why[200];
	int found = 0, r;

	if (port < (server ? -1 : 0) || port > TCP_PORT_MAX)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s tcp %u:%d: port out of range for the tcp transport (%s0-%d)",
		                     op, cid, port, server ? "-1 for any, " : "", TCP_PORT_MAX);
	if (map) {
		found = udo_cidmap_find(map, cid, &e, why, sizeof(why));
		if (found < 0)
			return udo_ctx_error(vsock, EINVAL, false, "%s tcp %u:%d: %s", op, cid,
			                     port, why);
	}
	memset(out, 0, sizeof(*out));
	if (!found && is_default_loopback_cid(cid, server)) {
		out->in.sin_family = AF_INET;
		out->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (!found) {
		return udo_ctx_error(vsock, server ? EADDRNOTAVAIL : EHOSTUNREACH, false,
		                     "%s tcp %u:%d: CID %u has no address on the tcp transport: "
		                     "map it in %s=\"%u=HOST\"",
		                     op, cid, port, cid, UDO_CIDMAP_ENV, cid);
	} else if (e.family == AF_INET) {
		out->in.sin_family = AF_INET;
		out->in.sin_addr = e.addr.v4;
	} else if (e.family == AF_INET6) {
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_addr = e.addr.v6;
	} else {
		r = resolve_name(vsock, &e, server, out, op, port);
		if (r < 0)
			return r;
	}
	*out_len = (socklen_t) set_port(out, port < 0 ? 0 : port);
	return 0;
}

static int tcp_server_create(struct udo_vsock_tcp *vsock,
                             const struct udo_vsock_tcp_server_create_info *info)
{
	union udo_sockaddr sa;
	socklen_t len;
	char where[64];
	int fd, err, one = 1;

	err = resolve(vsock, info->vcid, info->port, true, &sa, &len);
	if (err < 0)
		return err;
	addr_text(&sa, where, sizeof(where));
	fd = udo_ctx_socket(vsock, sa.sa.sa_family, "tcp");
	if (fd < 0)
		return fd;
	/* A restarted server rebinds at once instead of waiting out TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		err = udo_ctx_error(vsock, errno, true, "set SO_REUSEADDR for tcp %u:%d (%s)",
		                    info->vcid, info->port, where);
		goto fail;
	}
	if (bind(fd, &sa.sa, len) < 0) {
		err = udo_ctx_error(vsock, errno, true, "bind to tcp %u:%d (%s)",
		                    info->vcid, info->port, where);
		goto fail;
	}
	if (listen(fd, info->connections > 0 ? info->connections : SOMAXCONN) < 0) {
		err = udo_ctx_error(vsock, errno, true, "listen on tcp %u:%d (%s)",
		                    info->vcid, info->port, where);
		goto fail;
	}
	if (info->port <= 0 && getsockname(fd, &sa.sa, &len) < 0) {
		err = udo_ctx_error(vsock, errno, true, "read the port bound on tcp %u (%s)",
		                    info->vcid, where);
		goto fail;
	}
	vsock->fd = fd;
	vsock->vcid = info->vcid;
	vsock->port = ntohs(sa.sa.sa_family == AF_INET6 ? sa.in6.sin6_port : sa.in.sin_port);
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = info->vcid;
	vsock->addr.svm_port = (unsigned int) vsock->port;
	return 0;
fail:
	close(fd);
	return err;
}

static int tcp_client_create(struct udo_vsock_tcp *vsock,
                             const struct udo_vsock_tcp_client_create_info *info)
{
	int fd, err;

	err = resolve(vsock, info->vcid, info->port, false, &vsock->peer, &vsock->peer_len);
	if (err < 0)
		return err;
	fd = udo_ctx_socket(vsock, vsock->peer.sa.sa_family, "tcp");
	if (fd < 0)
		return fd;
	vsock->fd = fd;
	vsock->vcid = info->vcid;
	vsock->port = info->port;
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = info->vcid;
	vsock->addr.svm_port = (unsigned int) info->port;
	return 0;
}

static int tcp_client_connect(struct udo_vsock_tcp *vsock)
{
	struct udo_deadline deadline;
	char where[64];
	int err;

	err = udo_ctx_ensure_socket(vsock, vsock->peer.sa.sa_family, "tcp");
	if (err < 0)
		return err;
	udo_deadline_start(&deadline, vsock->connect_timeout_ms);
	err = udo_deadline_connect(vsock->fd, &vsock->peer.sa, vsock->peer_len, &deadline);
	if (err == 0)
		return 0;
	addr_text(&vsock->peer, where, sizeof(where));
	if (err == -ETIMEDOUT && deadline.set)
		return udo_ctx_error(vsock, ETIMEDOUT, true,
		                     "connect to tcp %u:%d (%s): no answer within %u ms",
		                     vsock->vcid, vsock->port, where, vsock->connect_timeout_ms);
	return udo_ctx_error(vsock, -err, true, "connect to tcp %u:%d (%s)",
	                     vsock->vcid, vsock->port, where);
}

/* The CID a peer address stands for: loopback is CID 1, else the map's. */
static uint32_t peer_cid(const union udo_sockaddr *peer)
{
	const char *map = getenv(UDO_CIDMAP_ENV);

	if (peer->sa.sa_family == AF_INET) {
		if ((ntohl(peer->in.sin_addr.s_addr) >> 24) == 127)
			return VMADDR_CID_LOCAL;
		return map ? udo_cidmap_reverse(map, AF_INET, &peer->in.sin_addr) : VMADDR_CID_ANY;
	}
	if (IN6_IS_ADDR_LOOPBACK(&peer->in6.sin6_addr))
		return VMADDR_CID_LOCAL;
	if (IN6_IS_ADDR_V4MAPPED(&peer->in6.sin6_addr) && peer->in6.sin6_addr.s6_addr[12] == 127)
		return VMADDR_CID_LOCAL;
	return map ? udo_cidmap_reverse(map, AF_INET6, &peer->in6.sin6_addr) : VMADDR_CID_ANY;
}

static int tcp_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	union udo_sockaddr peer;
	socklen_t len = sizeof(peer);
	int fd;

	fd = accept4(vsock->fd, addr ? &peer.sa : NULL, addr ? &len : NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return udo_ctx_error(vsock, errno, true, "accept on tcp %u:%d", vsock->vcid,
		                     vsock->port);
	if (addr) {
		memset(addr, 0, sizeof(*addr));
		addr->svm_family = AF_VSOCK;
		addr->svm_cid = peer_cid(&peer);
		addr->svm_port = ntohs(peer.sa.sa_family == AF_INET6 ? peer.in6.sin6_port
		                                                    : peer.in.sin_port);
	}
	return fd;
}

static int tcp_client_reachable(uint32_t cid)
{
	(void) cid;
	return 0;
}

/* An IPv4-mapped IPv6 address as the IPv4 address it stands for. */
static void unmap_v4(union udo_sockaddr *a)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	if (a->sa.sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr))
		return;
	in.sin_port = a->in6.sin6_port;
	memcpy(&in.sin_addr, &a->in6.sin6_addr.s6_addr[12], 4);
	a->in = in;
}

static bool is_wildcard(const union udo_sockaddr *a)
{
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr);
}

static bool same_host(const union udo_sockaddr *a, const union udo_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	return IN6_ARE_ADDR_EQUAL(&a->in6.sin6_addr, &b->in6.sin6_addr);
}

/* A passed socket matches on the port (any for -1) and on the CID's mapped
 * address or a wildcard (then the server reports VMADDR_CID_ANY). */
static int tcp_server_adopt(struct udo_vsock_tcp *vsock,
                            const struct udo_vsock_tcp_server_create_info *info, int fd)
{
	union udo_sockaddr own, want;
	socklen_t len = sizeof(own), want_len;
	int port;

	if (getsockname(fd, &own.sa, &len) < 0 ||
	    (own.sa.sa_family != AF_INET && own.sa.sa_family != AF_INET6))
		return 0;
	port = ntohs(own.sa.sa_family == AF_INET6 ? own.in6.sin6_port : own.in.sin_port);
	if (info->port != -1 && info->port != port)
		return 0;
	unmap_v4(&own);
	if (!is_wildcard(&own)) {
		/* A CID without an address here (or a malformed map) matches
		 * nothing; the create that follows reports it. */
		if (resolve(vsock, info->vcid, info->port, true, &want, &want_len) < 0)
			return 0;
		unmap_v4(&want);
		if (!same_host(&own, &want))
			return 0;
	}
	vsock->vcid = is_wildcard(&own) ? VMADDR_CID_ANY : info->vcid;
	vsock->port = port;
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = vsock->vcid;
	vsock->addr.svm_port = (unsigned int) port;
	return 1;
}

static const struct udo_transport tcp_transport = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "tcp",
	.server_create = tcp_server_create,
	.client_create = tcp_client_create,
	.client_connect = tcp_client_connect,
	.server_accept = tcp_server_accept,
	.client_reachable = tcp_client_reachable,
	.server_adopt = tcp_server_adopt,
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &tcp_transport;
}
