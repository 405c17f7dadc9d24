/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the seqpacket tests. The same programs run on unix and on
 * vsock, each case once per transport (t_run_transports): vsock where CID 1
 * is served (the make check-vm guest), skipped elsewhere.
 */
#ifndef T_SEQPACKET_COMMON_H
#define T_SEQPACKET_COMMON_H

#include "common.h"

/* The transports that carry SOCK_SEQPACKET. */
#define T_SP_TRANSPORTS (T_UNIX | T_VSOCK)

/* The transport under test. */
const char *t_sp_transport(void);

/* A seqpacket server on T_CID and a free port; a client connected to it. */
struct udo_vsock_tcp *t_sp_server(void);
struct udo_vsock_tcp *t_sp_client(struct udo_vsock_tcp *server);

/* Server, connected client and the server's side of it, all seqpacket,
 * checked to be on the transport under test. */
struct t_pair t_sp_pair_open(void);

/* The largest message the transport carries on this connected socket:
 * vsock, the peer's SO_VM_SOCKETS_BUFFER_SIZE (both ends default to the same
 * 256 KiB); unix, the sender's SO_SNDBUF less the 32 bytes the kernel keeps. */
size_t t_sp_max_message(int fd);

/* Send one message of exactly len bytes (a short count fails the test). */
void t_sp_send(int fd, const void *buf, size_t len);

/* Receive one message into buf (cap bytes): its length, or fail. */
size_t t_sp_recv(int fd, void *buf, size_t cap);

#endif
