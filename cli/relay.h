/* SPDX-License-Identifier: MIT */
/* The relay: accept on some addresses, forward each connection to another. */
#ifndef UDO_CLI_RELAY_H
#define UDO_CLI_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "endpoint.h"

struct udo_cli_allow;

/* How the relay moves bytes between its two sockets. */
enum udo_cli_copy {
	UDO_CLI_COPY_READ,   /* read(2)/write(2) through a pooled buffer */
	UDO_CLI_COPY_SPLICE, /* splice(2) through a pooled pipe, no copy to user space */
};

struct udo_cli_relay_opts {
	enum udo_cli_copy copy;
	bool copy_set;             /* --copy given (else splice, read for messages) */
	size_t buffer;            /* bytes per read, or the pipe size for splice */
	bool verbose;             /* one line per connection finished */
	struct udo_cli_allow *allow; /* --allow-from, or NULL: every peer */
	unsigned int threads;     /* worker threads; 0: one per online CPU */
	unsigned int max_conns;   /* relayed at once; 0: no cap */
	unsigned int idle_ms;     /* close after this long without a byte; 0: never */
	bool wait_set;            /* --wait given (else the library's variable) */
	unsigned int wait_ms;
};

/*
 * Relay each of the n listeners to t until SIGTERM or SIGINT (cli/relay-service.c):
 * a fixed set of worker threads, each an epoll loop serving every listener.
 * READY=1 once serving; on the signal STOPPING=1, no more accepts, and the
 * open connections get up to stop_ms to finish. SIGUSR1 prints the
 * statistics line, as does the end. 0, or 1 when the relay could not start.
 * SIGPIPE must be ignored (udo_cli_startup): a gone peer is an EPIPE.
 */
int udo_cli_relay_service(struct udo_cli_listener *ls, size_t n,
                          const struct udo_cli_target *t,
                          const struct udo_cli_relay_opts *opts, unsigned int stop_ms);

#endif /* UDO_CLI_RELAY_H */
