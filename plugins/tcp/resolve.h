/* SPDX-License-Identifier: MIT */
/*
 * The tcp transport's addresses: which ones stand for a (CID, port), and the
 * record of what a connect or bind tried, for its one-line message.
 *
 * A CID maps to one address (a literal in UDO_VSOCK_TCP_MAP, or loopback by
 * default) or to a host name, which may resolve to several: a stock Debian
 * /etc/hosts names both ::1 and 127.0.0.1 "localhost", ::1 first. A client
 * tries each address in the resolver's order until one answers; a server
 * binds the first one that exists on this machine (tcp.c).
 */
#ifndef UDO_TCP_RESOLVE_H
#define UDO_TCP_RESOLVE_H

#include <netdb.h>

#include "transport.h"
#include "cidmap.h"

/* An IPv4 or IPv6 address with its port. */
union udo_inaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* What a (CID, port) resolves to. */
struct udo_tcp_target {
	union udo_inaddr first;  /* the address to try first */
	socklen_t first_len;
	struct addrinfo *list;   /* a host name: all its addresses (first among them), else NULL */
	char name[UDO_CIDMAP_HOST_MAX + 1]; /* the host name, "" for a literal or a default */
};

/* How udo_tcp_target_resolve() works. */
#define UDO_TCP_SERVER    1 /* for a bind (else a connect): -1 is port 0, any CID loopback */
#define UDO_TCP_NAME_ONLY 2 /* a host name is not resolved: t->name only */

/*
 * Resolve (cid, port) (a server's port -1 binds port 0, for the kernel to
 * choose). 0 with *t filled (free it with udo_tcp_target_free), or -errno
 * with the error recorded: EINVAL for a port out of range or a malformed
 * map, EHOSTUNREACH (client) / EADDRNOTAVAIL (server) for an unmapped CID or
 * a name that does not resolve.
 */
int udo_tcp_target_resolve(struct udo_vsock_tcp *vsock, uint32_t cid, int port, int how,
                           struct udo_tcp_target *t);
void udo_tcp_target_free(struct udo_tcp_target *t);

/* The length of a's sockaddr (sockaddr_in or sockaddr_in6). */
socklen_t udo_inaddr_len(const struct sockaddr *a);

/* Same family, address and port. */
bool udo_inaddr_equal(const struct sockaddr *a, const struct sockaddr *b);

/* "127.0.0.1:5000" or "[::1]:5000". */
const char *udo_inaddr_text(const struct sockaddr *a, char *buf, size_t len);

/* The addresses a connect or bind tried and how each failed (errno values). */
#define UDO_TCP_TRIED_SHOWN 8 /* named in the message; more are counted */
struct udo_tcp_tried {
	const char *name;        /* the host name, or NULL */
	unsigned int count;      /* addresses tried */
	unsigned int untried;    /* addresses left when the deadline passed */
	int err;                 /* the errno to report (udo_tcp_tried_add picks it) */
	struct {
		union udo_inaddr addr;
		int err;
	} shown[UDO_TCP_TRIED_SHOWN];
};

void udo_tcp_tried_add(struct udo_tcp_tried *t, const struct sockaddr *a, int err);

/*
 * The list for a message, e.g. "localhost: [::1]:5000 (Cannot assign requested
 * address), 127.0.0.1:5000": an address whose error differs from the one
 * reported has it in parentheses; cut to fit len with ", N more".
 */
const char *udo_tcp_tried_text(const struct udo_tcp_tried *t, char *buf, size_t len);

#endif /* UDO_TCP_RESOLVE_H */
