/* SPDX-License-Identifier: MIT */
/*
 * The options of udo-vsock (cli/options.c). Each command has its table: a
 * list of the options it takes, 0-terminated, each named by its letter
 * ('t' --transport, 'k' --keep-open, 'p' --print-port, 'v' --verbose) or
 * its number below; -h and -V go with every command.
 */
#ifndef UDO_CLI_OPTIONS_H
#define UDO_CLI_OPTIONS_H

#include "commands.h"

enum udo_cli_option_id {
	UDO_CLI_OPT_COPY = 256,
	UDO_CLI_OPT_BUFFER,
	UDO_CLI_OPT_CONNECT_TIMEOUT,
	UDO_CLI_OPT_WAIT,
	UDO_CLI_OPT_STOP_TIMEOUT,
	UDO_CLI_OPT_FDPASS,
	UDO_CLI_OPT_SEQPACKET,
	UDO_CLI_OPT_ALLOW_FROM,
	UDO_CLI_OPT_THREADS,
	UDO_CLI_OPT_MAX_CONNECTIONS,
	UDO_CLI_OPT_IDLE_TIMEOUT,
};

/*
 * One pass over the command line (options anywhere on it; glibc's
 * getopt_long permutes them ahead of the other words). With opts NULL,
 * every option is known and only -h and -V act: the pass that finds the
 * command, at argv[optind] after it. With the command's name and table:
 * each of its options set in o, and any other a usage error naming it.
 * -1 to go on, else an exit status (cli.h).
 */
int udo_cli_parse_options(int argc, char **argv, const char *cmd, const int *opts,
                          struct udo_cli_opts *o);

#endif /* UDO_CLI_OPTIONS_H */
