/* SPDX-License-Identifier: MIT */
/*
 * The hybrid transport's non-blocking connect (UDO_VSOCK_TCP_OPT_NONBLOCK):
 * connect to the VMM's socket, send "CONNECT <port>\n" and read the "OK"
 * line, each step as far as it goes without waiting; the context keeps the
 * place (vsock->step) and a partial line (vsock->step_buf).
 */
#ifndef UDO_HYBRID_NONBLOCK_H
#define UDO_HYBRID_NONBLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "transport.h"

/* One step: 0 connected, -EINPROGRESS (poll_events set), or -errno recorded. */
int udo_hybrid_connect_nb(struct udo_vsock_tcp *vsock);

#endif /* UDO_HYBRID_NONBLOCK_H */
