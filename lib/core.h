/* SPDX-License-Identifier: MIT */
/* Internal to the core library (not seen by plugins). */
#ifndef UDO_CORE_H
#define UDO_CORE_H

#include "transport.h"
#include "quote.h" /* messages quote what the environment says with udo_quote() */

/* Transports the core knows by name (create_auto() says how "auto" picks). */
enum udo_transport_id {
	UDO_TRANSPORT_VSOCK,
	UDO_TRANSPORT_TCP,
	UDO_TRANSPORT_HYBRID,
	UDO_TRANSPORT_COUNT
};

/* What UDO_VSOCK_TCP_TRANSPORT asks for: a transport id, or "auto". */
#define UDO_TRANSPORT_AUTO (-1)

/*
 * Parse UDO_VSOCK_TCP_TRANSPORT (as the create read it, vsock->env): an enum udo_transport_id, UDO_TRANSPORT_AUTO,
 * or -EINVAL (recorded in vsock) for any other value.
 */
int udo_transport_mode(struct udo_vsock_tcp *vsock);

/*
 * The operations of a transport, loaded on first use (thread-safe, once per
 * process once it succeeds). NULL on failure, with the error in vsock.
 */
const struct udo_transport *udo_transport_load(enum udo_transport_id id,
                                               struct udo_vsock_tcp *vsock);

/* Write the context's error to the log when the program asked for it. */
void udo_log_report(const struct udo_vsock_tcp *vsock, const char *func);

#endif /* UDO_CORE_H */
