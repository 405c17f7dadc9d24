/* SPDX-License-Identifier: MIT */
/*
 * The commands: listen and connect (a stream between standard input and
 * output and one connection), relay, transports, local-cid.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "addr.h"
#include "allow.h"
#include "cli.h"
#include "commands.h"
#include "endpoint.h"
#include "quote.h"
#include "relay.h"
#include "say.h"
#include "stream.h"
#include "transports.h"
#include "activate.h"
#include "fdpass.h"
#include "relay-service.h"

/*
 * The command line's settings for address a: --transport for a vsock: one
 * (unix: and hybrid: name their own), the type. --seqpacket needs the
 * library's kinds (vsock, unix, hybrid carry messages); a tcp: address is a
 * stream. 0, or a usage error's status.
 */
static int set_type(const struct udo_cli_opts *o, struct udo_cli_addr *a, const char *what)
{
	char text[UDO_CLI_ADDR_TEXT_MAX];

	if (a->kind == UDO_CLI_ADDR_VSOCK)
		a->transport = o->transport;
	a->type = o->seqpacket ? SOCK_SEQPACKET : SOCK_STREAM;
	if (!o->seqpacket || UDO_CLI_ADDR_IS_LIB(a))
		return 0;
	return udo_cli_usage("%s: --seqpacket needs vsock, unix or hybrid addresses: %s is a "
	                     "stream (TCP keeps no message boundaries)%s", what,
	                     udo_cli_addr_format(a, text, sizeof(text)),
	                     strcmp(what, "relay") ? "" : "; a relay between a seqpacket end "
	                     "and a stream end would lose them");
}

/* A hybrid address reaches a guest through its VMM: a connect end only. */
static int connect_only(const struct udo_cli_addr *a, const char *what)
{
	char text[UDO_CLI_ADDR_TEXT_MAX];

	if (a->kind != UDO_CLI_ADDR_HYBRID)
		return 0;
	return udo_cli_usage("%s: %s is a VMM's socket to connect through, not one to listen "
	                     "on", what, udo_cli_addr_format(a, text, sizeof(text)));
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

static void announce(const struct udo_cli_opts *o, const struct udo_cli_listener *l)
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

int udo_cli_cmd_listen(const struct udo_cli_opts *o, int argc, char **argv)
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
		return udo_cli_usage("listen: %s", err);
	if (set_type(o, &a, "listen") || connect_only(&a, "listen"))
		return UDO_CLI_EXIT_USAGE;
	if (udo_cli_listen(&l, &a, o->keep_open ? 0 : 1, err, sizeof(err)))
		return udo_cli_failure(err);
	announce(o, &l);
	do {
		fd = udo_cli_accept(&l, peer, sizeof(peer), NULL, 0, err, sizeof(err));
		if (fd < 0) {
			status = udo_cli_failure(err);
			break;
		}
		/* One connection: later clients are refused, not left waiting. */
		if (!o->keep_open)
			udo_cli_listener_close(&l);
		if (o->verbose)
			udo_cli_say("connection from %s", peer);
		if (udo_cli_stream(fd, peer, &io, err, sizeof(err)))
			status = udo_cli_failure(err);
		close(fd);
	} while (o->keep_open);
	udo_cli_listener_close(&l);
	return status;
}

int udo_cli_cmd_connect(const struct udo_cli_opts *o, int argc, char **argv)
{
	struct udo_cli_stdio io = {
		.in = STDIN_FILENO, .out = STDOUT_FILENO, .close_out = true,
		.seqpacket = o->seqpacket,
	};
	char err[UDO_CLI_ERR_MAX], peer[UDO_CLI_ADDR_TEXT_MAX + 16];
	struct udo_cli_target t;
	struct udo_cli_conn c;
	struct udo_cli_addr a;
	char q[UDO_QUOTE_BUF];
	int r;

	if (argc == 1 && !strchr(argv[0], ':'))
		return udo_cli_usage("connect takes CID PORT or one ADDRESS, not just \"%s\"",
		                     udo_quote(q, sizeof(q), argv[0]));
	r = argc == 2 ? udo_cli_parse_cid_port(argv[0], argv[1], 0, &a, err, sizeof(err))
	              : udo_cli_parse_addr(argv[0], 0, &a, err, sizeof(err));
	if (r)
		return udo_cli_usage("connect: %s", err);
	if (set_type(o, &a, "connect"))
		return UDO_CLI_EXIT_USAGE;
	if (o->fdpass && udo_cli_fdpass_check(STDOUT_FILENO, err, sizeof(err)))
		return udo_cli_failure(err);
	if (udo_cli_target_init(&t, &a, o->connect_timeout_ms, o->wait_set ? o->wait_ms : 0,
	                        err, sizeof(err)))
		return udo_cli_failure(err);
	if (udo_cli_connect(&t, &c, err, sizeof(err))) {
		udo_cli_target_free(&t);
		return udo_cli_failure(err);
	}
	if (o->fdpass) {
		r = udo_cli_fdpass(STDOUT_FILENO, c.fd, err, sizeof(err));
		udo_cli_conn_close(&c);
		udo_cli_target_free(&t);
		return r ? udo_cli_failure(err) : UDO_CLI_EXIT_OK;
	}
	if (c.ctx)
		snprintf(peer, sizeof(peer), "%s %s", udo_vsock_tcp_get_transport(c.ctx),
		         strchr(t.where, ':') + 1);
	else
		snprintf(peer, sizeof(peer), "%s", t.where);
	if (o->verbose)
		udo_cli_say("connected to %s", peer);
	r = udo_cli_stream(c.fd, peer, &io, err, sizeof(err));
	udo_cli_conn_close(&c);
	udo_cli_target_free(&t);
	return r ? udo_cli_failure(err) : UDO_CLI_EXIT_OK;
}

/* --allow-from names peers the way a listener of this kind knows them:
 * 0, or a usage error's status naming the option, its value, the listener. */
static int allow_fits(const struct udo_cli_opts *o, enum udo_cli_addr_kind kind,
                      const char *listener)
{
	char err[UDO_CLI_ERR_MAX], q[UDO_QUOTE_BUF];

	if (!o->relay.allow || !udo_cli_allow_fit(o->relay.allow, kind, err, sizeof(err)))
		return 0;
	return udo_cli_usage("relay: --allow-from=\"%s\" on %s: %s",
	                     udo_quote(q, sizeof(q), o->allow_from), listener, err);
}

int udo_cli_cmd_relay(const struct udo_cli_opts *o, int argc, char **argv)
{
	char err[UDO_CLI_ERR_MAX];
	struct udo_cli_addr la, ta;
	struct udo_cli_listener one, *l = &one;
	struct udo_cli_target t;
	struct udo_cli_relay_opts ro;
	bool passed = !strcmp(argv[0], UDO_CLI_PASSED);
	size_t n = 1, i;
	int status, r;

	(void) argc;
	if (!passed && udo_cli_parse_addr(argv[0], UDO_CLI_ANY_PORT, &la, err, sizeof(err)))
		return udo_cli_usage("relay: listen %s", err);
	if (udo_cli_parse_addr(argv[1], 0, &ta, err, sizeof(err)))
		return udo_cli_usage("relay: target %s", err);
	if ((!passed && (set_type(o, &la, "relay") || connect_only(&la, "relay: listen"))) ||
	    set_type(o, &ta, "relay"))
		return UDO_CLI_EXIT_USAGE;
	if (!passed && allow_fits(o, la.kind, udo_cli_addr_format(&la, err, sizeof(err))))
		return UDO_CLI_EXIT_USAGE;
	/* A message is one read: the buffer must hold the largest (vsock's
	 * 256 KiB by default), and splice would merge messages. */
	if (o->seqpacket && ((o->relay.copy_set && o->relay.copy == UDO_CLI_COPY_SPLICE) ||
	                     o->relay.buffer < 262144))
		return udo_cli_usage("relay: --seqpacket copies whole messages: it takes neither "
		                     "--copy=splice nor a --buffer below 262144");
	if (udo_cli_target_init(&t, &ta, o->connect_timeout_ms, o->wait_set ? o->wait_ms : 0,
	                        err, sizeof(err)))
		return udo_cli_failure(err);
	/* "passed": one relay listener per socket systemd passed. */
	r = passed ? udo_cli_listen_passed(&l, &n, ta.type, err, sizeof(err))
	           : udo_cli_listen(l, &la, 0, err, sizeof(err));
	if (r) {
		udo_cli_target_free(&t);
		return r == -2 ? udo_cli_usage("relay %s: %s", UDO_CLI_PASSED, err)
		               : udo_cli_failure(err);
	}
	for (i = 0; i < n; i++) {
		if (passed && allow_fits(o, l[i].addr.kind, l[i].where)) {
			status = UDO_CLI_EXIT_USAGE;
			goto close;
		}
		if (!udo_cli_target_is_listener(&t, &l[i]))
			continue;
		udo_cli_say("relay %s -> %s: the target is the relay's own address: each "
		            "connection would be relayed to itself", l[i].where, t.where);
		status = UDO_CLI_EXIT_FAILURE;
		goto close;
	}
	for (i = 0; i < n; i++)
		announce(o, &l[i]);
	ro = o->relay;
	if (o->seqpacket)
		ro.copy = UDO_CLI_COPY_READ;
	ro.wait_set = o->wait_set;
	ro.wait_ms = o->wait_ms;
	status = udo_cli_relay_service(l, n, &t, &ro, o->stop_ms);
	if (l != &one)
		free(l);
	udo_cli_target_free(&t);
	return status ? UDO_CLI_EXIT_FAILURE : UDO_CLI_EXIT_OK;
close:
	for (i = 0; i < n; i++)
		udo_cli_listener_close(&l[i]);
	if (l != &one)
		free(l);
	udo_cli_target_free(&t);
	return status;
}

int udo_cli_cmd_transports(const struct udo_cli_opts *o, int argc, char **argv)
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
	return udo_cli_stdout_done();
}

int udo_cli_cmd_local_cid(const struct udo_cli_opts *o, int argc, char **argv)
{
	uint32_t cid = udo_vsock_tcp_get_local_vcid();

	(void) o;
	(void) argc;
	(void) argv;
	if (cid == UINT32_MAX)
		return udo_cli_failure("no local CID: /dev/vsock is missing or does not report one "
		               "(no vsock on this machine)");
	printf("%u\n", cid);
	return udo_cli_stdout_done();
}
