/* SPDX-License-Identifier: MIT */
/* The relay: accept on one address, forward each connection to another. */
#ifndef UDO_CLI_RELAY_H
#define UDO_CLI_RELAY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "endpoint.h"

struct udo_cli_allow;

/* How the relay moves bytes between its two sockets. */
enum udo_cli_copy {
	UDO_CLI_COPY_READ,   /* read(2)/write(2) through a buffer */
	UDO_CLI_COPY_SPLICE, /* splice(2) through a pipe, no copy to user space */
};

struct udo_cli_relay_opts {
	enum udo_cli_copy copy;
	size_t buffer;  /* bytes per read, or the pipe size for splice */
	bool verbose;   /* one line per connection opened and closed */
	struct udo_cli_allow *allow; /* --allow-from, or NULL: every peer */
	/* Under a service manager (cli/relay-service.c), both optional: once
	 * *stop is set, an interrupted accept ends the relay (it returns 0);
	 * *open counts the connections being relayed. */
	atomic_bool *stop;
	atomic_uint *open;
};

/*
 * Serve l until the process is stopped: each accepted connection gets its
 * own threads, connects to t and copies both ways (end of stream passed on
 * as a half-close). A connection that fails is reported on one line and
 * closed; the relay goes on. Returns only on a setup failure (-1) or, once
 * opts->stop is set, when an accept is interrupted (0).
 * SIGPIPE must be ignored (udo_cli_startup): a gone peer is an EPIPE.
 */
int udo_cli_relay(struct udo_cli_listener *l, const struct udo_cli_target *t,
                  const struct udo_cli_relay_opts *opts);

#endif /* UDO_CLI_RELAY_H */
