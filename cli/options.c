/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock's options: every option's spelling and what it sets, --help,
 * and the getopt_long passes that read them against the table of the
 * command given (options.h). Which command takes which is main.c's.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "cli.h"
#include "commands.h"
#include "ms.h"
#include "options.h"
#include "quote.h"
#include "relay-service.h"
#include "say.h"
#include "transports.h"

static void help(void)
{
	printf(
	"Usage: " UDO_CLI_PROG " [OPTION]... COMMAND [ARGUMENT]...\n"
	"Move bytes over vsock streams (with libudo-vsock-tcp's tcp fallback).\n"
	"\n"
	"Commands:\n"
	"  listen [CID] PORT     accept one connection (CID defaults to any): copy it to\n"
	"                        standard output and standard input to it\n"
	"  listen ADDRESS        the same on vsock:CID:PORT, tcp:HOST:PORT or unix:PORT\n"
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
	"Addresses: vsock:CID:PORT, tcp:HOST:PORT (HOST may be [IPv6]), unix:PORT\n"
	"(the unix transport), hybrid:PATH:PORT (a VMM's socket, to connect through);\n"
	"each also as SCHEME://. CID: a number, or any (-1), local (1), host (2).\n"
	"PORT: a number (vsock: 32 bits, tcp: 0-65535); a server may use any (or -1)\n"
	"to let the kernel choose.\n"
	"vsock addresses go through the library's transport; tcp: ones are plain TCP.\n"
	"Each command takes only the options marked for it below.\n"
	"\n"
	"Options:\n");
	/* The library's transports, as the library lists them. */
	printf("  -t, --transport=NAME  %s (default:\n", udo_cli_transport_choices());
	printf(
	"                        $" UDO_CLI_TRANSPORT_ENV ", or auto), for vsock:\n"
	"                        addresses (listen, connect, relay, transports)\n"
	"  -k, --keep-open       listen: serve connections one after another\n"
	"  -p, --print-port      listen, relay: print the port bound on standard error\n"
	"  -v, --verbose         listen, connect, relay: report connections on\n"
	"                        standard error\n"
	"      --copy=MODE       relay: splice (default; read for --seqpacket) or read\n"
	"      --buffer=BYTES    relay: bytes moved per call (default 262144)\n"
	"      --seqpacket       SOCK_SEQPACKET (vsock:, unix:, hybrid: only): message\n"
	"                        boundaries kept; each read of standard input is one\n"
	"                        message (at most 65536 bytes); relay: whole messages,\n"
	"                        so --buffer of at least 262144 and not --copy=splice\n"
	"      --connect-timeout=MS  connect, relay: give up each connect after MS ms\n"
	"                        (default: $" UDO_CLI_TIMEOUT_ENV ", or the kernel's)\n"
	"      --wait=DURATION   connect, relay: wait up to DURATION (500ms, 30s, 2m)\n"
	"                        for a vsock listener to appear\n"
	"      --stop-timeout=DURATION  relay: on SIGTERM, let open connections\n"
	"                        finish for up to DURATION (default 10s)\n"
	"      --allow-from=LIST  relay: only these peers may connect, others are\n"
	"                        closed at once: CIDs and ranges on a vsock listener\n"
	"                        (3,5-9), addresses and prefixes on a tcp one\n"
	"                        (127.0.0.1,10.0.0.0/8,::1), uids and user names on\n"
	"                        a unix one (0,1000-1999,www-data)\n"
	"      --threads=N       relay: worker threads, each serving many connections\n"
	"                        (default: one per online CPU)\n"
	"      --max-connections=N  relay: at N connections relayed, close each new\n"
	"                        client at once (counted as refused)\n"
	"      --idle-timeout=DURATION  relay: close a connection after DURATION\n"
	"                        without a byte either way (default: never)\n"
	"      --fdpass          connect: pass the connection to ssh over standard\n"
	"                        output (ProxyCommand with ProxyUseFdpass=yes)\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 failure (one line on standard error says what\n"
	"failed), 2 usage error. See udo-vsock(1).\n");
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

static int set_transport(struct udo_cli_opts *o, const char *arg)
{
	o->transport = arg;
	return -1;
}

static int set_keep_open(struct udo_cli_opts *o, const char *arg)
{
	(void) arg;
	o->keep_open = true;
	return -1;
}

static int set_print_port(struct udo_cli_opts *o, const char *arg)
{
	(void) arg;
	o->print_port = true;
	return -1;
}

static int set_verbose(struct udo_cli_opts *o, const char *arg)
{
	(void) arg;
	o->verbose = true;
	o->relay.verbose = true;
	return -1;
}

static int set_copy(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF];

	o->relay.copy_set = true;
	if (!strcmp(arg, "splice"))
		o->relay.copy = UDO_CLI_COPY_SPLICE;
	else if (!strcmp(arg, "read"))
		o->relay.copy = UDO_CLI_COPY_READ;
	else
		return udo_cli_usage("--copy=\"%s\": use splice or read", udo_quote(q, sizeof(q), arg));
	return -1;
}

static int set_buffer(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF];

	if (parse_size(arg, &o->relay.buffer))
		return udo_cli_usage("--buffer=\"%s\": use a number of bytes from 4096 to 67108864",
		                     udo_quote(q, sizeof(q), arg));
	return -1;
}

static int set_connect_timeout(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF];

	if (udo_parse_ms(arg, &o->connect_timeout_ms))
		return udo_cli_usage("--connect-timeout=\"%s\": use milliseconds, 0 to %d (0: the "
		                     "kernel's)", udo_quote(q, sizeof(q), arg), INT_MAX);
	o->connect_timeout = arg;
	return -1;
}

static int duration(const char *name, const char *arg, unsigned int *ms)
{
	char q[UDO_QUOTE_BUF];

	if (udo_cli_parse_duration(arg, ms))
		return udo_cli_usage("--%s=\"%s\": use a duration such as 500ms, 30s or 2m (at "
		                     "most 2147483647 ms)", name, udo_quote(q, sizeof(q), arg));
	return -1;
}

static int set_wait(struct udo_cli_opts *o, const char *arg)
{
	o->wait_set = true;
	return duration("wait", arg, &o->wait_ms);
}

static int set_stop_timeout(struct udo_cli_opts *o, const char *arg)
{
	return duration("stop-timeout", arg, &o->stop_ms);
}

static int set_allow_from(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF], err[UDO_CLI_ERR_MAX];
	struct udo_cli_allow *a = udo_cli_allow_parse(arg, err, sizeof(err));

	if (!a)
		return udo_cli_usage("--allow-from=\"%s\": %s", udo_quote(q, sizeof(q), arg), err);
	/* Given again: the last one counts, as for every other option. */
	udo_cli_allow_free(o->relay.allow);
	o->relay.allow = a;
	o->allow_from = arg;
	return -1;
}

/* A count from 1 to max: 0 with *out set, or -1. */
static int parse_count(const char *text, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] < '0' || text[0] > '9' || v < 1 || v > max)
		return -1;
	*out = (unsigned int) v;
	return 0;
}

#define MAX_THREADS 1024

static int set_threads(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF];

	if (parse_count(arg, MAX_THREADS, &o->relay.threads))
		return udo_cli_usage("--threads=\"%s\": use a number of threads from 1 to %d",
		                     udo_quote(q, sizeof(q), arg), MAX_THREADS);
	return -1;
}

static int set_max_connections(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF];

	if (parse_count(arg, INT_MAX, &o->relay.max_conns))
		return udo_cli_usage("--max-connections=\"%s\": use a number from 1 to %d",
		                     udo_quote(q, sizeof(q), arg), INT_MAX);
	return -1;
}

static int set_idle_timeout(struct udo_cli_opts *o, const char *arg)
{
	char q[UDO_QUOTE_BUF];

	if (udo_cli_parse_duration(arg, &o->relay.idle_ms) || !o->relay.idle_ms)
		return udo_cli_usage("--idle-timeout=\"%s\": use a duration such as 500ms, 30s "
		                     "or 2m, above 0 (at most 2147483647 ms)",
		                     udo_quote(q, sizeof(q), arg));
	return -1;
}

static int set_fdpass(struct udo_cli_opts *o, const char *arg)
{
	(void) arg;
	o->fdpass = true;
	return -1;
}

static int set_seqpacket(struct udo_cli_opts *o, const char *arg)
{
	(void) arg;
	o->seqpacket = true;
	return -1;
}

static int show_help(struct udo_cli_opts *o, const char *arg)
{
	(void) o;
	(void) arg;
	help();
	return udo_cli_stdout_done();
}

static int show_version(struct udo_cli_opts *o, const char *arg)
{
	(void) o;
	(void) arg;
	printf(UDO_CLI_PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
	return udo_cli_stdout_done();
}

/* Every option: its spelling, and what it sets (-1: go on, else an exit
 * status). Which command takes which is the commands' tables (main.c). */
struct cli_option {
	struct option lo;
	int (*set)(struct udo_cli_opts *o, const char *arg);
};

static const struct cli_option options[] = {
	{ { "transport", required_argument, NULL, 't' }, set_transport },
	{ { "keep-open", no_argument, NULL, 'k' }, set_keep_open },
	{ { "print-port", no_argument, NULL, 'p' }, set_print_port },
	{ { "verbose", no_argument, NULL, 'v' }, set_verbose },
	{ { "copy", required_argument, NULL, UDO_CLI_OPT_COPY }, set_copy },
	{ { "buffer", required_argument, NULL, UDO_CLI_OPT_BUFFER }, set_buffer },
	{ { "connect-timeout", required_argument, NULL, UDO_CLI_OPT_CONNECT_TIMEOUT },
	  set_connect_timeout },
	{ { "wait", required_argument, NULL, UDO_CLI_OPT_WAIT }, set_wait },
	{ { "stop-timeout", required_argument, NULL, UDO_CLI_OPT_STOP_TIMEOUT }, set_stop_timeout },
	{ { "threads", required_argument, NULL, UDO_CLI_OPT_THREADS }, set_threads },
	{ { "max-connections", required_argument, NULL, UDO_CLI_OPT_MAX_CONNECTIONS },
	  set_max_connections },
	{ { "idle-timeout", required_argument, NULL, UDO_CLI_OPT_IDLE_TIMEOUT }, set_idle_timeout },
	{ { "fdpass", no_argument, NULL, UDO_CLI_OPT_FDPASS }, set_fdpass },
	{ { "allow-from", required_argument, NULL, UDO_CLI_OPT_ALLOW_FROM }, set_allow_from },
	{ { "seqpacket", no_argument, NULL, UDO_CLI_OPT_SEQPACKET }, set_seqpacket },
	{ { "help", no_argument, NULL, 'h' }, show_help },
	{ { "version", no_argument, NULL, 'V' }, show_version },
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static bool takes(const int *opts, int val)
{
	const int *v;

	if (!opts)
		return true; /* no command yet: every option is known */
	if (val == 'h' || val == 'V')
		return true;
	for (v = opts; *v; v++)
		if (*v == val)
			return true;
	return false;
}

/* getopt_long's tables for opts (NULL: every option): lo ends with zeros. */
static void option_table(const int *opts, struct option *lo, char *shorts)
{
	size_t i, n = 0;
	char *s = shorts;

	*s++ = ':';
	for (i = 0; i < N_OPTIONS; i++) {
		if (!takes(opts, options[i].lo.val))
			continue;
		lo[n++] = options[i].lo;
		if (options[i].lo.val < 256) {
			*s++ = (char) options[i].lo.val;
			if (options[i].lo.has_arg == required_argument)
				*s++ = ':';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	*s = '\0';
}

/* The option getopt_long refused: "-k" or "--fdpass" (without its value). */
static const char *refused(char **argv, char *buf, size_t len)
{
	const char *w = argv[optind - 1];

	/* A short one: optind may still be on its word ("-ttcp"). */
	if (optopt > 0 && optopt < 256)
		snprintf(buf, len, "-%c", optopt);
	else
		snprintf(buf, len, "%.*s", (int) strcspn(w, "="), w);
	return buf;
}

int udo_cli_parse_options(int argc, char **argv, const char *cmd, const int *opts,
                          struct udo_cli_opts *o)
{
	struct option lo[N_OPTIONS + 1];
	char shorts[2 * N_OPTIONS + 2], q[UDO_QUOTE_BUF], word[64];
	size_t i;
	int c, r;

	option_table(opts, lo, shorts);
	optind = 0; /* glibc: start over, permuting again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == ':')
			return udo_cli_usage("option \"%s\" needs a value",
			                     udo_quote(q, sizeof(q), argv[optind - 1]));
		if (c == '?') {
			refused(argv, word, sizeof(word));
			if (cmd)
				return udo_cli_usage("option \"%s\" does not apply to %s",
				                     udo_quote(q, sizeof(q), word), cmd);
			if (optopt >= '0' && optopt <= '9')
				return udo_cli_usage("unknown option \"%s\" (for -1 write any, "
				                     "or put -- before it)",
				                     udo_quote(q, sizeof(q), argv[optind - 1]));
			return udo_cli_usage("unknown option \"%s\"",
			                     udo_quote(q, sizeof(q), argv[optind - 1]));
		}
		for (i = 0; i < N_OPTIONS; i++) {
			if (options[i].lo.val != c || (!cmd && c != 'h' && c != 'V'))
				continue;
			r = options[i].set(o, optarg);
			if (r >= 0)
				return r;
		}
	}
	return -1;
}

