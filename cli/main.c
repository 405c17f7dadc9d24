/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock: vsock streams from the shell, built on libudo-vsock-tcp.
 *
 *   udo-vsock listen [CID] PORT     one connection to stdout, stdin to it
 *   udo-vsock connect CID PORT      stdin to the peer, the peer to stdout
 *   udo-vsock relay LISTEN TARGET   forward connections (vsock, tcp, unix, hybrid)
 *   udo-vsock transports            what the library can use here
 *   udo-vsock local-cid             this machine's CID
 *
 * Every failure is one line on stderr and a documented exit status
 * (cli.h, udo-vsock(1)).
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "cli.h"
#include "commands.h"
#include "ms.h"
#include "options.h"
#include "quote.h"
#include "say.h"
#include "startup.h"
#include "transports.h"

struct command {
	const char *name;
	const char *alias;
	int min_args, max_args;
	int (*run)(const struct udo_cli_opts *o, int argc, char **argv);
	const char *args;             /* for messages: "[CID] PORT" */
	const int *opts;              /* the options it takes, 0-terminated */
};

/* Each command's options (options.h; -h and -V go with every command):
 * any other is a usage error, not silently ignored. */
static const int listen_opts[] = { 't', 'k', 'p', 'v', UDO_CLI_OPT_SEQPACKET, 0 };
static const int connect_opts[] = {
	't', 'v', UDO_CLI_OPT_SEQPACKET, UDO_CLI_OPT_CONNECT_TIMEOUT, UDO_CLI_OPT_WAIT,
	UDO_CLI_OPT_FDPASS, 0,
};
static const int relay_opts[] = {
	't', 'p', 'v', UDO_CLI_OPT_COPY, UDO_CLI_OPT_BUFFER, UDO_CLI_OPT_SEQPACKET,
	UDO_CLI_OPT_CONNECT_TIMEOUT, UDO_CLI_OPT_WAIT, UDO_CLI_OPT_STOP_TIMEOUT,
	UDO_CLI_OPT_ALLOW_FROM, UDO_CLI_OPT_THREADS, UDO_CLI_OPT_MAX_CONNECTIONS,
	UDO_CLI_OPT_IDLE_TIMEOUT, 0,
};
static const int transports_opts[] = { 't', 0 };
static const int no_opts[] = { 0 };

static const struct command commands[] = {
	{ "listen", NULL, 1, 2, udo_cli_cmd_listen, "[CID] PORT", listen_opts },
	{ "connect", NULL, 1, 2, udo_cli_cmd_connect, "CID PORT", connect_opts },
	{ "relay", "proxy", 2, 2, udo_cli_cmd_relay, "LISTEN TARGET", relay_opts },
	{ "transports", NULL, 0, 0, udo_cli_cmd_transports, "", transports_opts },
	{ "local-cid", NULL, 0, 0, udo_cli_cmd_local_cid, "", no_opts },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name) ||
		    (commands[i].alias && !strcmp(name, commands[i].alias)))
			return &commands[i];
	return NULL;
}

/*
 * --connect-timeout, or the variable as the user set it (empty: none): the
 * bound for tcp: targets. The library reads its variable itself for its
 * own contexts; the option reaches them in their options.
 */
static int select_timeout(struct udo_cli_opts *o)
{
	const char *env = getenv(UDO_CLI_TIMEOUT_ENV);
	char q[UDO_QUOTE_BUF];

	if (!o->connect_timeout && env && *env && udo_parse_ms(env, &o->connect_timeout_ms))
		return udo_cli_usage(UDO_CLI_TIMEOUT_ENV "=\"%s\" is not a connect timeout: use "
		                     "milliseconds, 0 to %d (0: the kernel's)", udo_quote(q, sizeof(q), env),
		                     INT_MAX);
	return -1;
}

/* --transport, or the variable as the user set it: known, or a usage error. */
static int select_transport(const struct udo_cli_opts *o)
{
	const char *env = getenv(UDO_CLI_TRANSPORT_ENV);
	char q[UDO_QUOTE_BUF];

	if (o->transport) {
		if (!udo_cli_transport_known(o->transport))
			return udo_cli_usage("unknown transport \"%s\" (--transport): use %s",
			                     udo_quote(q, sizeof(q), o->transport),
			                     udo_cli_transport_choices());
	} else if (env && *env && !udo_cli_transport_known(env)) {
		return udo_cli_usage("unknown transport \"%s\" (" UDO_CLI_TRANSPORT_ENV "): use %s",
		                     udo_quote(q, sizeof(q), env), udo_cli_transport_choices());
	}
	return -1;
}

/* The command, once its options are read: its arguments checked, then run. */
static int run(const struct command *cmd, struct udo_cli_opts *o, int argc, char **argv)
{
	int r, nargs = argc - optind - 1;

	if (nargs < cmd->min_args || nargs > cmd->max_args)
		return udo_cli_usage("%s takes %s%s", cmd->name,
		                     *cmd->args ? cmd->args : "no arguments",
		                     cmd->min_args == 1 && cmd->max_args == 2 ? " or one ADDRESS" : "");
	r = select_transport(o);
	if (r < 0)
		r = select_timeout(o);
	if (r >= 0)
		return r;
	return cmd->run(o, nargs, argv + optind + 1);
}

int main(int argc, char **argv)
{
	struct udo_cli_opts o = {
		.relay = { .copy = UDO_CLI_COPY_SPLICE, .buffer = 256 * 1024 },
		.stop_ms = 10000,
	};
	const struct command *cmd;
	char q[UDO_QUOTE_BUF];
	int r;

	if (udo_cli_startup() < 0)
		return UDO_CLI_EXIT_FAILURE;
	/* Options anywhere on the line: a first pass finds the command (and
	 * takes -h, -V), a second reads the options that command owns. */
	r = udo_cli_parse_options(argc, argv, NULL, NULL, &o);
	if (r >= 0)
		return r;
	if (optind >= argc)
		return udo_cli_usage("no command: use listen, connect, relay, transports or local-cid");
	cmd = find_command(argv[optind]);
	if (!cmd)
		return udo_cli_usage("unknown command \"%s\": use listen, connect, relay, "
		                     "transports or local-cid",
		                     udo_quote(q, sizeof(q), argv[optind]));
	r = udo_cli_parse_options(argc, argv, cmd->name, cmd->opts, &o);
	if (r < 0)
		r = run(cmd, &o, argc, argv);
	udo_cli_allow_free(o.relay.allow);
	return r;
}
