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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "addr.h"
#include "cli.h"
#include "endpoint.h"
#include "relay.h"
#include "stream.h"
#include "transports.h"

#define PROG "udo-vsock"

struct opts {
	const char *transport;        /* --transport, or NULL */
	bool keep_open;
	bool print_port;
	bool verbose;
	bool seqpacket;               /* --seqpacket: message sockets */
	struct udo_cli_relay_opts relay;
};

struct command {
	const char *name;
	const char *alias;
	int min_args, max_args;
	int (*run)(const struct opts *o, int argc, char **argv);
	const char *args;             /* for messages: "[CID] PORT" */
};

void udo_cli_say(const char *fmt, ...)
{
	char line[UDO_CLI_ERR_MAX + 256];
	va_list ap;
	int n = snprintf(line, sizeof(line), PROG ": ");

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t) n - 1, fmt, ap);
	va_end(ap);
	if ((size_t) n > sizeof(line) - 2)
		n = (int) sizeof(line) - 2;
	line[n++] = '\n';
	while (write(STDERR_FILENO, line, (size_t) n) < 0 && errno == EINTR)
		;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	char msg[UDO_CLI_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	udo_cli_say("%s (see " PROG " --help)", msg);
	return UDO_CLI_EXIT_USAGE;
}

static int failure(const char *msg)
{
	udo_cli_say("%s", msg);
	return UDO_CLI_EXIT_FAILURE;
}

/*
 * --seqpacket: the address is a SOCK_SEQPACKET one. Only vsock addresses
 * (through the library: vsock, or unix as its local fallback) carry
 * messages; a tcp: address is a stream. 0, or a usage error's status.
 */
static int set_type(const struct opts *o, struct udo_cli_addr *a, const char *what)
{
	char text[UDO_CLI_ADDR_TEXT_MAX];

	a->type = o->seqpacket ? SOCK_SEQPACKET : SOCK_STREAM;
	if (!o->seqpacket || a->kind == UDO_CLI_ADDR_VSOCK)
		return 0;
	return usage_error("%s: --seqpacket needs vsock addresses: %s is a stream (TCP keeps "
	                   "no message boundaries)%s", what,
	                   udo_cli_addr_format(a, text, sizeof(text)),
	                   strcmp(what, "relay") ? "" : "; a relay between a seqpacket end "
	                   "and a stream end would lose them");
}

static void help(void)
{
	printf(
	"Usage: " PROG " [OPTION]... COMMAND [ARGUMENT]...\n"
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
	"                        many at once (alias: proxy)\n"
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
	"  -t, --transport=NAME  vsock, tcp, hybrid or auto (default:\n"
	"                        $" UDO_CLI_TRANSPORT_ENV ", or auto)\n"
	"  -k, --keep-open       listen: serve connections one after another\n"
	"  -p, --print-port      listen, relay: print the port bound on standard error\n"
	"  -v, --verbose         report connections on standard error\n"
	"      --copy=MODE       relay: read (default) or splice\n"
	"      --buffer=BYTES    relay: bytes moved per call (default 262144)\n"
	"      --seqpacket       SOCK_SEQPACKET (vsock addresses only): message\n"
	"                        boundaries kept; each read of standard input is one\n"
	"                        message (at most 65536 bytes)\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 failure (one line on standard error says what\n"
	"failed), 2 usage error. See udo-vsock(1).\n");
}

/* listen's address: [CID] PORT, or one address. */
static int listen_addr(int argc, char **argv, struct udo_cli_addr *a, char *err, size_t len)
{
	if (argc == 2)
		return udo_cli_parse_cid_port(argv[0], argv[1], UDO_CLI_ANY_PORT, a, err, len);
	if (strchr(argv[0], ':'))
		return udo_cli_parse_addr(argv[0], UDO_CLI_ANY_PORT, a, err, len);
	return udo_cli_parse_cid_port("any", argv[0], UDO_CLI_ANY_PORT, a, err, len);
}

static void announce(const struct opts *o, const struct udo_cli_listener *l)
{
	char line[32];
	int n;

	if (o->print_port) {
		n = snprintf(line, sizeof(line), "%u\n", (uint32_t) l->port);
		while (write(STDERR_FILENO, line, (size_t) n) < 0 && errno == EINTR)
			;
	}
	if (o->verbose)
		udo_cli_say("listening on %s", l->where);
}

static int cmd_listen(const struct opts *o, int argc, char **argv)
{
	struct udo_cli_stdio io = {
		.in = STDIN_FILENO, .out = STDOUT_FILENO, .close_out = !o->keep_open,
		.seqpacket = o->seqpacket,
	};
	char err[UDO_CLI_ERR_MAX], peer[UDO_CLI_ADDR_TEXT_MAX + 16];
	struct udo_cli_listener l;
	struct udo_cli_addr a;
	int fd, status = UDO_CLI_EXIT_OK;

	if (listen_addr(argc, argv, &a, err, sizeof(err)))
		return usage_error("listen: %s", err);
	if (set_type(o, &a, "listen"))
		return UDO_CLI_EXIT_USAGE;
	if (udo_cli_listen(&l, &a, o->keep_open ? 0 : 1, err, sizeof(err)))
		return failure(err);
	announce(o, &l);
	do {
		fd = udo_cli_accept(&l, peer, sizeof(peer), err, sizeof(err));
		if (fd < 0) {
			status = failure(err);
			break;
		}
		/* One connection: later clients are refused, not left waiting. */
		if (!o->keep_open)
			udo_cli_listener_close(&l);
		if (o->verbose)
			udo_cli_say("connection from %s", peer);
		if (udo_cli_stream(fd, peer, &io, err, sizeof(err)))
			status = failure(err);
		close(fd);
	} while (o->keep_open);
	udo_cli_listener_close(&l);
	return status;
}

static int cmd_connect(const struct opts *o, int argc, char **argv)
{
	struct udo_cli_stdio io = {
		.in = STDIN_FILENO, .out = STDOUT_FILENO, .close_out = true,
		.seqpacket = o->seqpacket,
	};
	char err[UDO_CLI_ERR_MAX], peer[UDO_CLI_ADDR_TEXT_MAX + 16];
	struct udo_cli_target t;
	struct udo_cli_conn c;
	struct udo_cli_addr a;
	int r;

	if (argc == 1 && !strchr(argv[0], ':'))
		return usage_error("connect takes CID PORT or one ADDRESS, not just \"%.64s\"",
		                   argv[0]);
	r = argc == 2 ? udo_cli_parse_cid_port(argv[0], argv[1], 0, &a, err, sizeof(err))
	              : udo_cli_parse_addr(argv[0], 0, &a, err, sizeof(err));
	if (r)
		return usage_error("connect: %s", err);
	if (set_type(o, &a, "connect"))
		return UDO_CLI_EXIT_USAGE;
	if (udo_cli_target_init(&t, &a, err, sizeof(err)))
		return failure(err);
	if (udo_cli_connect(&t, &c, err, sizeof(err))) {
		udo_cli_target_free(&t);
		return failure(err);
	}
	if (c.ctx)
		snprintf(peer, sizeof(peer), "%s %s", udo_vsock_tcp_get_transport(c.ctx),
		         t.where + strlen("vsock:"));
	else
		snprintf(peer, sizeof(peer), "%s", t.where);
	if (o->verbose)
		udo_cli_say("connected to %s", peer);
	r = udo_cli_stream(c.fd, peer, &io, err, sizeof(err));
	udo_cli_conn_close(&c);
	udo_cli_target_free(&t);
	return r ? failure(err) : UDO_CLI_EXIT_OK;
}

static int cmd_relay(const struct opts *o, int argc, char **argv)
{
	char err[UDO_CLI_ERR_MAX];
	struct udo_cli_addr la, ta;
	struct udo_cli_listener l;
	struct udo_cli_target t;

	if (udo_cli_parse_addr(argv[0], UDO_CLI_ANY_PORT, &la, err, sizeof(err)))
		return usage_error("relay: listen %s", err);
	if (udo_cli_parse_addr(argv[1], 0, &ta, err, sizeof(err)))
		return usage_error("relay: target %s", err);
	if (set_type(o, &la, "relay") || set_type(o, &ta, "relay"))
		return UDO_CLI_EXIT_USAGE;
	/* A message is one read: the buffer must hold the largest (vsock's
	 * 256 KiB by default), and splice would merge messages. */
	if (o->seqpacket && (o->relay.copy == UDO_CLI_COPY_SPLICE || o->relay.buffer < 262144))
		return usage_error("relay: --seqpacket copies whole messages: it takes neither "
		                   "--copy=splice nor a --buffer below 262144");
	if (udo_cli_target_init(&t, &ta, err, sizeof(err)))
		return failure(err);
	if (udo_cli_listen(&l, &la, 0, err, sizeof(err))) {
		udo_cli_target_free(&t);
		return failure(err);
	}
	announce(o, &l);
	udo_cli_relay(&l, &t, &o->relay);
	udo_cli_listener_close(&l);
	udo_cli_target_free(&t);
	return UDO_CLI_EXIT_FAILURE;
}

static int cmd_transports(const struct opts *o, int argc, char **argv)
{
	const char *env = getenv(UDO_CLI_TRANSPORT_ENV);

	(void) argc;
	(void) argv;
	if (o->transport)
		udo_cli_transports_show(stdout, o->transport, "--transport");
	else if (env && *env)
		udo_cli_transports_show(stdout, env, UDO_CLI_TRANSPORT_ENV);
	else
		udo_cli_transports_show(stdout, "auto", "default");
	return fflush(stdout) == 0 ? UDO_CLI_EXIT_OK : UDO_CLI_EXIT_FAILURE;
}

static int cmd_local_cid(const struct opts *o, int argc, char **argv)
{
	uint32_t cid = udo_vsock_tcp_get_local_vcid();

	(void) o;
	(void) argc;
	(void) argv;
	if (cid == UINT32_MAX)
		return failure("no local CID: /dev/vsock is missing or does not report one "
		               "(no vsock on this machine)");
	printf("%u\n", cid);
	return fflush(stdout) == 0 ? UDO_CLI_EXIT_OK : UDO_CLI_EXIT_FAILURE;
}

static const struct command commands[] = {
	{ "listen", NULL, 1, 2, cmd_listen, "[CID] PORT" },
	{ "connect", NULL, 1, 2, cmd_connect, "CID PORT" },
	{ "relay", "proxy", 2, 2, cmd_relay, "LISTEN TARGET" },
	{ "transports", NULL, 0, 0, cmd_transports, "" },
	{ "local-cid", NULL, 0, 0, cmd_local_cid, "" },
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

enum { OPT_COPY = 256, OPT_BUFFER, OPT_SEQPACKET };

static const struct option long_options[] = {
	{ "transport", required_argument, NULL, 't' },
	{ "keep-open", no_argument, NULL, 'k' },
	{ "print-port", no_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "copy", required_argument, NULL, OPT_COPY },
	{ "buffer", required_argument, NULL, OPT_BUFFER },
	{ "seqpacket", no_argument, NULL, OPT_SEQPACKET },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Options anywhere on the line; returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct opts *o)
{
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
				return usage_error("--copy=\"%.64s\": use splice or read", optarg);
			break;
		case OPT_BUFFER:
			if (parse_size(optarg, &o->relay.buffer))
				return usage_error("--buffer=\"%.64s\": use a number of bytes "
				                   "from 4096 to 67108864", optarg);
			break;
		case OPT_SEQPACKET:
			o->seqpacket = true;
			break;
		case 'h':
			help();
			return fflush(stdout) == 0 ? UDO_CLI_EXIT_OK : UDO_CLI_EXIT_FAILURE;
		case 'V':
			printf(PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
			return fflush(stdout) == 0 ? UDO_CLI_EXIT_OK : UDO_CLI_EXIT_FAILURE;
		case ':':
			return usage_error("option \"%.64s\" needs a value", argv[optind - 1]);
		default:
			if (optopt >= '0' && optopt <= '9')
				return usage_error("unknown option \"%.64s\" (for -1 write any, "
				                   "or put -- before it)", argv[optind - 1]);
			return usage_error("unknown option \"%.64s\"", argv[optind - 1]);
		}
	}
	return -1;
}

/* --transport, or the variable as the user set it: known, or a usage error. */
static int select_transport(const struct opts *o)
{
	const char *env = getenv(UDO_CLI_TRANSPORT_ENV);

	if (o->transport) {
		if (!udo_cli_transport_known(o->transport))
			return usage_error("unknown transport \"%.64s\" (--transport): use %s",
			                   o->transport, udo_cli_transport_choices());
		if (setenv(UDO_CLI_TRANSPORT_ENV, o->transport, 1) < 0)
			return failure("set " UDO_CLI_TRANSPORT_ENV ": out of memory");
	} else if (env && *env && !udo_cli_transport_known(env)) {
		return usage_error("unknown transport \"%.64s\" (" UDO_CLI_TRANSPORT_ENV "): use %s",
		                   env, udo_cli_transport_choices());
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.relay = { .copy = UDO_CLI_COPY_READ, .buffer = 256 * 1024 },
	};
	const struct command *cmd;
	int r, nargs;

	r = parse_options(argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind >= argc)
		return usage_error("no command: use listen, connect, relay, transports or local-cid");
	cmd = find_command(argv[optind]);
	if (!cmd)
		return usage_error("unknown command \"%.64s\": use listen, connect, relay, "
		                   "transports or local-cid", argv[optind]);
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args)
		return usage_error("%s takes %s%s", cmd->name,
		                   *cmd->args ? cmd->args : "no arguments",
		                   cmd->min_args == 1 && cmd->max_args == 2 ? " or one ADDRESS" : "");
	r = select_transport(&o);
	if (r >= 0)
		return r;
	return cmd->run(&o, nargs, argv + optind + 1);
}
