/* SPDX-License-Identifier: MIT */
/* Internal to the core library (not seen by plugins). */
#ifndef UDO_CORE_H
#define UDO_CORE_H

#include "transport.h"
#include "env.h"
#include "quote.h" /* messages quote what the environment says with udo_quote() */

/* Transports the core knows by name (create_auto() says how "auto" picks). */
enum udo_transport_id {
	UDO_TRANSPORT_VSOCK,
	UDO_TRANSPORT_TCP,
	UDO_TRANSPORT_HYBRID,
	UDO_TRANSPORT_UNIX,
	UDO_TRANSPORT_COUNT
};

/* What a create asks for: a transport id, or "auto". */
#define UDO_TRANSPORT_AUTO (-1)

/*
 * The operations of a transport, loaded on first use (thread-safe, once per
 * process once it succeeds). NULL on failure, with the error in vsock.
 */
const struct udo_transport *udo_transport_load(enum udo_transport_id id,
                                               struct udo_vsock_tcp *vsock);

/* Whether the transport declares it carries sockets of type (SOCK_STREAM,
 * SOCK_SEQPACKET). */
bool udo_transport_carries(const struct udo_transport *t, int type);

/* errno values that mean "vsock cannot carry this here" (lib/create.c). */
bool udo_vsock_unavailable(int neg_errno);

/* Free what destroy frees: close the fd, free library-allocated memory. */
void udo_ctx_release(struct udo_vsock_tcp *vsock);

/*
 * A client that "auto" put on vsock met a vsock that cannot carry the
 * connect (why, -errno): re-create it on the fallback of its type (tcp for
 * streams, unix for seqpacket to a local CID). 0, or -errno with the error
 * recorded (why itself when there is no fallback).
 */
int udo_create_fallback(struct udo_vsock_tcp *vsock, int why);

/*
 * The error path of a failed send or receive, where the vsock of kernels
 * before 6.3 (Debian 12's 6.1) says ENOMEM for what later kernels report
 * properly (lib/quirks.c): on those kernels an oversized seqpacket message
 * is -EMSGSIZE, a seqpacket MSG_PEEK is -EOPNOTSUPP, a seqpacket receive
 * into memory it cannot write is -EFAULT. Anything else, and every ENOMEM
 * of a later kernel, stays -ENOMEM.
 */
int udo_quirk_send_enomem(int fd);
int udo_quirk_recv_enomem(int fd, int flags);

/* Write the context's error to the log when the program asked for it. */
void udo_log_report(const struct udo_vsock_tcp *vsock, const char *func);

#endif /* UDO_CORE_H */
