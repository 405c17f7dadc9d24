/* SPDX-License-Identifier: MIT */
/*
 * The public API: argument checks, transport choice, dispatch to the
 * transport's table. Sends and receives take an fd and go straight to the
 * syscall: no transport is involved once a stream is connected.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "activation.h"
#include "connect-wait.h"

#define UDO_CONNECT_TIMEOUT_ENV "UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS"

/* errno values that mean "vsock cannot carry this here", as opposed to an
 * answer from a peer: "auto" falls back to tcp on these and only these. */
static bool vsock_unavailable(int neg_errno)
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
	return vsock;
}

/* Close what is open; free the context if the library allocated it. */
static void ctx_release(struct udo_vsock_tcp *vsock)
{
	if (vsock->fd >= 0)
		close(vsock->fd);
	vsock->fd = -1;
	vsock->transport = NULL;
	if (vsock->free)
		free(vsock);
}

/* A failed create: report, release what the library allocated, set errno. */
static struct udo_vsock_tcp *create_failed(struct udo_vsock_tcp *vsock, const char *func)
{
	int code = (int) vsock->err.code;

	udo_log_report(vsock, func);
	ctx_release(vsock);
	errno = code;
	return NULL;
}

/* Run a create step on transport id; 0 or -errno. */
static int try_create(struct udo_vsock_tcp *vsock, enum udo_transport_id id,
                      const void *info)
{
	const struct udo_transport *t = udo_transport_load(id, vsock);
	int r;

	if (!t)
		return -(int) vsock->err.code;
	udo_ctx_clear_error(vsock);
	r = vsock->role == UDO_ROLE_SERVER ? t->server_create(vsock, info)
	                                   : t->client_create(vsock, info);
	if (r == 0)
		vsock->transport = t;
	return r;
}

/*
 * "auto": vsock where the machine has it and it reaches the address, tcp
 * only when vsock is absent (no plugin, no family, no transport for the CID,
 * address not available), never because a peer answered.
 */
static int create_auto(struct udo_vsock_tcp *vsock, const void *info, uint32_t cid)
{
	const char *uds = vsock->env->uds;
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
		r = t->client_reachable(cid);
		if (r == 0 || r == -EINVAL)
			return try_create(vsock, UDO_TRANSPORT_HYBRID, info);
	}

	t = udo_transport_load(UDO_TRANSPORT_VSOCK, vsock);
	if (!t || (vsock->role == UDO_ROLE_CLIENT && t->client_reachable(cid) != 0))
		return try_create(vsock, UDO_TRANSPORT_TCP, info);
	r = try_create(vsock, UDO_TRANSPORT_VSOCK, info);
	if (r < 0 && vsock_unavailable(r))
		return try_create(vsock, UDO_TRANSPORT_TCP, info);
	vsock->auto_picked = (r == 0);
	return r;
}

static struct udo_vsock_tcp *create(struct udo_vsock_tcp *vsock, enum udo_role role,
                                    const void *info, uint32_t cid, const char *func)
{
	struct udo_env env;
	int mode, r;

	vsock = ctx_init(vsock, role);
	if (!vsock)
		return NULL;
	if (!info) {
		udo_ctx_error(vsock, EINVAL, false, "%s: vsock_info is NULL", func);
		return create_failed(vsock, func);
	}
	udo_env_read(&env);
	vsock->env = &env;
	r = udo_env_ms(vsock, UDO_CONNECT_TIMEOUT_ENV, env.connect_timeout,
	               "connect timeout", "the transport's default", &vsock->connect_timeout_ms);
	if (r == 0)
		r = udo_env_ms(vsock, UDO_CONNECT_WAIT_ENV, env.connect_wait,
		               "connect wait", "one attempt", &vsock->connect_wait_ms);
	if (r == 0) {
		mode = udo_transport_mode(vsock);
		if (role == UDO_ROLE_SERVER && mode >= UDO_TRANSPORT_AUTO &&
		    udo_activation_adopt(vsock, mode, info, SOCK_STREAM))
			r = 1; /* a passed socket, adopted */
		else if (mode == UDO_TRANSPORT_AUTO)
			r = create_auto(vsock, info, cid);
		else if (mode >= 0)
			r = try_create(vsock, (enum udo_transport_id) mode, info);
		else
			r = mode;
	}
	vsock->env = NULL;
	return r >= 0 ? vsock : create_failed(vsock, func);
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_server_create(struct udo_vsock_tcp *vsock, const void *vsock_info)
{
	const struct udo_vsock_tcp_server_create_info *info = vsock_info;

	return create(vsock, UDO_ROLE_SERVER, info, info ? info->vcid : 0, __func__);
}

UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_client_create(struct udo_vsock_tcp *vsock, const void *vsock_info)
{
	const struct udo_vsock_tcp_client_create_info *info = vsock_info;

	return create(vsock, UDO_ROLE_CLIENT, info, info ? info->vcid : 0, __func__);
}

/* A context fit for the operation, or false with errno (and, when there is
 * a context, its error) set to EINVAL. */
static bool ctx_usable(struct udo_vsock_tcp *vsock, enum udo_role role, const char *func)
{
	if (vsock && vsock->role == role && vsock->transport)
		return true;
	errno = EINVAL;
	if (!vsock)
		return false;
	udo_ctx_error(vsock, EINVAL, false, "%s: not a %s context created by this library",
	              func, role == UDO_ROLE_SERVER ? "server" : "client");
	udo_log_report(vsock, func);
	return false;
}

/* A failed operation (neg_errno from the transport): report it, return -1. */
static int op_failed(struct udo_vsock_tcp *vsock, int neg_errno, const char *func)
{
	udo_log_report(vsock, func);
	errno = -neg_errno;
	return -1;
}

UDO_API int
udo_vsock_tcp_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	int fd;

	if (!ctx_usable(vsock, UDO_ROLE_SERVER, __func__))
		return -1;
	fd = vsock->transport->server_accept(vsock, addr);
	return fd < 0 ? op_failed(vsock, fd, __func__) : fd;
}

/* "auto" picked vsock but the kernel has no transport for this CID. */
static int connect_fallback(struct udo_vsock_tcp *vsock)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = vsock->vcid, .port = vsock->port,
	};
	struct udo_env env;
	int r;

	if (vsock->fd >= 0)
		close(vsock->fd);
	vsock->fd = -1;
	vsock->auto_picked = false;
	udo_env_read(&env);
	vsock->env = &env;
	r = try_create(vsock, UDO_TRANSPORT_TCP, &info);
	vsock->env = NULL;
	return r < 0 ? r : vsock->transport->client_connect(vsock);
}

/*
 * After a failed connect the socket's state is unspecified: replace it with a
 * fresh one of the same family so the context can retry. Not when the socket
 * is connected or connecting (EISCONN, EALREADY, EINPROGRESS on a socket the
 * caller made non-blocking): that would drop a live connection.
 */
static void renew_socket(struct udo_vsock_tcp *vsock, int neg_errno)
{
	int domain = -1;
	socklen_t len = sizeof(domain);

	if (vsock->fd < 0 || neg_errno == -EISCONN || neg_errno == -EALREADY ||
	    neg_errno == -EINPROGRESS)
		return;
	if (getsockopt(vsock->fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		domain = -1;
	close(vsock->fd);
	/* If this fails, the transport opens one at the next connect. */
	vsock->fd = domain < 0 ? -1 : socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* One connect attempt; after a failure the context is ready for another. */
static int connect_once(struct udo_vsock_tcp *vsock)
{
	int r = vsock->transport->client_connect(vsock);

	if (r < 0 && vsock->auto_picked && vsock_unavailable(r))
		r = connect_fallback(vsock);
	if (r < 0)
		renew_socket(vsock, r);
	return r;
}

UDO_API int udo_vsock_tcp_client_connect(struct udo_vsock_tcp *vsock)
{
	int r;

	if (!ctx_usable(vsock, UDO_ROLE_CLIENT, __func__))
		return -1;
	r = udo_connect_wait(vsock, connect_once);
	if (r < 0)
		return op_failed(vsock, r, __func__);
	udo_ctx_clear_error(vsock);
	return 0;
}

/* Set a client's milliseconds field (0 to INT_MAX): 0, or -1 with EINVAL. */
static int set_client_ms(struct udo_vsock_tcp *vsock, unsigned int ms, size_t field,
                         const char *func)
{
	if (!ctx_usable(vsock, UDO_ROLE_CLIENT, func))
		return -1;
	if (ms > INT_MAX)
		return op_failed(vsock, udo_ctx_error(vsock, EINVAL, false,
		                                      "%s: %u ms is out of range (0 to %d)",
		                                      func, ms, INT_MAX), func);
	*(unsigned int *) ((char *) vsock + field) = ms;
	return 0;
}

UDO_API int
udo_vsock_tcp_set_connect_timeout(struct udo_vsock_tcp *vsock, unsigned int ms)
{
	return set_client_ms(vsock, ms, offsetof(struct udo_vsock_tcp, connect_timeout_ms),
	                     __func__);
}

UDO_API int
udo_vsock_tcp_set_connect_wait(struct udo_vsock_tcp *vsock, unsigned int ms)
{
	return set_client_ms(vsock, ms, offsetof(struct udo_vsock_tcp, connect_wait_ms),
	                     __func__);
}

/* send(2) and recv(2) return ssize_t: a larger size is not a buffer this
 * process has, and the kernel would read or write memory past it. */
static inline bool io_args_bad(const void *data, size_t size)
{
	return !data || size > SSIZE_MAX;
}

static inline int io_flags(const void *vsock_info)
{
	return vsock_info ? *(const int *) vsock_info : 0;
}

UDO_API ssize_t
udo_vsock_tcp_send_data(const int sock_fd, const void *data, const size_t size,
                        const void *vsock_info)
{
	ssize_t n;

	if (io_args_bad(data, size))
		return -EINVAL;
	n = send(sock_fd, data, size, io_flags(vsock_info) | MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}

UDO_API ssize_t
udo_vsock_tcp_recv_data(const int sock_fd, void *data, const size_t size,
                        const void *vsock_info)
{
	ssize_t n;

	if (io_args_bad(data, size))
		return -EINVAL;
	n = recv(sock_fd, data, size, io_flags(vsock_info));
	return n < 0 ? -errno : n;
}

UDO_API ssize_t
udo_vsock_tcp_client_send_data(struct udo_vsock_tcp *vsock, const void *data,
                               const size_t size, const void *vsock_info)
{
	if (!vsock)
		return -EINVAL;
	return udo_vsock_tcp_send_data(vsock->fd, data, size, vsock_info);
}

UDO_API int udo_vsock_tcp_get_fd(struct udo_vsock_tcp *vsock)
{
	return vsock ? vsock->fd : -1;
}

UDO_API uint32_t udo_vsock_tcp_get_vcid(struct udo_vsock_tcp *vsock)
{
	return vsock ? vsock->vcid : UINT32_MAX;
}

UDO_API int udo_vsock_tcp_get_port(struct udo_vsock_tcp *vsock)
{
	return vsock ? vsock->port : -1;
}

UDO_API const char *udo_vsock_tcp_get_transport(struct udo_vsock_tcp *vsock)
{
	return (vsock && vsock->transport) ? vsock->transport->name : NULL;
}

UDO_API void udo_vsock_tcp_destroy(struct udo_vsock_tcp *vsock)
{
	if (vsock)
		ctx_release(vsock);
}

UDO_API int udo_vsock_tcp_get_sizeof(void)
{
	return (int) sizeof(struct udo_vsock_tcp);
}

UDO_API uint32_t udo_vsock_tcp_get_local_vcid(void)
{
	return udo_local_cid();
}
