/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock: vsock streams from the shell, built on libudo-vsock-tcp.
 *
 *   udo-vsock listen [CID] PORT     one connection to stdout, stdin to it
 *   udo-vsock connect CID PORT      stdin to the peer, the peer to stdout
 *   udo-vsock relay LISTEN TARGET   forward connections (vsock <-> tcp)
 *   udo-vsock transports            what the library can use here
 *   udo-vsock local-cid             this machine's CID
 *
 * Every failure is one line on stderr and a documented exit status
 * (cli.h, udo-vsock(1)).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "quote.h"
#include "say.h"
#include "startup.h"
#include "transports.h"
#include "activate.h"
#include "relay-service.h"

struct command {
	const char *name;
	const char *alias;
	int min_args, max_args;
	int (*run)(const struct udo_cli_opts *o, int argc, char **argv);
	const char *args;             /* for messages: "[CID] PORT" */
};

static void help(void)
{
	printf(
	"Usage: " UDO_CLI_PROG " [OPTION]... COMMAND [ARGUMENT]...\n"
	"Move bytes over vsock streams (with libudo-vsock-tcp's tcp fallback).\n"
	"\n"
	"Commands:\n"
	"  listen [CID] PORT     accept one connection (CID defaults to any): copy it to\n"
	"                        standard output and standard input to it\n"
	"  listen ADDRESS        the same on vsock:CID:PORT or tcp:HOST:PORT\n"
	"  connect CID PORT      connect: standard input to the peer, the peer to\n"
	"  connect ADDRESS       standard output; end of input is passed on as a\n"
	"                        half-close, the peer's end of stream ends the output\n"
	"  relay LISTEN TARGET   accept on LISTEN, forward each connection to TARGET,\n"
	"                        many at once (alias: proxy); LISTEN \"passed\": every\n"
	"                        socket systemd passed\n"
	"  transports            list the transports, whether each is usable here,\n"
	"                        and what auto picks\n"
	"  local-cid             print this machine's CID\n"
	"\n"
	"Addresses: vsock:CID:PORT, vsock://CID:PORT, tcp:HOST:PORT, tcp://HOST:PORT\n"
	"(HOST may be [IPv6]). CID: a number, or any (-1), local (1), host (2).\n"
	"PORT: a number (vsock: 32 bits, tcp: 0-65535); a server may use any (or -1)\n"
	"to let the kernel choose.\n"
	"vsock addresses go through the library's transport; tcp: ones are plain TCP.\n"
	"\n"
	"Options:\n"
	"  -t, --transport=NAME  vsock, tcp, hybrid, unix or auto (default:\n"
	"                        $" UDO_CLI_TRANSPORT_ENV ", or auto)\n"
	"  -k, --keep-open       listen: serve connections one after another\n"
	"  -p, --print-port      listen, relay: print the port bound on standard error\n"
	"  -v, --verbose         report connections on standard error\n"
	"      --copy=MODE       relay: read (default) or splice\n"
	"      --buffer=BYTES    relay: bytes moved per call (default 262144)\n"
	"      --seqpacket       SOCK_SEQPACKET (vsock addresses only): message\n"
	"                        boundaries kept; each read of standard input is one\n"
	"                        message (at most 65536 bytes); relay: whole messages,\n"
	"                        so --buffer of at least 262144 and not --copy=splice\n"
	"      --connect-timeout=MS  give up each connect after MS milliseconds\n"
	"                        (default: $" UDO_CLI_TIMEOUT_ENV ", or the kernel's)\n"
	"      --wait=DURATION   connect, relay: wait up to DURATION (500ms, 30s, 2m)\n"
	"                        for a vsock listener to appear\n"
	"      --stop-timeout=DURATION  relay: on SIGTERM, let open connections\n"
	"                        finish for up to DURATION (default 10s)\n"
	"      --fdpass          connect: pass the connection to ssh over standard\n"
	"                        output (ProxyCommand with ProxyUseFdpass=yes)\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 failure (one line on standard error says what\n"
	"failed), 2 usage error. See udo-vsock(1).\n");
}

static const struct command commands[] = {
	{ "listen", NULL, 1, 2, udo_cli_cmd_listen, "[CID] PORT" },
	{ "connect", NULL, 1, 2, udo_cli_cmd_connect, "CID PORT" },
	{ "relay", "proxy", 2, 2, udo_cli_cmd_relay, "LISTEN TARGET" },
	{ "transports", NULL, 0, 0, udo_cli_cmd_transports, "" },
	{ "local-cid", NULL, 0, 0, udo_cli_cmd_local_cid, "" },
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

static int parse_size(const char *text, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v < 4096 || v > (64u << 20))
		return -1;
	*out = (size_t) v;
	return 0;
}

/* Milliseconds as the library reads its variable: digits, 0 to INT_MAX. */
static int parse_ms(const char *text, unsigned int *out)
{
	unsigned long v = 0;
	const char *p;

	for (p = text; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long) (*p - '0');
		if (v > INT_MAX)
			return -1;
	}
	if (p == text || *p)
		return -1;
	*out = (unsigned int) v;
	return 0;
}

enum { OPT_COPY = 256, OPT_BUFFER, OPT_CONNECT_TIMEOUT, OPT_WAIT, OPT_STOP_TIMEOUT, OPT_FDPASS,
       OPT_SEQPACKET };

static const struct option long_options[] = {
	{ "transport", required_argument, NULL, 't' },
	{ "keep-open", no_argument, NULL, 'k' },
	{ "print-port", no_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "copy", required_argument, NULL, OPT_COPY },
	{ "buffer", required_argument, NULL, OPT_BUFFER },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "fdpass", no_argument, NULL, OPT_FDPASS },
	{ "seqpacket", no_argument, NULL, OPT_SEQPACKET },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Options anywhere on the line; returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct udo_cli_opts *o)
{
	char q[UDO_QUOTE_BUF];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:kpvhV", long_options, NULL)) != -1) {
		switch (c) {
		case 't':
			o->transport = optarg;
			break;
		case 'k':
			o->keep_open = true;
			break;
		case 'p':
			o->print_port = true;
			break;
		case 'v':
			o->verbose = true;
			o->relay.verbose = true;
			break;
		case OPT_COPY:
			if (!strcmp(optarg, "splice"))
				o->relay.copy = UDO_CLI_COPY_SPLICE;
			else if (!strcmp(optarg, "read"))
				o->relay.copy = UDO_CLI_COPY_READ;
			else
				return udo_cli_usage("--copy=\"%s\": use splice or read",
				                     udo_quote(q, sizeof(q), optarg));
			break;
		case OPT_BUFFER:
			if (parse_size(optarg, &o->relay.buffer))
				return udo_cli_usage("--buffer=\"%s\": use a number of bytes "
				                     "from 4096 to 67108864",
				                     udo_quote(q, sizeof(q), optarg));
			break;
		case OPT_CONNECT_TIMEOUT:
			if (parse_ms(optarg, &o->connect_timeout_ms))
				return udo_cli_usage("--connect-timeout=\"%s\": use milliseconds, "
				                     "0 to %d (0: the kernel's)", udo_quote(q, sizeof(q), optarg),
				                     INT_MAX);
			o->connect_timeout = optarg;
			break;
		case OPT_WAIT:
		case OPT_STOP_TIMEOUT: {
			unsigned int ms;

			if (udo_cli_parse_duration(optarg, &ms))
				return udo_cli_usage("--%s=\"%s\": use a duration such as 500ms, "
				                     "30s or 2m (at most 2147483647 ms)",
				                     c == OPT_WAIT ? "wait" : "stop-timeout",
				                     udo_quote(q, sizeof(q), optarg));
			if (c == OPT_WAIT) {
				o->wait_set = true;
				o->wait_ms = ms;
			} else {
				o->stop_ms = ms;
			}
			break;
		}
		case OPT_FDPASS:
			o->fdpass = true;
			break;
		case OPT_SEQPACKET:
			o->seqpacket = true;
			break;
		case 'h':
			help();
			return udo_cli_stdout_done();
		case 'V':
			printf(UDO_CLI_PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
			return udo_cli_stdout_done();
		case ':':
			return udo_cli_usage("option \"%s\" needs a value",
			                     udo_quote(q, sizeof(q), argv[optind - 1]));
		default:
			if (optopt >= '0' && optopt <= '9')
				return udo_cli_usage("unknown option \"%s\" (for -1 write any, "
				                     "or put -- before it)",
				                     udo_quote(q, sizeof(q), argv[optind - 1]));
			return udo_cli_usage("unknown option \"%s\"",
			                     udo_quote(q, sizeof(q), argv[optind - 1]));
		}
	}
	return -1;
}

/*
 * --connect-timeout, or the variable as the user set it (empty: none). The
 * option is passed on in the variable, for the library's vsock connects.
 */
static int select_timeout(struct udo_cli_opts *o)
{
	const char *env = getenv(UDO_CLI_TIMEOUT_ENV);
	char q[UDO_QUOTE_BUF];

	if (o->connect_timeout) {
		if (setenv(UDO_CLI_TIMEOUT_ENV, o->connect_timeout, 1) < 0)
			return udo_cli_failure("set " UDO_CLI_TIMEOUT_ENV ": out of memory");
	} else if (env && *env && parse_ms(env, &o->connect_timeout_ms)) {
		return udo_cli_usage(UDO_CLI_TIMEOUT_ENV "=\"%s\" is not a connect timeout: use "
		                     "milliseconds, 0 to %d (0: the kernel's)", udo_quote(q, sizeof(q), env),
		                     INT_MAX);
	}
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
		if (setenv(UDO_CLI_TRANSPORT_ENV, o->transport, 1) < 0)
			return udo_cli_failure("set " UDO_CLI_TRANSPORT_ENV ": out of memory");
	} else if (env && *env && !udo_cli_transport_known(env)) {
		return udo_cli_usage("unknown transport \"%s\" (" UDO_CLI_TRANSPORT_ENV "): use %s",
		                     udo_quote(q, sizeof(q), env), udo_cli_transport_choices());
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct udo_cli_opts o = {
		.relay = { .copy = UDO_CLI_COPY_READ, .buffer = 256 * 1024 },
		.stop_ms = 10000,
	};
	const struct command *cmd;
	char q[UDO_QUOTE_BUF];
	int r, nargs;

	if (udo_cli_startup() < 0)
		return UDO_CLI_EXIT_FAILURE;
	r = parse_options(argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind >= argc)
		return udo_cli_usage("no command: use listen, connect, relay, transports or local-cid");
	cmd = find_command(argv[optind]);
	if (!cmd)
		return udo_cli_usage("unknown command \"%s\": use listen, connect, relay, "
		                     "transports or local-cid",
		                     udo_quote(q, sizeof(q), argv[optind]));
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args)
		return udo_cli_usage("%s takes %s%s", cmd->name,
		                     *cmd->args ? cmd->args : "no arguments",
		                     cmd->min_args == 1 && cmd->max_args == 2 ? " or one ADDRESS" : "");
	r = select_transport(&o);
	if (r < 0)
		r = select_timeout(&o);
	if (r >= 0)
		return r;
	if (o.wait_set && udo_cli_wait_env(o.wait_ms) < 0)
		return udo_cli_failure("set " UDO_CLI_WAIT_ENV ": out of memory");
	return cmd->run(&o, nargs, argv + optind + 1);
}
