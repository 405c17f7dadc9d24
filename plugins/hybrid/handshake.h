/* SPDX-License-Identifier: MIT */
/*
 * The hybrid transport's client handshake: connect to the VMM's socket, send
 * "CONNECT <port>\n" and read the "OK" line. Written once, as steps that go
 * as far as they can without waiting; the context keeps the place
 * (vsock->step) and a partial line (vsock->step_buf). A non-blocking context
 * (UDO_VSOCK_TCP_OPT_NONBLOCK) runs one step per call from the caller's event
 * loop; a blocking connect drives the same steps with the deadline's waits.
 */
#ifndef UDO_HYBRID_HANDSHAKE_H
#define UDO_HYBRID_HANDSHAKE_H

#include "transport.h"

/* One step: 0 connected, -EINPROGRESS (poll_events set), or -errno recorded. */
int udo_hybrid_connect_step(struct udo_vsock_tcp *vsock);

/* The whole handshake within the connect timeout, waiting as a system call
 * the kernel restarts would (shared/deadline.c). 0 or -errno recorded. */
int udo_hybrid_connect_blocking(struct udo_vsock_tcp *vsock);

#endif /* UDO_HYBRID_HANDSHAKE_H */
