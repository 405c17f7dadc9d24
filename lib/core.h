/* SPDX-License-Identifier: MIT */
/* Internal to the core library (not seen by plugins). */
#ifndef UDO_CORE_H
#define UDO_CORE_H

#include "transport.h"
#include "env.h"
#include "quote.h" /* messages quote what the environment says with udo_quote() */

/*
 * The one list of the transports this build knows, in their fixed order:
 * udo_vsock_tcp_transport_name gives it out, a transport's id is its place
 * in it, and nothing else in lib/ names a transport ("auto" goes by their
 * declarations: lib/auto.c). A new transport adds its name here.
 */
#define UDO_TRANSPORT_NAMES "vsock", "tcp", "hybrid", "unix"
#define UDO_TRANSPORT_COUNT \
	((unsigned int) (sizeof((const char *[]){ UDO_TRANSPORT_NAMES }) / sizeof(const char *)))
typedef unsigned int udo_transport_id;

/* What a create asks for: a transport id, or "auto". */
#define UDO_TRANSPORT_AUTO (-1)

/*
 * The operations of a transport, loaded on first use (thread-safe, once per
 * process once it succeeds). NULL on failure, with the error in vsock.
 */
const struct udo_transport *udo_transport_load(udo_transport_id id,
                                               struct udo_vsock_tcp *vsock);

/* SOCK_STREAM or SOCK_SEQPACKET as its UDO_CARRIES_* bit. */
unsigned int udo_type_bit(int type);

/* Whether the transport declares it carries sockets of type (SOCK_STREAM,
 * SOCK_SEQPACKET). */
bool udo_transport_carries(const struct udo_transport *t, int type);

/* Run the create of the context's role on transport id (lib/create.c): a
 * type it does not declare is refused first. 0 or -errno, recorded. */
int udo_create_on(struct udo_vsock_tcp *vsock, udo_transport_id id, const void *info);

/* "bind to" or "connect to", for messages; the CID and port of an info. */
const char *udo_create_op(const struct udo_vsock_tcp *vsock);
void udo_create_info_addr(const struct udo_vsock_tcp *vsock, const void *info, uint32_t *cid,
                          int *port);

/*
 * "auto", the one policy (lib/auto.c), driven by what the transports
 * declare (auto_use, auto_fallback, carries, client_reachable):
 * udo_auto_create picks and creates; udo_auto_candidates lists, in the
 * order "auto" tries them, the transports it could pick for the context's
 * type and role and cid (socket activation offers a passed socket to
 * each); n.
 */
int udo_auto_create(struct udo_vsock_tcp *vsock, const void *info, uint32_t cid);
unsigned int udo_auto_candidates(struct udo_vsock_tcp *vsock, uint32_t cid,
                                 udo_transport_id out[UDO_TRANSPORT_COUNT]);

/* errno values that mean "the preferred transport cannot carry this
 * here", as opposed to an answer from a peer (lib/auto.c). */
bool udo_auto_unavailable(int neg_errno);

/* Free what destroy frees: close the fd, free library-allocated memory. */
void udo_ctx_release(struct udo_vsock_tcp *vsock);

/*
 * A client that "auto" put on its preferred transport met one that cannot
 * carry the connect (why, -errno): re-create it on the fallback its type
 * declares that reaches the CID (lib/auto.c). 0, or -errno with the error
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
