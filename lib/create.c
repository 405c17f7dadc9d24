/* SPDX-License-Identifier: MIT */
/*
 * Creating a context: argument checks, the settings (lib/settings.c), the
 * socket type, and which transport serves it (the one asked for, or
 * "auto"'s pick: lib/auto.c). Everything after
 * create (accept, connect, I/O, getters) is in vsock-tcp.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "activation.h"
#include "settings.h"

/*
 * A fresh context. Only the first byte of the 512-byte error buffer is
 * cleared (the message is a string), and library memory comes from malloc,
 * not calloc: glibc serves malloc from its per-thread cache, calloc never.
 */
static struct udo_vsock_tcp *ctx_init(struct udo_vsock_tcp *vsock, enum udo_role role)
{
	bool allocated = !vsock;

	if (allocated) {
		vsock = malloc(sizeof(*vsock));
		if (!vsock)
			return NULL;
	}
	udo_ctx_clear_error(vsock);
	memset(&vsock->free, 0, sizeof(*vsock) - offsetof(struct udo_vsock_tcp, free));
	vsock->free = allocated;
	vsock->fd = -1;
	vsock->vcid = UINT32_MAX;
	vsock->port = -1;
	vsock->role = role;
	vsock->type = SOCK_STREAM;
	return vsock;
}

void udo_ctx_release(struct udo_vsock_tcp *vsock)
{
	if (vsock->fd >= 0)
		close(vsock->fd);
	vsock->fd = -1;
	vsock->transport = NULL;
	free(vsock->copies);
	vsock->copies = NULL;
	free(vsock->addrs);
	vsock->addrs = NULL;
	vsock->tcp_map = vsock->hybrid_uds = NULL;
	if (vsock->free)
		free(vsock);
}

/* A failed create: report, release what the library allocated, set errno. */
static struct udo_vsock_tcp *create_failed(struct udo_vsock_tcp *vsock, const char *func)
{
	int code = (int) vsock->err.code;

	udo_log_report(vsock, func);
	udo_ctx_release(vsock);
	errno = code;
	return NULL;
}

const char *udo_create_op(const struct udo_vsock_tcp *vsock)
{
	return vsock->role == UDO_ROLE_SERVER ? "bind to" : "connect to";
}

void udo_create_info_addr(const struct udo_vsock_tcp *vsock, const void *info, uint32_t *cid,
                          int *port)
{
	const struct udo_vsock_tcp_server_create_info *s = info;
	const struct udo_vsock_tcp_client_create_info *c = info;

	*cid = vsock->role == UDO_ROLE_SERVER ? s->vcid : c->vcid;
	*port = vsock->role == UDO_ROLE_SERVER ? s->port : c->port;
}

unsigned int udo_type_bit(int type)
{
	return type == SOCK_SEQPACKET ? UDO_CARRIES_SEQPACKET : UDO_CARRIES_STREAM;
}

bool udo_transport_carries(const struct udo_transport *t, int type)
{
	return (t->carries & udo_type_bit(type)) != 0;
}

/*
 * A type the transport does not declare is refused before the plugin sees
 * it, with the transport's reason and the transports that do carry it
 * ("vsock, or unix"). Loading them for the list is an error path's cost,
 * paid once per process; one that does not load is left out.
 */
static int refuse_type(struct udo_vsock_tcp *vsock, const struct udo_transport *t,
                       const void *info)
{
	const char *type = vsock->type == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "SOCK_STREAM";
	const char *carried = (t->carries & UDO_CARRIES_STREAM) ? "SOCK_STREAM" : "SOCK_SEQPACKET";
	const char *names[UDO_TRANSPORT_COUNT];
	const struct udo_transport *o;
	char others[96] = "no other transport", why[160] = "";
	size_t used = 0;
	unsigned int id, n = 0, i;
	uint32_t cid;
	int port;

	for (id = 0; id < UDO_TRANSPORT_COUNT; id++) {
		o = udo_transport_load(id, vsock);
		if (o && o != t && udo_transport_carries(o, vsock->type))
			names[n++] = o->name;
	}
	for (i = 0; i < n && used < sizeof(others); i++)
		used += (size_t) snprintf(others + used, sizeof(others) - used, "%s%s%s",
		                          i ? ", " : "", i && i == n - 1 ? "or " : "", names[i]);
	if (t->carries_why)
		snprintf(why, sizeof(why), " (%s)", t->carries_why);
	udo_create_info_addr(vsock, info, &cid, &port);
	return udo_ctx_error(vsock, EPROTONOSUPPORT, false,
	                     "%s %s %u:%u: the %s transport carries %s only%s: for %s use "
	                     "%s (opts.transport or UDO_VSOCK_TCP_TRANSPORT)",
	                     udo_create_op(vsock), t->name, cid, (uint32_t) port, t->name, carried,
	                     why, type, others);
}

int udo_create_on(struct udo_vsock_tcp *vsock, udo_transport_id id,
                      const void *info)
{
	const struct udo_transport *t;
	int r;

	t = udo_transport_load(id, vsock);
	if (!t)
		return -(int) vsock->err.code;
	if (!udo_transport_carries(t, vsock->type))
		return refuse_type(vsock, t, info);
	udo_ctx_clear_error(vsock);
	r = vsock->role == UDO_ROLE_SERVER ? t->server_create(vsock, info)
	                                   : t->client_create(vsock, info);
	if (r == 0)
		vsock->transport = t;
	return r;
}

/* SOCK_STREAM or SOCK_SEQPACKET, maybe with SOCK_CLOEXEC (applied anyway);
 * what names where it came from ("socket type", "opts.type"). */
static int set_type(struct udo_vsock_tcp *vsock, int type, const char *what, const char *func)
{
	int base = type & ~SOCK_CLOEXEC;

	if (base != SOCK_STREAM && base != SOCK_SEQPACKET)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s: %s %d is not one this library creates: use "
		                     "SOCK_STREAM or SOCK_SEQPACKET, optionally | SOCK_CLOEXEC",
		                     func, what, type);
	vsock->type = base;
	return 0;
}

/* The settings, the type, then the transport: a passed socket (socket
 * activation), the one asked for, or auto's pick. 0 (1: adopted) or -errno. */
static int create_steps(struct udo_vsock_tcp *vsock, const struct udo_vsock_tcp_opts *opts,
                        const void *info, uint32_t cid, int type, const char *func,
                        int *modep)
{
	int mode = UDO_TRANSPORT_AUTO, r;

	r = udo_settings_resolve(vsock, opts, &mode, func);
	*modep = mode;
	if (r == 0)
		r = set_type(vsock, type, opts ? "opts.type" : "socket type", func);
	if (r < 0)
		return r;
	if (vsock->role == UDO_ROLE_SERVER &&
	    udo_activation_adopt(vsock, mode, info, vsock->type))
		return 1;
	if (mode == UDO_TRANSPORT_AUTO)
		return udo_auto_create(vsock, info, cid);
	return udo_create_on(vsock, mode, info);
}

/* A non-blocking context's socket, whoever made it (a transport's server,
 * a passed one): O_NONBLOCK. */
static int set_nonblock(struct udo_vsock_tcp *vsock, const char *func)
{
	int fl = vsock->fd < 0 ? 0 : fcntl(vsock->fd, F_GETFL);

	if (vsock->fd < 0 || ((fl >= 0 && (fl & O_NONBLOCK)) ||
	                      (fl >= 0 && fcntl(vsock->fd, F_SETFL, fl | O_NONBLOCK) == 0)))
		return 0;
	return udo_ctx_error(vsock, errno, true, "%s: make the %s socket non-blocking", func,
	                     vsock->transport->name);
}

/* Every create: opts NULL for the 0.1-0.3 ones, which give the type. */
static struct udo_vsock_tcp *create(struct udo_vsock_tcp *vsock, enum udo_role role,
                                    const void *info, const struct udo_vsock_tcp_opts *opts,
                                    int type, const char *func)
{
	const struct udo_vsock_tcp_server_create_info *s = info;
	const struct udo_vsock_tcp_client_create_info *c = info;
	int r, mode;

	vsock = ctx_init(vsock, role);
	if (!vsock)
		return NULL;
	if (!info) {
		udo_ctx_error(vsock, EINVAL, false, "%s: vsock_info is NULL", func);
		return create_failed(vsock, func);
	}
	r = create_steps(vsock, opts, info, role == UDO_ROLE_SERVER ? s->vcid : c->vcid,
	                 type, func, &mode);
	if (r >= 0 && (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK))
		r = set_nonblock(vsock, func);
	if (r == -EADDRINUSE && role == UDO_ROLE_SERVER)
		udo_activation_note_refused(vsock, mode);
	return r >= 0 ? vsock : create_failed(vsock, func);
}

/* The type opts asks for: 0 (not given) is SOCK_STREAM. */
static int opts_type(const struct udo_vsock_tcp_opts *opts)
{
	return opts && opts->type ? opts->type : SOCK_STREAM;
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_server_create_opts(struct udo_vsock_tcp *vsock, const void *vsock_info,
                                 const struct udo_vsock_tcp_opts *opts)
{
	return create(vsock, UDO_ROLE_SERVER, vsock_info, opts, opts_type(opts), __func__);
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_client_create_opts(struct udo_vsock_tcp *vsock, const void *vsock_info,
                                 const struct udo_vsock_tcp_opts *opts)
{
	return create(vsock, UDO_ROLE_CLIENT, vsock_info, opts, opts_type(opts), __func__);
}

/* The 0.1-0.3 creates: the options' create with the type set and nothing
 * else given (only the message names the function called). */
UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_server_create_type(struct udo_vsock_tcp *vsock, const void *vsock_info, int type)
{
	return create(vsock, UDO_ROLE_SERVER, vsock_info, NULL, type, __func__);
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_client_create_type(struct udo_vsock_tcp *vsock, const void *vsock_info, int type)
{
	return create(vsock, UDO_ROLE_CLIENT, vsock_info, NULL, type, __func__);
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_server_create(struct udo_vsock_tcp *vsock, const void *vsock_info)
{
	return create(vsock, UDO_ROLE_SERVER, vsock_info, NULL, SOCK_STREAM, __func__);
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_client_create(struct udo_vsock_tcp *vsock, const void *vsock_info)
{
	return create(vsock, UDO_ROLE_CLIENT, vsock_info, NULL, SOCK_STREAM, __func__);
}

UDO_API int udo_vsock_tcp_get_type(struct udo_vsock_tcp *vsock)
{
	return vsock ? vsock->type : -1;
}
