/* SPDX-License-Identifier: MIT */
/*
 * The public API after create (lib/create.c): dispatch to the transport's
 * table. Sends and receives take an fd and go straight to the syscall: no
 * transport is involved once a stream is connected.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "connect-wait.h"

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
	vsock->fd = domain < 0 ? -1 : socket(domain, vsock->type | udo_ctx_sock_flags(vsock), 0);
}

/* One connect attempt; after a failure the context is ready for another. */
static int connect_once(struct udo_vsock_tcp *vsock)
{
	int r = vsock->transport->client_connect(vsock);

	/* "auto" picked its preferred transport (vsock), which cannot carry
	 * this connect here (the kernel has no transport for this CID). */
	if (r < 0 && vsock->auto_picked && udo_auto_unavailable(r)) {
		r = udo_create_fallback(vsock, r);
		if (r == 0)
			r = vsock->transport->client_connect(vsock);
	}
	if (r < 0)
		renew_socket(vsock, r);
	return r;
}

/*
 * A non-blocking context: one step of the connect (the transport keeps its
 * place in the context). Under way: -1 EINPROGRESS with no message, and
 * get_poll_events() says what to wait for.
 */
static int connect_step(struct udo_vsock_tcp *vsock)
{
	int r = connect_once(vsock);

	if (r == -EINPROGRESS && vsock->poll_events) {
		udo_ctx_clear_error(vsock);
		errno = EINPROGRESS;
		return -1;
	}
	udo_ctx_end_steps(vsock);
	if (r < 0)
		return op_failed(vsock, r, "udo_vsock_tcp_client_connect");
	udo_ctx_clear_error(vsock);
	return 0;
}

UDO_API int udo_vsock_tcp_client_connect(struct udo_vsock_tcp *vsock)
{
	int r;

	if (!ctx_usable(vsock, UDO_ROLE_CLIENT, __func__))
		return -1;
	if (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK)
		return connect_step(vsock);
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
	if (ms && (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK))
		return op_failed(vsock, udo_ctx_error(vsock, EINVAL, false,
		                                      "%s: %u ms on a non-blocking context: "
		                                      "its event loop keeps the time",
		                                      func, ms), func);
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
	if (n >= 0)
		return n;
	return errno == ENOMEM ? udo_quirk_send_enomem(sock_fd) : -errno;
}

UDO_API ssize_t
udo_vsock_tcp_recv_data(const int sock_fd, void *data, const size_t size,
                        const void *vsock_info)
{
	ssize_t n;

	if (io_args_bad(data, size))
		return -EINVAL;
	n = recv(sock_fd, data, size, io_flags(vsock_info));
	if (n >= 0)
		return n;
	return errno == ENOMEM ? udo_quirk_recv_enomem(sock_fd, io_flags(vsock_info)) : -errno;
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

UDO_API short udo_vsock_tcp_get_poll_events(struct udo_vsock_tcp *vsock)
{
	return vsock ? vsock->poll_events : 0;
}

UDO_API void udo_vsock_tcp_destroy(struct udo_vsock_tcp *vsock)
{
	if (vsock)
		udo_ctx_release(vsock);
}

UDO_API int udo_vsock_tcp_get_sizeof(void)
{
	return (int) sizeof(struct udo_vsock_tcp);
}

UDO_API uint32_t udo_vsock_tcp_get_local_vcid(void)
{
	return udo_local_cid();
}
