/* SPDX-License-Identifier: MIT */
/* The relay as a service (cli/relay-service.c). */
#ifndef UDO_CLI_RELAY_SERVICE_H
#define UDO_CLI_RELAY_SERVICE_H

#include <stddef.h>

#include "relay.h"

/*
 * Relay each of the n listeners to t, one thread each, and tell the service
 * manager READY=1. On SIGTERM or SIGINT: STOPPING=1, stop accepting (the
 * listeners are closed), let the open connections finish for up to stop_ms,
 * then return 0. Returns 1 when a relay could not start.
 */
int udo_cli_relay_service(struct udo_cli_listener *ls, size_t n,
                          const struct udo_cli_target *t,
                          const struct udo_cli_relay_opts *opts, unsigned int stop_ms);

/* "500ms", "30s", "2m" or a number of seconds, up to INT_MAX ms: 0 with
 * *ms set, or -1. */
int udo_cli_parse_duration(const char *text, unsigned int *ms);

#endif /* UDO_CLI_RELAY_SERVICE_H */
