/* SPDX-License-Identifier: MIT */
/*
 * Listening and accepting for udo-vsock (targets and connects: cli/target.c).
 * vsock addresses use the library with contexts in our own memory, so a
 * failed create still tells us why (udo_log_get_error on that memory).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include "endpoint-ctx.h"
#include "errbuf.h"
#include "passed.h"

struct udo_vsock_tcp *udo_cli_ctx_alloc(char *err, size_t errlen)
{
	struct udo_vsock_tcp *ctx = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());

	if (!ctx)
		fail(err, errlen, "allocate a vsock context: %s", strerror(errno));
	return ctx;
}

int udo_cli_ctx_fail(const struct udo_vsock_tcp *ctx, const char *what, char *err,
                     size_t errlen)
{
	const char *msg = udo_log_get_error(ctx);

	if (msg && *msg)
		return fail(err, errlen, "%s", msg);
	return fail(err, errlen, "%s: %s", what, strerror((int) udo_log_get_error_code(ctx)));
}

void udo_cli_ctx_free(struct udo_vsock_tcp *ctx)
{
	udo_vsock_tcp_destroy(ctx);
	free(ctx);
}

void udo_cli_lib_opts(struct udo_vsock_tcp_opts *o, const struct udo_cli_addr *a,
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
	struct udo_vsock_tcp *ctx = udo_cli_ctx_alloc(err, errlen);
	char cid[16], map[UDO_CLI_PATH_MAX + 16];

	if (!ctx)
		return -1;
	udo_cli_lib_opts(&opts, &l->addr, map, sizeof(map));
	if (!udo_vsock_tcp_server_create_opts(ctx, &info, &opts)) {
		udo_cli_ctx_fail(ctx, "listen", err, errlen);
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

/* What an allowlist checks of a peer accepted on l (cli/allow.h); creds:
 * a unix transport's peer's SO_PEERCRED, when it answered. */
static void peer_of(const struct udo_cli_listener *l, const struct ucred *creds, uint32_t cid,
                    const struct sockaddr_storage *ss, socklen_t len, struct udo_cli_peer *who)
{
	memset(who, 0, sizeof(*who));
	who->kind = l->addr.kind;
	who->cid = cid;
	if (ss) {
		memcpy(&who->sa, ss, len < sizeof(who->sa) ? len : sizeof(who->sa));
		who->salen = len;
	}
	if (l->addr.kind == UDO_CLI_ADDR_UNIX && creds) {
		who->has_uid = true;
		who->uid = creds->uid;
	}
}

/* "vsock 3:1234"; a unix transport's peer has no port: "unix uid 1000
 * pid 4242", from its credentials. */
static void peer_text(const char *tr, const struct ucred *creds, const struct sockaddr_vm *svm,
                      char *peer, size_t peerlen)
{
	if (svm->svm_port == VMADDR_PORT_ANY && creds)
		snprintf(peer, peerlen, "unix uid %u pid %d", (unsigned int) creds->uid,
		         (int) creds->pid);
	else
		snprintf(peer, peerlen, "%s %u:%u", tr, svm->svm_cid, svm->svm_port);
}

int udo_cli_accept(struct udo_cli_listener *l, char *peer, size_t peerlen,
                   struct udo_cli_peer *who, int flags, char *err, size_t errlen)
{
	int fd;

	if (l->ctx) {
		struct sockaddr_vm svm;
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		const struct ucred *creds;
		const char *tr;

		fd = udo_vsock_tcp_server_accept(l->ctx, &svm);
		if (fd < 0) {
			udo_cli_ctx_fail(l->ctx, "accept", err, errlen);
			errno = (int) udo_log_get_error_code(l->ctx);
			return -1;
		}
		if ((flags & SOCK_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
			int e = errno;

			fail(err, errlen, "accept on %s: make the connection non-blocking: %s",
			     l->where, strerror(e));
			close(fd);
			errno = e;
			return -1;
		}
		/* One SO_PEERCRED for the peer's name and the allowlist. */
		tr = udo_vsock_tcp_get_transport(l->ctx);
		creds = (peer || who) && !strcmp(tr, "unix") &&
		        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 ? &cred : NULL;
		if (peer)
			peer_text(tr, creds, &svm, peer, peerlen);
		if (who)
			peer_of(l, creds, svm.svm_cid, NULL, 0, who);
	} else {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char text[UDO_CLI_ADDR_TEXT_MAX];

		fd = accept4(l->fd, (struct sockaddr *) &ss, &len,
		             SOCK_CLOEXEC | (flags & SOCK_NONBLOCK));
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
			peer_of(l, NULL, VMADDR_CID_ANY, &ss, len, who);
	}
	return fd;
}

void udo_cli_listener_close(struct udo_cli_listener *l)
{
	if (l->ctx)
		udo_cli_ctx_free(l->ctx);
	else if (l->fd >= 0)
		close(l->fd);
	l->ctx = NULL;
	l->fd = -1;
}
