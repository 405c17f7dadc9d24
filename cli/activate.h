/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock under systemd (cli/activate.c): the listening sockets a service
 * manager passed (sd_listen_fds), and sd_notify. vsock: addresses need
 * nothing here, the library adopts a matching passed socket itself; tcp:
 * addresses are udo-vsock's own sockets, so it claims those itself.
 */
#ifndef UDO_CLI_ACTIVATE_H
#define UDO_CLI_ACTIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "endpoint.h"

/* The word for "every socket the service manager passed" in place of a
 * relay's LISTEN address. */
#define UDO_CLI_PASSED "passed"

/* The `transports` line saying whether socket activation is built in. */
void udo_cli_activation_show(FILE *out);

/* A passed listening TCP socket bound where a (kind tcp) asks: the same
 * port (any for -1), the host's address or a wildcard. Its fd, claimed
 * (never returned again), or -1. */
int udo_cli_passed_tcp(const struct udo_cli_addr *a);

/*
 * Every passed socket not yet taken, however many were passed, as listeners
 * (*ls, allocated: free it after closing them) for a relay of type
 * (SOCK_STREAM, or SOCK_SEQPACKET for --seqpacket), each by the rules of
 * the address it would be given as: vsock ones (and the unix transport's
 * @udo-vsock-tcp/PORT) through the library, of the relay's type; tcp ones
 * as udo-vsock's own, for a stream relay only. 0 with *n set (at least 1);
 * -1 with err (none passed, a socket of another kind); -2 with err for what
 * the explicit address would make a usage error (a tcp socket with
 * --seqpacket, a socket of the other type).
 */
int udo_cli_listen_passed(struct udo_cli_listener **ls, size_t *n, int type,
                          char *err, size_t errlen);

/*
 * Hide the passed sockets from the library (hide true: LISTEN_PID,
 * LISTEN_FDS and LISTEN_FDNAMES unset, kept), or show them again (false).
 * For probes, whose server creates would adopt a passed socket and close
 * it. The library reads the variables at its first server create: hidden
 * then, it adopts nothing in this process. Startup, one thread.
 */
void udo_cli_passed_hide(bool hide);

/* The library's connect wait, which --wait sets for every client. */
#define UDO_CLI_WAIT_ENV "UDO_VSOCK_TCP_CONNECT_WAIT_MS"

/* --wait: set UDO_CLI_WAIT_ENV to ms. 0, or -1 (out of memory). */
int udo_cli_wait_env(unsigned int ms);

/* Tell the service manager (sd_notify); nothing without NOTIFY_SOCKET. */
void udo_cli_notify(const char *state);

#endif /* UDO_CLI_ACTIVATE_H */
