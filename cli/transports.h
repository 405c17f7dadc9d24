/* SPDX-License-Identifier: MIT */
/* The transports udo-vsock knows by name, and the `transports` command. */
#ifndef UDO_CLI_TRANSPORTS_H
#define UDO_CLI_TRANSPORTS_H

#include <stdbool.h>
#include <stdio.h>

#include "env-names.h"

/* The variable the library reads; --transport takes its place for the
 * contexts of vsock: addresses (their options), and is checked by the tool. */
#define UDO_CLI_TRANSPORT_ENV UDO_ENV_TRANSPORT

/* A transport name the library accepts ("auto" included). */
bool udo_cli_transport_known(const char *name);

/* "vsock, tcp or auto", for messages. */
const char *udo_cli_transport_choices(void);

/*
 * Print each transport, whether it is usable here and what "auto" picks,
 * then the transport selected (source names where the choice came from).
 * Probes by creating contexts (sockets, a bind to a free port): never a
 * connect. Returns 0.
 */
int udo_cli_transports_show(FILE *out, const char *selected, const char *source);

#endif /* UDO_CLI_TRANSPORTS_H */
