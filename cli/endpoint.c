/* SPDX-License-Identifier: MIT */
/*
 * Listening, accepting and connecting for udo-vsock. vsock addresses use the
 * library with contexts in our own memory, so a failed create still tells
 * us why (udo_log_get_error on that memory).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "allow.h"
#include "endpoint.h"
#include "errbuf.h"
#include "passed.h"
/* The library's bounded connect (shared/deadline.c), so a tcp: target is
 * bounded as a vsock one is. */
#include "deadline.h"

static struct udo_vsock_tcp *ctx_alloc(char *err, size_t errlen)
{
	struct udo_vsock_tcp *ctx = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());

	if (!ctx)
		fail(err, errlen, "allocate a vsock context: %s", strerror(errno));
	return ctx;
}

/* The library's message for a failed call on ctx, with a fallback. */
static int ctx_fail(const struct udo_vsock_tcp *ctx, const char *what, char *err,
                    size_t errlen)
{
	const char *msg = udo_log_get_error(ctx);

	if (msg && *msg)
		return fail(err, errlen, "%s", msg);
	return fail(err, errlen, "%s: %s", what, strerror((int) udo_log_get_error_code(ctx)));
}

static void ctx_free(struct udo_vsock_tcp *ctx)
{
	udo_vsock_tcp_destroy(ctx);
	free(ctx);
}

/*
 * The library's options for an address of a library kind: its own
 * transport (NULL for a vsock: one without --transport: the library's
 * choice, its variable as the user set it) and type; a hybrid address
 * maps its CID to its socket in map. Only what the command line says:
 * every other setting stays the library's (its variables, its defaults).
 */
static void lib_opts(struct udo_vsock_tcp_opts *o, const struct udo_cli_addr *a,
                     char *map, size_t maplen)
{
	o->transport = a->transport;
	o->type = a->type == SOCK_SEQPACKET ? SOCK_SEQPACKET : SOCK_STREAM;
	if (a->kind == UDO_CLI_ADDR_HYBRID) {
		snprintf(map, maplen, "%u=%.*s", a->cid, UDO_CLI_PATH_MAX, a->host);
		o->hybrid_uds = map;
	}
}

static const char *cid_text(uint32_t cid, char *buf, size_t len)
{
	if (cid == VMADDR_CID_ANY)
		return "any";
	snprintf(buf, len, "%u", cid);
	return buf;
}

/* "127.0.0.1:80" or "[::1]:80" for a socket address. */
const char *udo_cli_sa_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t n)
{
	char host[128], serv[16]; /* numeric: an IPv6 address and a zone fit */

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	                NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, n, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, n, "[%s]:%s", host, serv);
	else
		snprintf(buf, n, "%s:%s", host, serv);
	return buf;
}

static int listen_vsock(struct udo_cli_listener *l, int backlog, char *err, size_t errlen)
{
	struct udo_vsock_tcp_server_create_info info = {
		.vcid = l->addr.cid, .port = l->addr.port, .connections = backlog,
	};
	struct udo_vsock_tcp_opts opts = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *ctx = ctx_alloc(err, errlen);
	char cid[16], map[UDO_CLI_PATH_MAX + 16];

	if (!ctx)
		return -1;
	lib_opts(&opts, &l->addr, map, sizeof(map));
	if (!udo_vsock_tcp_server_create_opts(ctx, &info, &opts)) {
		ctx_fail(ctx, "listen", err, errlen);
		free(ctx);
		return -1;
	}
	l->ctx = ctx;
	l->fd = udo_vsock_tcp_get_fd(ctx);
	l->port = udo_vsock_tcp_get_port(ctx);
	snprintf(l->where, sizeof(l->where), "%s %s:%u", udo_vsock_tcp_get_transport(ctx),
	         cid_text(l->addr.cid, cid, sizeof(cid)), (uint32_t) l->port);
	return 0;
}

static int port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *) ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *) ss)->sin_port);
}

static int listen_tcp(struct udo_cli_listener *l, int backlog, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res, *ai;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char port[16], where[UDO_CLI_ADDR_TEXT_MAX];
	int fd = -1, one = 1, rc;

	snprintf(where, sizeof(where), "%s", l->addr.host);
	fd = udo_cli_passed_tcp(&l->addr); /* socket activation: cli/passed.c */
	if (fd >= 0)
		goto bound;
	snprintf(port, sizeof(port), "%d", l->addr.port < 0 ? 0 : l->addr.port);
	rc = getaddrinfo(l->addr.host, port, &hints, &res);
	if (rc != 0)
		return fail(err, errlen, "listen on tcp %s:%s: cannot resolve \"%s\": %s",
		            l->addr.host, port, l->addr.host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		const char *step = "socket";

		udo_cli_sa_text(ai->ai_addr, ai->ai_addrlen, where, sizeof(where));
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			/* A restarted relay rebinds at once. */
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			step = "bind to";
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
				step = "listen on";
				if (listen(fd, backlog > 0 ? backlog : SOMAXCONN) == 0)
					break;
			}
		}
		fail(err, errlen, "%s tcp %s: %s", step, where, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
bound:
	if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
		fail(err, errlen, "read the port bound on tcp %s: %s", where, strerror(errno));
		close(fd);
		return -1;
	}
	l->fd = fd;
	l->port = port_of(&ss);
	udo_cli_sa_text((struct sockaddr *) &ss, len, where, sizeof(where));
	snprintf(l->where, sizeof(l->where), "tcp %s", where);
	return 0;
}

int udo_cli_listen(struct udo_cli_listener *l, const struct udo_cli_addr *addr,
                   int backlog, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->addr = *addr;
	l->fd = -1;
	l->port = -1;
	if (UDO_CLI_ADDR_IS_LIB(addr))
		return listen_vsock(l, backlog, err, errlen);
	return listen_tcp(l, backlog, err, errlen);
}

const char *udo_cli_listener_transport(const struct udo_cli_listener *l)
{
	return l->ctx ? udo_vsock_tcp_get_transport(l->ctx) : "tcp";
}

/* What an allowlist checks of a peer accepted on l (cli/allow.h). */
static void peer_of(const struct udo_cli_listener *l, int fd, uint32_t cid,
                    const struct sockaddr_storage *ss, socklen_t len, struct udo_cli_peer *who)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	memset(who, 0, sizeof(*who));
	who->kind = l->addr.kind;
	who->cid = cid;
	if (ss) {
		memcpy(&who->sa, ss, len < sizeof(who->sa) ? len : sizeof(who->sa));
		who->salen = len;
	}
	if (l->addr.kind == UDO_CLI_ADDR_UNIX &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
		who->has_uid = true;
		who->uid = cred.uid;
	}
}

int udo_cli_accept(struct udo_cli_listener *l, char *peer, size_t peerlen,
                   struct udo_cli_peer *who, char *err, size_t errlen)
{
	int fd;

	if (l->ctx) {
		struct sockaddr_vm svm;

		fd = udo_vsock_tcp_server_accept(l->ctx, &svm);
		if (fd < 0) {
			ctx_fail(l->ctx, "accept", err, errlen);
			errno = (int) udo_log_get_error_code(l->ctx);
			return -1;
		}
		if (peer)
			snprintf(peer, peerlen, "%s %u:%u", udo_vsock_tcp_get_transport(l->ctx),
			         svm.svm_cid, svm.svm_port);
		if (who)
			peer_of(l, fd, svm.svm_cid, NULL, 0, who);
	} else {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char text[UDO_CLI_ADDR_TEXT_MAX];

		fd = accept4(l->fd, (struct sockaddr *) &ss, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			int e = errno;

			fail(err, errlen, "accept on %s: %s", l->where, strerror(e));
			errno = e;
			return -1;
		}
		if (peer)
			snprintf(peer, peerlen, "tcp %s",
			         udo_cli_sa_text((struct sockaddr *) &ss, len, text, sizeof(text)));
		if (who)
			peer_of(l, fd, VMADDR_CID_ANY, &ss, len, who);
	}
	return fd;
}

void udo_cli_listener_close(struct udo_cli_listener *l)
{
	if (l->ctx)
		ctx_free(l->ctx);
	else if (l->fd >= 0)
		close(l->fd);
	l->ctx = NULL;
	l->fd = -1;
}

int udo_cli_target_init(struct udo_cli_target *t, const struct udo_cli_addr *addr,
                        unsigned int timeout_ms, unsigned int wait_ms, char *err,
                        size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	char port[16];
	int rc;

	memset(t, 0, sizeof(*t));
	t->addr = *addr;
	t->timeout_ms = timeout_ms;
	t->wait_ms = wait_ms;
	udo_cli_addr_format(addr, t->where, sizeof(t->where));
	if (addr->kind != UDO_CLI_ADDR_TCP)
		return 0;
	snprintf(port, sizeof(port), "%d", addr->port);
	rc = getaddrinfo(addr->host, port, &hints, &t->ai);
	if (rc != 0) {
		t->ai = NULL;
		return fail(err, errlen, "connect to tcp %s:%s: cannot resolve \"%s\": %s",
		            addr->host, port, addr->host, gai_strerror(rc));
	}
	return 0;
}

/* A tcp connect to sa reaches a socket bound to b: the same address, or a
 * loopback one on the port b holds for every address. */
static bool tcp_reaches(const struct sockaddr *sa, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *) sa, *b4 = (const void *) b;
	const struct sockaddr_in6 *a6 = (const void *) sa, *b6 = (const void *) b;
	bool loop4 = sa->sa_family == AF_INET && (ntohl(a4->sin_addr.s_addr) >> 24) == 127;

	if (b->ss_family == AF_INET && sa->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       (a4->sin_addr.s_addr == b4->sin_addr.s_addr ||
		        (b4->sin_addr.s_addr == htonl(INADDR_ANY) && loop4));
	if (b->ss_family != AF_INET6)
		return false;
	/* [::] also takes IPv4 (unless IPV6_V6ONLY: then it only looks so). */
	if (sa->sa_family == AF_INET)
		return a4->sin_port == b6->sin6_port && loop4 &&
		       IN6_IS_ADDR_UNSPECIFIED(&b6->sin6_addr);
	return sa->sa_family == AF_INET6 && a6->sin6_port == b6->sin6_port &&
	       (IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr) ||
	        (IN6_IS_ADDR_UNSPECIFIED(&b6->sin6_addr) && IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr)));
}

bool udo_cli_target_is_listener(const struct udo_cli_target *t,
                                const struct udo_cli_listener *l)
{
	struct sockaddr_storage b;
	socklen_t len = sizeof(b);
	const struct addrinfo *ai;
	uint32_t cid = t->addr.cid;

	if (t->addr.kind != l->addr.kind)
		return false;
	if (t->addr.kind == UDO_CLI_ADDR_UNIX) /* one machine, one name per port */
		return (uint32_t) t->addr.port == (uint32_t) l->port;
	if (t->addr.kind == UDO_CLI_ADDR_HYBRID)
		return false;
	if (t->addr.kind == UDO_CLI_ADDR_VSOCK) {
		/* Over the tcp transport, CID 2 is this machine too. */
		bool here = cid == VMADDR_CID_LOCAL || cid == udo_vsock_tcp_get_local_vcid() ||
		            (cid == VMADDR_CID_HOST && !strcmp(udo_cli_listener_transport(l), "tcp"));

		return (uint32_t) t->addr.port == (uint32_t) l->port && here &&
		       (l->addr.cid == VMADDR_CID_ANY || l->addr.cid == cid);
	}
	if (getsockname(l->fd, (struct sockaddr *) &b, &len) < 0)
		return false;
	for (ai = t->ai; ai; ai = ai->ai_next)
		if (tcp_reaches(ai->ai_addr, &b))
			return true;
	return false;
}

void udo_cli_target_free(struct udo_cli_target *t)
{
	if (t->ai)
		freeaddrinfo(t->ai);
	t->ai = NULL;
}

static int connect_vsock(const struct udo_cli_target *t, struct udo_cli_conn *c,
                         char *err, size_t errlen)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = t->addr.cid, .port = t->addr.port,
	};
	struct udo_vsock_tcp_opts opts = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *ctx = ctx_alloc(err, errlen);
	char map[UDO_CLI_PATH_MAX + 16];

	if (!ctx)
		return -1;
	lib_opts(&opts, &t->addr, map, sizeof(map));
	/* 0: not given, so the library's variable (or default) applies. */
	opts.connect_timeout_ms = t->timeout_ms;
	opts.connect_wait_ms = t->wait_ms;
	if (!udo_vsock_tcp_client_create_opts(ctx, &info, &opts)) {
		ctx_fail(ctx, "connect", err, errlen);
		free(ctx);
		return -1;
	}
	if (udo_vsock_tcp_client_connect(ctx) != 0) {
		ctx_fail(ctx, "connect", err, errlen);
		ctx_free(ctx);
		return -1;
	}
	c->ctx = ctx;
	c->fd = udo_vsock_tcp_get_fd(ctx);
	return 0;
}

int udo_cli_connect_start(const struct udo_cli_target *t, struct udo_cli_conn *c,
                          char *err, size_t errlen)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = t->addr.cid, .port = t->addr.port,
	};
	struct udo_vsock_tcp_opts opts = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *ctx = ctx_alloc(err, errlen);
	char map[UDO_CLI_PATH_MAX + 16];

	c->fd = -1;
	c->ctx = NULL;
	if (!ctx)
		return -1;
	lib_opts(&opts, &t->addr, map, sizeof(map));
	opts.flags |= UDO_VSOCK_TCP_OPT_NONBLOCK;
	if (!udo_vsock_tcp_client_create_opts(ctx, &info, &opts)) {
		ctx_fail(ctx, "connect", err, errlen);
		free(ctx);
		return -1;
	}
	c->ctx = ctx;
	return udo_cli_connect_step(c, err, errlen);
}

int udo_cli_connect_step(struct udo_cli_conn *c, char *err, size_t errlen)
{
	int r = udo_vsock_tcp_client_connect(c->ctx);

	c->fd = udo_vsock_tcp_get_fd(c->ctx);
	if (r == 0)
		return 0;
	if (errno == EINPROGRESS)
		return 1;
	r = (int) udo_log_get_error_code(c->ctx);
	ctx_fail(c->ctx, "connect", err, errlen);
	errno = r;
	return -1;
}

/* "ADDRESS: reason", after those before it ("; "), as far as it fits. */
static void add_tried(char *buf, size_t len, size_t *used, const char *where,
                      const char *why)
{
	int n = snprintf(buf + *used, len - *used, "%s%s: %s", *used ? "; " : "", where, why);

	if (n > 0)
		*used += (size_t) n < len - *used ? (size_t) n : len - *used - 1;
}

static int connect_tcp(const struct udo_cli_target *t, struct udo_cli_conn *c,
                       char *err, size_t errlen)
{
	char where[UDO_CLI_ADDR_TEXT_MAX], why[64], tried[UDO_CLI_ERR_MAX - 64];
	const struct addrinfo *ai;
	struct udo_deadline d;
	size_t used = 0;
	int fd, e, n = 0;

	/* One bound for the whole target: every address tried within it. */
	udo_deadline_start(&d, t->timeout_ms);
	tried[0] = '\0';
	for (ai = t->ai; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		e = fd < 0 ? errno : -udo_deadline_connect(fd, ai->ai_addr, ai->ai_addrlen, &d);
		if (e == 0) {
			c->fd = fd;
			return 0;
		}
		if (fd >= 0)
			close(fd);
		n++;
		udo_cli_sa_text(ai->ai_addr, ai->ai_addrlen, where, sizeof(where));
		if (e == ETIMEDOUT && d.set)
			snprintf(why, sizeof(why), "no answer within %u ms", t->timeout_ms);
		else
			snprintf(why, sizeof(why), "%s", strerror(e));
		add_tried(tried, sizeof(tried), &used, where, why);
		/* The bound, or a signal whose handler has no SA_RESTART. */
		if ((e == ETIMEDOUT && d.set) || e == EINTR)
			break;
	}
	/* One address: "connect to tcp 127.0.0.1:80: ..."; several: each named. */
	if (n == 1)
		return fail(err, errlen, "connect to tcp %s", tried);
	return fail(err, errlen, "connect to %s: %s", t->where, tried);
}

int udo_cli_connect(const struct udo_cli_target *t, struct udo_cli_conn *c,
                    char *err, size_t errlen)
{
	c->fd = -1;
	c->ctx = NULL;
	if (UDO_CLI_ADDR_IS_LIB(&t->addr))
		return connect_vsock(t, c, err, errlen);
	if (!t->ai)
		return fail(err, errlen, "connect to %s: not resolved", t->where);
	return connect_tcp(t, c, err, errlen);
}

void udo_cli_conn_close(struct udo_cli_conn *c)
{
	if (c->ctx)
		ctx_free(c->ctx);
	else if (c->fd >= 0)
		close(c->fd);
	c->ctx = NULL;
	c->fd = -1;
}
