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

/* Tell the service manager (sd_notify); nothing without NOTIFY_SOCKET. */
void udo_cli_notify(const char *state);

#endif /* UDO_CLI_ACTIVATE_H */
