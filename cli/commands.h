/* SPDX-License-Identifier: MIT */
/* The commands of udo-vsock, run by main.c once the command line is read. */
#ifndef UDO_CLI_COMMANDS_H
#define UDO_CLI_COMMANDS_H

#include <stdbool.h>

#include "env-names.h"
#include "relay.h"

/* The library's variable for a connect's bound; --connect-timeout takes its
 * place in each context's options; the tool reads it for tcp: targets. */
#define UDO_CLI_TIMEOUT_ENV UDO_ENV_CONNECT_TIMEOUT

/* What the options asked for. */
struct udo_cli_opts {
	const char *transport;        /* --transport, or NULL */
	bool keep_open;
	bool print_port;
	bool verbose;
	bool seqpacket;               /* --seqpacket: message sockets */
	const char *connect_timeout;     /* --connect-timeout, or NULL */
	unsigned int connect_timeout_ms; /* it, or the variable's; 0: none */
	struct udo_cli_relay_opts relay;
	bool wait_set;                /* --wait given */
	unsigned int wait_ms;
	unsigned int stop_ms;         /* relay: --stop-timeout */
	bool fdpass;                  /* connect: --fdpass */
	const char *allow_from;       /* relay: --allow-from as given (relay.allow parsed) */
};

/* Each takes the command's own arguments; returns an exit status (cli.h). */
int udo_cli_cmd_listen(const struct udo_cli_opts *o, int argc, char **argv);
int udo_cli_cmd_connect(const struct udo_cli_opts *o, int argc, char **argv);
int udo_cli_cmd_relay(const struct udo_cli_opts *o, int argc, char **argv);
int udo_cli_cmd_transports(const struct udo_cli_opts *o, int argc, char **argv);
int udo_cli_cmd_local_cid(const struct udo_cli_opts *o, int argc, char **argv);

#endif /* UDO_CLI_COMMANDS_H */
