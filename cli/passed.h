/* SPDX-License-Identifier: MIT */
/*
 * The passed-socket registry of udo-vsock (cli/passed.c): the listening
 * sockets a service manager passed (fds 3 and up, sd_listen_fds), read once
 * at startup in one thread, and which were taken. Built without
 * libsystemd, none were passed.
 */
#ifndef UDO_CLI_PASSED_H
#define UDO_CLI_PASSED_H

#include <stdbool.h>

#include "addr.h"

/* How many were passed (0: none, or no memory to track them). */
int udo_cli_passed_count(void);

/* Passed socket i (fd 3 + i) is taken already (or i is out of range). */
bool udo_cli_passed_taken(int i);

/* A passed listening TCP socket bound where a (kind tcp) asks: the same
 * port (any for -1), the host's address or a wildcard. Its fd, claimed
 * (never returned again), or -1. */
int udo_cli_passed_tcp(const struct udo_cli_addr *a);

#endif /* UDO_CLI_PASSED_H */
