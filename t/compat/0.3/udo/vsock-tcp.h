/* SPDX-License-Identifier: MIT */
/*
 * libudo-vsock-tcp: stream and message (SOCK_SEQPACKET) sockets between
 * virtual machines and their host over AF_VSOCK, with a TCP fallback for
 * streams and a local AF_UNIX one for both.
 *
 * The transport is chosen at create time by UDO_VSOCK_TCP_TRANSPORT
 * ("vsock", "tcp", "hybrid", "unix" or "auto", the default). Errors are recorded in the
 * context and read with udo_log_get_error() / udo_log_get_error_code().
 */
#ifndef UDO_VSOCK_TCP_H
#define UDO_VSOCK_TCP_H

#include "macros.h"
#include "log.h"

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

/* Opaque context; udo_vsock_tcp_get_sizeof() gives its size. */
struct udo_vsock_tcp;

struct udo_vsock_tcp_server_create_info {
	uint32_t vcid;        /* CID to bind (VMADDR_CID_ANY for all) */
	int      port;        /* port to bind; -1 lets the kernel choose */
	int      connections; /* listen backlog; <= 0 means SOMAXCONN */
};

struct udo_vsock_tcp_client_create_info {
	uint32_t vcid; /* CID to connect to */
	int      port; /* port to connect to */
};

/*
 * Create a listening socket. vsock may be NULL (the library allocates) or
 * udo_vsock_tcp_get_sizeof() bytes of caller memory (never freed by the
 * library; on failure the error is readable from it). vsock_info points to
 * a struct udo_vsock_tcp_server_create_info.
 * Returns the context, or NULL on failure.
 */
UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_server_create(struct udo_vsock_tcp *vsock, const void *vsock_info);

/*
 * Accept one connection. addr, when not NULL, receives the peer as a
 * struct sockaddr_vm. Returns the client's fd (close-on-exec), or -1.
 */
UDO_API int
udo_vsock_tcp_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr);

/*
 * Create a client socket for the CID and port in vsock_info (a struct
 * udo_vsock_tcp_client_create_info). Memory rules as for server_create.
 */
UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_client_create(struct udo_vsock_tcp *vsock, const void *vsock_info);

/*
 * Connect a client. Returns 0, or -1 with the error in the context.
 * A failed connect may be retried on the same context.
 */
UDO_API int
udo_vsock_tcp_client_connect(struct udo_vsock_tcp *vsock);

/*
 * Send on a client context. vsock_info, when not NULL, points to an int of
 * send(2) flags; MSG_NOSIGNAL is always added. Returns the bytes sent or
 * -errno (-EINVAL for a NULL context or buffer, or a size above SSIZE_MAX).
 */
UDO_API ssize_t
udo_vsock_tcp_client_send_data(struct udo_vsock_tcp *vsock, const void *data,
                               const size_t size, const void *vsock_info);

/* Getters: -1, UINT32_MAX and -1 for a NULL context. */
UDO_API int udo_vsock_tcp_get_fd(struct udo_vsock_tcp *vsock);
UDO_API uint32_t udo_vsock_tcp_get_vcid(struct udo_vsock_tcp *vsock);
UDO_API int udo_vsock_tcp_get_port(struct udo_vsock_tcp *vsock);

/* Close what is open, free what the library allocated. NULL is a no-op. */
UDO_API void udo_vsock_tcp_destroy(struct udo_vsock_tcp *vsock);

/* Size of the private context, for callers providing their own memory. */
UDO_API int udo_vsock_tcp_get_sizeof(void);

/* The local CID from /dev/vsock, or UINT32_MAX where there is none. */
UDO_API uint32_t udo_vsock_tcp_get_local_vcid(void);

/*
 * Receive / send on any socket fd. vsock_info, when not NULL, points to an
 * int of recv(2)/send(2) flags (sends add MSG_NOSIGNAL). Return the byte
 * count or -errno (-EINVAL for a NULL buffer or a size above SSIZE_MAX).
 */
UDO_API ssize_t
udo_vsock_tcp_recv_data(const int sock_fd, void *data, const size_t size,
                        const void *vsock_info);
UDO_API ssize_t
udo_vsock_tcp_send_data(const int sock_fd, const void *data, const size_t size,
                        const void *vsock_info);

/* Name of the transport a context uses ("vsock", "tcp", "hybrid" or "unix");
 * NULL for NULL. */
UDO_API const char *
udo_vsock_tcp_get_transport(struct udo_vsock_tcp *vsock);

/*
 * Bound the next connects of a client context: after ms milliseconds
 * udo_vsock_tcp_client_connect() fails with ETIMEDOUT (and may be retried).
 * 0 restores the transport's default (the kernel's on vsock and tcp).
 * UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS sets the same at create.
 * Returns 0, or -1 with errno EINVAL (NULL or not a client context, ms above
 * INT_MAX). Since 0.2 (symbol version UDO_VSOCK_TCP_0.2).
 */
UDO_API int
udo_vsock_tcp_set_connect_timeout(struct udo_vsock_tcp *vsock, unsigned int ms);

/*
 * Let udo_vsock_tcp_client_connect() wait for the listener: for up to ms
 * milliseconds from its first try it retries the answers that mean "nobody
 * is there yet" (ECONNREFUSED, ECONNRESET, ETIMEDOUT; on hybrid a missing
 * VMM socket or a refused CONNECT), with pauses growing from a few
 * milliseconds to one second, then fails with the last error and a message
 * saying how long it waited and how many attempts it made. Configuration
 * errors are never retried; the connect timeout still bounds each attempt;
 * a signal handler installed without SA_RESTART ends the wait with EINTR.
 * 0 (the default) means one attempt. UDO_VSOCK_TCP_CONNECT_WAIT_MS sets the
 * same at create. Returns 0, or -1 with errno EINVAL (NULL or not a client
 * context, ms above INT_MAX). Since 0.3 (symbol version UDO_VSOCK_TCP_0.3).
 */
UDO_API int
udo_vsock_tcp_set_connect_wait(struct udo_vsock_tcp *vsock, unsigned int ms);

/*
 * The creates with a socket type: SOCK_STREAM (what udo_vsock_tcp_*_create()
 * make) or SOCK_SEQPACKET, optionally | SOCK_CLOEXEC (always applied).
 * Anything else: NULL with errno EINVAL. A SOCK_SEQPACKET socket keeps
 * message boundaries: each send is one message, a receive returns at most
 * one (a shorter buffer gets its first part, the rest is dropped; with
 * MSG_TRUNC the return value is the full length), a message larger than the
 * transport carries is -EMSGSIZE and nothing of it is sent. vsock and unix
 * carry it; tcp and hybrid refuse it with EPROTONOSUPPORT; "auto" picks
 * vsock where it reaches the CID, else unix for this machine's CIDs.
 * Since 0.3 (symbol version UDO_VSOCK_TCP_0.3).
 */
UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_server_create_type(struct udo_vsock_tcp *vsock, const void *vsock_info,
                                 int type);
UDO_API struct udo_vsock_tcp *
udo_vsock_tcp_client_create_type(struct udo_vsock_tcp *vsock, const void *vsock_info,
                                 int type);

/* SOCK_STREAM or SOCK_SEQPACKET; -1 for NULL. Since 0.3. */
UDO_API int udo_vsock_tcp_get_type(struct udo_vsock_tcp *vsock);

#endif /* UDO_VSOCK_TCP_H */
