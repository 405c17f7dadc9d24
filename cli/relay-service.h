/* SPDX-License-Identifier: MIT */
/* Durations for the relay's options (cli/relay-service.c). */
#ifndef UDO_CLI_RELAY_SERVICE_H
#define UDO_CLI_RELAY_SERVICE_H

#include "relay.h"

/* "500ms", "30s", "2m" or a number of seconds, up to INT_MAX ms: 0 with
 * *ms set, or -1. */
int udo_cli_parse_duration(const char *text, unsigned int *ms);

#endif /* UDO_CLI_RELAY_SERVICE_H */
