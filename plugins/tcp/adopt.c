/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "adopt.h"
#include "../adopt-addr.h"
#include "resolve.h"

/* An IPv4-mapped IPv6 address as the IPv4 address it stands for. */
static void unmap_v4(union udo_inaddr *a)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	if (a->sa.sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr))
		return;
	in.sin_port = a->in6.sin6_port;
	memcpy(&in.sin_addr, &a->in6.sin6_addr.s6_addr[12], 4);
	a->in = in;
}

static bool same_host(const union udo_inaddr *a, const struct sockaddr *b_sa)
{
	union udo_inaddr b;

	memcpy(&b, b_sa, udo_inaddr_len(b_sa));
	unmap_v4(&b);
	if (a->sa.sa_family != b.sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == b.in.sin_addr.s_addr;
	return IN6_ARE_ADDR_EQUAL(&a->in6.sin6_addr, &b.in6.sin6_addr);
}

/* Is own one of the addresses (cid) stands for on a server? */
static bool cid_address(struct udo_vsock_tcp *vsock, uint32_t cid,
                        const union udo_inaddr *own)
{
	struct udo_tcp_target t;
	const struct addrinfo *a;
	bool match;

	/* A CID without an address here (or a malformed map) matches nothing;
	 * the create that follows reports it. */
	if (udo_tcp_target_resolve(vsock, cid, -1, UDO_TCP_SERVER, &t) < 0) {
		udo_ctx_clear_error(vsock);
		return false;
	}
	match = same_host(own, &t.first.sa);
	for (a = t.list; a && !match; a = a->ai_next)
		if (a->ai_family == AF_INET || a->ai_family == AF_INET6)
			match = same_host(own, a->ai_addr);
	udo_tcp_target_free(&t);
	return match;
}

int udo_tcp_server_adopt(struct udo_vsock_tcp *vsock,
                         const struct udo_vsock_tcp_server_create_info *info, int fd)
{
	struct sockaddr_storage sa, got;
	union udo_inaddr own;
	socklen_t len = sizeof(sa);
	int port, wildcard;

	if (getsockname(fd, (struct sockaddr *) &sa, &len) < 0 ||
	    !udo_adopt_inet(&sa, len, info->port, &got, &wildcard))
		return 0;
	memcpy(&own, &got, sizeof(own));
	port = ntohs(own.sa.sa_family == AF_INET6 ? own.in6.sin6_port : own.in.sin_port);
	if (!wildcard && !cid_address(vsock, info->vcid, &own))
		return 0;
	udo_ctx_set_address(vsock, wildcard ? VMADDR_CID_ANY : info->vcid, (uint32_t) port);
	return 1;
}
