/* SPDX-License-Identifier: MIT */
/*
 * Where udo-vsock connects: targets (a tcp host resolved, or a library
 * address) and connects to them, blocking or step by step (the relay's).
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

#include "endpoint.h"
#include "endpoint-ctx.h"
#include "errbuf.h"
/* The library's bounded connect (shared/deadline.c), so a tcp: target is
 * bounded as a vsock one is. */
#include "deadline.h"

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

/* A client context for a library target, in memory of our own: the
 * address's options, with flags, timeout_ms and wait_ms (0: not given, so
 * the library's variable or default applies). NULL with err. */
static struct udo_vsock_tcp *client_create(const struct udo_cli_target *t, unsigned int flags,
                                           unsigned int timeout_ms, unsigned int wait_ms,
                                           char *err, size_t errlen)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = t->addr.cid, .port = t->addr.port,
	};
	struct udo_vsock_tcp_opts opts = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *ctx = udo_cli_ctx_alloc(err, errlen);
	char map[UDO_CLI_PATH_MAX + 16];

	if (!ctx)
		return NULL;
	udo_cli_lib_opts(&opts, &t->addr, map, sizeof(map));
	opts.flags |= flags;
	opts.connect_timeout_ms = timeout_ms;
	opts.connect_wait_ms = wait_ms;
	if (!udo_vsock_tcp_client_create_opts(ctx, &info, &opts)) {
		udo_cli_ctx_fail(ctx, "connect", err, errlen);
		free(ctx);
		return NULL;
	}
	return ctx;
}

static int connect_vsock(const struct udo_cli_target *t, struct udo_cli_conn *c,
                         char *err, size_t errlen)
{
	struct udo_vsock_tcp *ctx = client_create(t, 0, t->timeout_ms, t->wait_ms, err, errlen);

	if (!ctx)
		return -1;
	if (udo_vsock_tcp_client_connect(ctx) != 0) {
		udo_cli_ctx_fail(ctx, "connect", err, errlen);
		udo_cli_ctx_free(ctx);
		return -1;
	}
	c->ctx = ctx;
	c->fd = udo_vsock_tcp_get_fd(ctx);
	return 0;
}

int udo_cli_connect_start(const struct udo_cli_target *t, struct udo_cli_conn *c,
                          char *err, size_t errlen)
{
	/* Non-blocking: the event loop owns the time (no timeout, no wait). */
	c->fd = -1;
	c->ctx = client_create(t, UDO_VSOCK_TCP_OPT_NONBLOCK, 0, 0, err, errlen);
	if (!c->ctx)
		return -1;
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
	udo_cli_ctx_fail(c->ctx, "connect", err, errlen);
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
		udo_cli_ctx_free(c->ctx);
	else if (c->fd >= 0)
		close(c->fd);
	c->ctx = NULL;
	c->fd = -1;
}
