/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidmap-cache.h"
#include "resolve.h"
#include "quote.h"
#include "map-text.h"

#define TCP_PORT_MAX 65535

static bool is_default_loopback_cid(uint32_t cid, bool server)
{
	if (cid == VMADDR_CID_LOCAL || cid == VMADDR_CID_HOST)
		return true;
	if (server && cid == VMADDR_CID_ANY)
		return true;
	return cid == udo_local_cid_once();
}

socklen_t udo_inaddr_len(const struct sockaddr *a)
{
	return a->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static void set_port(struct sockaddr *a, uint16_t port)
{
	if (a->sa_family == AF_INET6)
		((struct sockaddr_in6 *) a)->sin6_port = htons(port);
	else
		((struct sockaddr_in *) a)->sin_port = htons(port);
}

bool udo_inaddr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in6 *a6 = (const void *) a, *b6 = (const void *) b;
	const struct sockaddr_in *a4 = (const void *) a, *b4 = (const void *) b;

	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port && a6->sin6_scope_id == b6->sin6_scope_id &&
		       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
	return a4->sin_port == b4->sin_port && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
}

const char *udo_inaddr_text(const struct sockaddr *a, char *buf, size_t len)
{
	const struct sockaddr_in6 *a6 = (const void *) a;
	const struct sockaddr_in *a4 = (const void *) a;
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(a4->sin_port));
	}
	return buf;
}

/* Every address of a name, in the resolver's order (RFC 6724, gai.conf). */
static int resolve_name(struct udo_vsock_tcp *vsock, const char *op, uint32_t cid, int port,
                        bool server, uint16_t p, struct udo_tcp_target *t)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	char q[UDO_QUOTE_BUF], pt[UDO_PORT_TEXT_MAX];
	int rc = getaddrinfo(t->name, NULL, &hints, &res);

	if (rc == 0) {
		for (a = res; a; a = a->ai_next)
			if (a->ai_family == AF_INET || a->ai_family == AF_INET6)
				set_port(a->ai_addr, p);
		for (a = res; a && a->ai_family != AF_INET && a->ai_family != AF_INET6;)
			a = a->ai_next;
		if (a) {
			memcpy(&t->first, a->ai_addr, udo_inaddr_len(a->ai_addr));
			t->first_len = udo_inaddr_len(a->ai_addr);
			t->list = res;
			return 0;
		}
		freeaddrinfo(res);
	}
	return udo_ctx_error(vsock, server ? EADDRNOTAVAIL : EHOSTUNREACH, false,
	                     "%s tcp %u:%s: cannot resolve \"%s\" from %s: %s", op, cid,
	                     udo_port_text(port, pt, sizeof(pt)),
	                     udo_quote(q, sizeof(q), t->name), vsock->tcp_map_name,
	                     rc ? gai_strerror(rc) : "no IPv4 or IPv6 address");
}

int udo_tcp_target_resolve(struct udo_vsock_tcp *vsock, uint32_t cid, int port, int how,
                           struct udo_tcp_target *t)
{
	bool server = how & UDO_TCP_SERVER;
	const char *op = server ? "bind to" : "connect to";
	/* What the create resolved, also when a connect looks a name up again. */
	const char *map = vsock->tcp_map, *map_name = vsock->tcp_map_name;
	struct udo_cidmap_entry e;
	char why[400], pt[UDO_PORT_TEXT_MAX];
	uint16_t p = port < 0 ? 0 : (uint16_t) port;
	int found = 0;

	memset(&t->first, 0, sizeof(t->first));
	t->first_len = 0;
	t->list = NULL;
	t->name[0] = '\0';
	if (port < (server ? -1 : 0) || port > TCP_PORT_MAX)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s tcp %u:%s: port out of range for the tcp transport (%s0-%d)",
		                     op, cid, udo_port_text(port, pt, sizeof(pt)), server ? "-1 for any, " : "",
		                     TCP_PORT_MAX);
	if (map) {
		found = udo_cidmap_find_cached(map, cid, &e, why, sizeof(why));
		/* The parser names the variable; the map may come from opts. */
		if (found < 0)
			return udo_ctx_error(vsock, EINVAL, false, "%s tcp %u:%s: %s%s", op, cid,
			                     udo_port_text(port, pt, sizeof(pt)), map_name,
			                     map_why(why, UDO_CIDMAP_ENV));
	}
	if (!found && is_default_loopback_cid(cid, server)) {
		t->first.in.sin_family = AF_INET;
		t->first.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (!found) {
		return udo_ctx_error(vsock, server ? EADDRNOTAVAIL : EHOSTUNREACH, false,
		                     "%s tcp %u:%s: CID %u has no address on the tcp transport: "
		                     "map it in %s=\"%u=HOST\"",
		                     op, cid, udo_port_text(port, pt, sizeof(pt)), cid, map_name, cid);
	} else if (e.family == AF_INET) {
		t->first.in.sin_family = AF_INET;
		t->first.in.sin_addr = e.addr.v4;
	} else if (e.family == AF_INET6) {
		t->first.in6.sin6_family = AF_INET6;
		t->first.in6.sin6_addr = e.addr.v6;
	} else {
		memcpy(t->name, e.host, sizeof(t->name));
		return (how & UDO_TCP_NAME_ONLY) ? 0 : resolve_name(vsock, op, cid, port, server, p, t);
	}
	set_port(&t->first.sa, p);
	t->first_len = udo_inaddr_len(&t->first.sa);
	return 0;
}

void udo_tcp_target_free(struct udo_tcp_target *t)
{
	if (t->list)
		freeaddrinfo(t->list);
	t->list = NULL;
}

/* Errors that say an address cannot be used from here at all, as opposed to
 * an answer (or the silence) of a peer: reported only when nothing else is. */
static bool unusable_here(int err)
{
	switch (err) {
	case EAFNOSUPPORT:
	case EADDRNOTAVAIL:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTUNREACH:
		return true;
	default:
		return false;
	}
}

void udo_tcp_tried_add(struct udo_tcp_tried *t, const struct sockaddr *a, int err)
{
	if (t->count < UDO_TCP_TRIED_SHOWN) {
		memcpy(&t->shown[t->count].addr, a, udo_inaddr_len(a));
		t->shown[t->count].err = err;
	}
	t->count++;
	/* The last error, unless only an earlier address got an answer. */
	if (!t->err || !unusable_here(err) || unusable_here(t->err))
		t->err = err;
}

/* Append to buf[*used..len) when the whole piece fits; false when not. */
static bool append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t) n >= len - *used) {
		buf[*used] = '\0';
		return false;
	}
	*used += (size_t) n;
	return true;
}

const char *udo_tcp_tried_text(const struct udo_tcp_tried *t, char *buf, size_t len)
{
	/* Room kept for the tail: ", 4294967295 more; 4294967295 not tried". */
	size_t used = 0, room = len > 48 ? len - 48 : len, i;
	unsigned int shown = t->count < UDO_TCP_TRIED_SHOWN ? t->count : UDO_TCP_TRIED_SHOWN;
	char addr[INET6_ADDRSTRLEN + 8], why[128];

	buf[0] = '\0';
	if (t->name)
		append(buf, room, &used, "%s: ", t->name);
	for (i = 0; i < shown; i++) {
		const char *sep = i ? ", " : "";

		udo_inaddr_text(&t->shown[i].addr.sa, addr, sizeof(addr));
		if (t->shown[i].err == t->err) {
			if (!append(buf, room, &used, "%s%s", sep, addr))
				break;
		} else if (!append(buf, room, &used, "%s%s (%s)", sep, addr,
		                   strerror_r(t->shown[i].err, why, sizeof(why)))) {
			break;
		}
	}
	if (i < t->count)
		append(buf, len, &used, ", %u more", t->count - (unsigned int) i);
	if (t->untried)
		append(buf, len, &used, "; %u not tried", t->untried);
	return buf;
}
