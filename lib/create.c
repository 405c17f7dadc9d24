/* SPDX-License-Identifier: MIT */
/*
 * Creating a context: argument checks, the settings (lib/settings.c), the
 * socket type, and which transport serves it (the one asked for, or
 * "auto"'s rules). Everything after
 * create (accept, connect, I/O, getters) is in vsock-tcp.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "activation.h"
#include "settings.h"

/* errno values that mean "vsock cannot carry this here", as opposed to an
 * answer from a peer: "auto" falls back on these and only these. */
bool udo_vsock_unavailable(int neg_errno)
{
	switch (-neg_errno) {
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
	case ESOCKTNOSUPPORT:
	case EADDRNOTAVAIL:
	case ENODEV:
	case ENETUNREACH:
		return true;
	default:
		return false;
	}
}

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

static const char *op_name(const struct udo_vsock_tcp *vsock)
{
	return vsock->role == UDO_ROLE_SERVER ? "bind to" : "connect to";
}

/* The CID and port of a create's info. */
static void info_addr(const struct udo_vsock_tcp *vsock, const void *info, uint32_t *cid,
                      int *port)
{
	const struct udo_vsock_tcp_server_create_info *s = info;
	const struct udo_vsock_tcp_client_create_info *c = info;

	*cid = vsock->role == UDO_ROLE_SERVER ? s->vcid : c->vcid;
	*port = vsock->role == UDO_ROLE_SERVER ? s->port : c->port;
}

/* The socket types a transport declares it carries, as UDO_CARRIES_*. */
static unsigned int type_bit(int type)
{
	return type == SOCK_SEQPACKET ? UDO_CARRIES_SEQPACKET : UDO_CARRIES_STREAM;
}

bool udo_transport_carries(const struct udo_transport *t, int type)
{
	return (t->carries & type_bit(type)) != 0;
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
		o = udo_transport_load((enum udo_transport_id) id, vsock);
		if (o && o != t && udo_transport_carries(o, vsock->type))
			names[n++] = o->name;
	}
	for (i = 0; i < n && used < sizeof(others); i++)
		used += (size_t) snprintf(others + used, sizeof(others) - used, "%s%s%s",
		                          i ? ", " : "", i && i == n - 1 ? "or " : "", names[i]);
	if (t->carries_why)
		snprintf(why, sizeof(why), " (%s)", t->carries_why);
	info_addr(vsock, info, &cid, &port);
	return udo_ctx_error(vsock, EPROTONOSUPPORT, false,
	                     "%s %s %u:%u: the %s transport carries %s only%s: for %s use "
	                     "%s (opts.transport or UDO_VSOCK_TCP_TRANSPORT)",
	                     op_name(vsock), t->name, cid, (uint32_t) port, t->name, carried,
	                     why, type, others);
}

/* Run a create step on transport id; 0 or -errno. */
static int try_create(struct udo_vsock_tcp *vsock, enum udo_transport_id id,
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

/*
 * "auto" with SOCK_STREAM: vsock where the machine has it and it reaches the
 * address, tcp only when vsock is absent (no plugin, no family, no transport
 * for the CID, address not available), never because a peer answered.
 */
static int create_auto(struct udo_vsock_tcp *vsock, const void *info, uint32_t cid)
{
	const char *uds = vsock->hybrid_uds;
	const struct udo_transport *t;
	int r;

	/* A hybrid-vsock host (Firecracker, cloud-hypervisor): the VMM's Unix
	 * socket is configured for this CID. Without the variable the hybrid
	 * plugin is not even loaded; a malformed value (-EINVAL) is reported
	 * by the hybrid create, never ignored. */
	if (uds && *uds) {
		t = udo_transport_load(UDO_TRANSPORT_HYBRID, vsock);
		if (!t)
			return -(int) vsock->err.code;
		r = t->client_reachable(vsock, cid);
		if (r == 0 || r == -EINVAL)
			return try_create(vsock, UDO_TRANSPORT_HYBRID, info);
	}

	t = udo_transport_load(UDO_TRANSPORT_VSOCK, vsock);
	if (!t || (vsock->role == UDO_ROLE_CLIENT && t->client_reachable(vsock, cid) != 0))
		return try_create(vsock, UDO_TRANSPORT_TCP, info);
	r = try_create(vsock, UDO_TRANSPORT_VSOCK, info);
	if (r < 0 && udo_vsock_unavailable(r))
		return try_create(vsock, UDO_TRANSPORT_TCP, info);
	vsock->auto_picked = (r == 0);
	return r;
}

/* seqpacket where vsock does not reach: unix for this machine's CIDs (and a
 * server on any CID), else EPROTONOSUPPORT saying why (vsock_err: -errno). */
static int seqpacket_fallback(struct udo_vsock_tcp *vsock, const void *info, int vsock_err)
{
	const struct udo_transport *u = udo_transport_load(UDO_TRANSPORT_UNIX, vsock);
	char buf[160];
	const char *why;
	uint32_t cid;
	int port;

	if (!u)
		return -(int) vsock->err.code;
	info_addr(vsock, info, &cid, &port);
	if ((vsock->role == UDO_ROLE_SERVER && cid == VMADDR_CID_ANY) ||
	    u->client_reachable(vsock, cid) == 0)
		return try_create(vsock, UDO_TRANSPORT_UNIX, info);
	why = strerror_r(-vsock_err, buf, sizeof(buf)); /* GNU: the text it chose */
	return udo_ctx_error(vsock, EPROTONOSUPPORT, false,
	                     "%s auto %u:%u: no transport carries SOCK_SEQPACKET to CID %u "
	                     "here: vsock does not reach it (%s) and unix serves only this "
	                     "machine's CIDs", op_name(vsock), cid, (uint32_t) port, cid, why);
}

/* "auto" with SOCK_SEQPACKET: vsock where it reaches the address (the stream
 * rules), else unix for a local CID; tcp and hybrid never carry it. */
static int create_auto_seqpacket(struct udo_vsock_tcp *vsock, const void *info,
                                 uint32_t cid)
{
	const struct udo_transport *t = udo_transport_load(UDO_TRANSPORT_VSOCK, vsock);
	int r = t ? 0 : -EAFNOSUPPORT;

	if (t && vsock->role == UDO_ROLE_CLIENT)
		r = t->client_reachable(vsock, cid);
	if (r == 0) {
		r = try_create(vsock, UDO_TRANSPORT_VSOCK, info);
		if (r == 0 || !udo_vsock_unavailable(r)) {
			vsock->auto_picked = (r == 0);
			return r;
		}
	}
	return seqpacket_fallback(vsock, info, r);
}

int udo_create_fallback(struct udo_vsock_tcp *vsock, int why)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = vsock->vcid, .port = vsock->port,
	};
	const struct udo_transport *u;
	enum udo_transport_id id = UDO_TRANSPORT_TCP;

	if (vsock->type == SOCK_SEQPACKET) {
		u = udo_transport_load(UDO_TRANSPORT_UNIX, vsock);
		if (!u)
			return -(int) vsock->err.code;
		if (u->client_reachable(vsock, vsock->vcid) != 0)
			return why;
		id = UDO_TRANSPORT_UNIX;
	}
	if (vsock->fd >= 0)
		close(vsock->fd);
	vsock->fd = -1;
	vsock->auto_picked = false;
	/* With the settings the context was created with. */
	return try_create(vsock, id, &info);
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
		return vsock->type == SOCK_SEQPACKET ? create_auto_seqpacket(vsock, info, cid)
		                                     : create_auto(vsock, info, cid);
	return try_create(vsock, (enum udo_transport_id) mode, info);
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
