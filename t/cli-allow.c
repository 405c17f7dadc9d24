/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock relay --allow-from (cli/allow.c): the list's parser and its
 * matcher, table-driven. Each list fits one kind of listener (CIDs on
 * vsock, addresses and prefixes on tcp, uids and user names on unix);
 * malformed entries and entries of the wrong kind are refused with a
 * message that quotes them; a peer matches exactly what the list covers,
 * ranges and prefixes included, overlaps harmless, IPv4 peers reported as
 * IPv4-mapped IPv6 (a listener on [::]) matched by IPv4 entries. Refused
 * peers are counted, the first said at once and its repeats summed up.
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "allow.h"

/* Lists that do not parse, and a piece of the message each must give. */
static const struct {
	const char *list, *says;
} malformed[] = {
	{ "", "an empty entry" },
	{ "3,,4", "an empty entry" },
	{ "3,", "an empty entry" },
	{ ",3", "an empty entry" },
	{ "9-5", "entry \"9-5\" is a range that runs backwards" },
	{ "5-", "entry \"5-\" is not a range" },
	{ "-5", "entry \"-5\" is not a range" },
	{ "1-2-3", "entry \"1-2-3\" is not a range" },
	{ "4294967296", "entry \"4294967296\" is not a number" },
	{ "0-99999999999", "is not a range" },
	{ "10.0.0.0/33", "entry \"10.0.0.0/33\" has a prefix length that is not 0 to 32" },
	{ "::/129", "not 0 to 128" },
	{ "10.0.0.0/", "prefix length" },
	{ "10.0.0.0/x", "prefix length" },
	{ "10.0.0.0/-1", "prefix length" },
	{ "1.2.3.300", "entry \"1.2.3.300\" is not an IPv4 or IPv6 address" },
	{ "1.2.3", "is not an IPv4 or IPv6 address" },
	{ "fe80::1%eth0", "is not an IPv4 or IPv6 address" },
	{ ":::", "is not an IPv4 or IPv6 address" },
	{ "foo bar", "entry \"foo bar\" is not a number, range, address, prefix or user name" },
	{ "3;rm", "is not a number" },
	{ " 3", "is not a number" },
	{ "+3", "is not a number" },
	{ "a\nb", "entry \"a\\nb\"" },
};

static void malformed_lists_are_refused_quoted(void **state)
{
	char err[1024];
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct udo_cli_allow *a;

		err[0] = '\0';
		a = udo_cli_allow_parse(malformed[i].list, err, sizeof(err));
		if (a || !strstr(err, malformed[i].says))
			fail_msg("\"%s\": parsed %s, message \"%s\" (want \"%s\")", malformed[i].list,
			         a ? "fine" : "not", err, malformed[i].says);
		if (strchr(err, '\n'))
			fail_msg("\"%s\": the message is not one line", malformed[i].list);
	}
}

/* Lists that parse but do not fit a kind of listener. */
static const struct {
	const char *list;
	enum udo_cli_addr_kind kind;
	const char *says;
} misfits[] = {
	{ "10.0.0.0/8", UDO_CLI_ADDR_VSOCK, "entry \"10.0.0.0/8\" is not a CID" },
	{ "3,::1", UDO_CLI_ADDR_VSOCK, "entry \"::1\" is not a CID" },
	{ "root", UDO_CLI_ADDR_VSOCK, "entry \"root\" is not a CID" },
	{ "3", UDO_CLI_ADDR_TCP, "entry \"3\" is not an address" },
	{ "127.0.0.1,5-9", UDO_CLI_ADDR_TCP, "entry \"5-9\" is not an address" },
	{ "root", UDO_CLI_ADDR_TCP, "is not an address" },
	{ "127.0.0.1", UDO_CLI_ADDR_UNIX, "entry \"127.0.0.1\" is an address" },
	{ "no-such-user-here", UDO_CLI_ADDR_UNIX, "entry \"no-such-user-here\": look up the user" },
};

static void lists_of_another_kind_do_not_fit(void **state)
{
	char err[1024];
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(misfits) / sizeof(misfits[0]); i++) {
		struct udo_cli_allow *a = udo_cli_allow_parse(misfits[i].list, err, sizeof(err));

		if (!a)
			fail_msg("\"%s\" does not parse: %s", misfits[i].list, err);
		err[0] = '\0';
		if (!udo_cli_allow_fit(a, misfits[i].kind, err, sizeof(err)) ||
		    !strstr(err, misfits[i].says))
			fail_msg("\"%s\" on kind %d: message \"%s\" (want \"%s\")", misfits[i].list,
			         (int) misfits[i].kind, err, misfits[i].says);
		udo_cli_allow_free(a);
	}
}

static struct udo_cli_peer peer_cid(uint32_t cid)
{
	struct udo_cli_peer p = { .kind = UDO_CLI_ADDR_VSOCK, .cid = cid };

	return p;
}

static struct udo_cli_peer peer_uid(uid_t uid)
{
	struct udo_cli_peer p = { .kind = UDO_CLI_ADDR_UNIX, .cid = 1, .has_uid = true, .uid = uid };

	return p;
}

/* A tcp peer: an IPv4 text as sockaddr_in, anything else as sockaddr_in6. */
static struct udo_cli_peer peer_ip(const char *text)
{
	struct udo_cli_peer p = { .kind = UDO_CLI_ADDR_TCP };
	struct sockaddr_in *in = (struct sockaddr_in *) &p.sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &p.sa;

	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(40000);
		p.salen = sizeof(*in);
	} else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(40000);
		p.salen = sizeof(*in6);
	} else {
		fail_msg("bad test address %s", text);
	}
	return p;
}

struct match_case {
	const char *list;
	enum udo_cli_addr_kind kind;
	const char *peer;      /* a CID or uid in decimal, or an address */
	bool allowed;
};

static const struct match_case cases[] = {
	/* vsock: CIDs and ranges, ends included, overlaps harmless */
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "3", true },
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "4", false },
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "5", true },
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "7", true },
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "9", true },
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "10", false },
	{ "3,5-9", UDO_CLI_ADDR_VSOCK, "1", false },
	{ "5-9,7-12,3-3", UDO_CLI_ADDR_VSOCK, "12", true },
	{ "5-9,7-12,3-3", UDO_CLI_ADDR_VSOCK, "3", true },
	{ "5-9,7-12,3-3", UDO_CLI_ADDR_VSOCK, "13", false },
	{ "1", UDO_CLI_ADDR_VSOCK, "1", true },
	{ "0", UDO_CLI_ADDR_VSOCK, "0", true },
	{ "0-4294967295", UDO_CLI_ADDR_VSOCK, "4294967295", true },
	{ "4294967295", UDO_CLI_ADDR_VSOCK, "4294967294", false },
	{ "007", UDO_CLI_ADDR_VSOCK, "7", true },
	/* unix: uids and ranges */
	{ "0", UDO_CLI_ADDR_UNIX, "0", true },
	{ "0", UDO_CLI_ADDR_UNIX, "1000", false },
	{ "1000-1999", UDO_CLI_ADDR_UNIX, "1500", true },
	{ "1000-1999", UDO_CLI_ADDR_UNIX, "2000", false },
	{ "root", UDO_CLI_ADDR_UNIX, "0", true },
	{ "root", UDO_CLI_ADDR_UNIX, "1", false },
	/* tcp: addresses and prefixes, IPv4 and IPv6 */
	{ "127.0.0.1", UDO_CLI_ADDR_TCP, "127.0.0.1", true },
	{ "127.0.0.1", UDO_CLI_ADDR_TCP, "127.0.0.2", false },
	{ "10.0.0.0/8", UDO_CLI_ADDR_TCP, "10.255.1.2", true },
	{ "10.0.0.0/8", UDO_CLI_ADDR_TCP, "11.0.0.0", false },
	{ "10.1.2.3/8", UDO_CLI_ADDR_TCP, "10.9.9.9", true },     /* host bits ignored */
	{ "192.168.1.128/25", UDO_CLI_ADDR_TCP, "192.168.1.255", true },
	{ "192.168.1.128/25", UDO_CLI_ADDR_TCP, "192.168.1.127", false },
	{ "192.168.1.0/31", UDO_CLI_ADDR_TCP, "192.168.1.1", true },
	{ "192.168.1.0/31", UDO_CLI_ADDR_TCP, "192.168.1.2", false },
	{ "0.0.0.0/0", UDO_CLI_ADDR_TCP, "203.0.113.7", true },
	{ "0.0.0.0/0", UDO_CLI_ADDR_TCP, "::1", false },           /* IPv4 only */
	{ "10.0.0.0/8,10.1.0.0/16", UDO_CLI_ADDR_TCP, "10.1.2.3", true },
	{ "::1", UDO_CLI_ADDR_TCP, "::1", true },
	{ "::1", UDO_CLI_ADDR_TCP, "::2", false },
	{ "::1", UDO_CLI_ADDR_TCP, "127.0.0.1", false },
	{ "fd00::/8", UDO_CLI_ADDR_TCP, "fdab:1::5", true },
	{ "fd00::/8", UDO_CLI_ADDR_TCP, "fe80::1", false },
	{ "2001:db8::/33", UDO_CLI_ADDR_TCP, "2001:db8:7fff::1", true },
	{ "2001:db8::/33", UDO_CLI_ADDR_TCP, "2001:db8:8000::1", false },
	{ "::/0", UDO_CLI_ADDR_TCP, "2001:db8::1", true },
	/* a listener on [::] reports an IPv4 peer as ::ffff:a.b.c.d */
	{ "127.0.0.1", UDO_CLI_ADDR_TCP, "::ffff:127.0.0.1", true },
	{ "127.0.0.1", UDO_CLI_ADDR_TCP, "::ffff:127.0.0.2", false },
	{ "10.0.0.0/8", UDO_CLI_ADDR_TCP, "::ffff:10.20.30.40", true },
	{ "10.0.0.0/8", UDO_CLI_ADDR_TCP, "::ffff:11.0.0.1", false },
	{ "::ffff:10.0.0.0/104", UDO_CLI_ADDR_TCP, "10.3.3.3", true },
	{ "::ffff:10.0.0.1", UDO_CLI_ADDR_TCP, "10.0.0.1", true },
	/* an IPv4 entry is not the IPv4-compatible or another v6 form */
	{ "10.0.0.1", UDO_CLI_ADDR_TCP, "::10.0.0.1", false },
};

static struct udo_cli_peer peer_of(const struct match_case *c)
{
	if (c->kind == UDO_CLI_ADDR_TCP)
		return peer_ip(c->peer);
	if (c->kind == UDO_CLI_ADDR_UNIX)
		return peer_uid((uid_t) strtoul(c->peer, NULL, 10));
	return peer_cid((uint32_t) strtoul(c->peer, NULL, 10));
}

static void peers_match_what_the_list_covers(void **state)
{
	char err[1024];
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct match_case *c = &cases[i];
		struct udo_cli_allow *a = udo_cli_allow_parse(c->list, err, sizeof(err));
		struct udo_cli_peer p;

		if (!a)
			fail_msg("\"%s\" does not parse: %s", c->list, err);
		if (udo_cli_allow_fit(a, c->kind, err, sizeof(err)))
			fail_msg("\"%s\" does not fit kind %d: %s", c->list, (int) c->kind, err);
		p = peer_of(c);
		if (udo_cli_allow_match(a, &p) != c->allowed)
			fail_msg("--allow-from=%s, peer %s: %s, want %s", c->list, c->peer,
			         c->allowed ? "refused" : "allowed", c->allowed ? "allowed" : "refused");
		udo_cli_allow_free(a);
	}
}

/* A unix peer whose uid the kernel did not tell is never let in. */
static void a_unix_peer_without_credentials_is_refused(void **state)
{
	char err[256];
	struct udo_cli_allow *a = udo_cli_allow_parse("0-4294967295", err, sizeof(err));
	struct udo_cli_peer p = peer_uid(0);

	(void) state;
	assert_non_null(a);
	assert_int_equal(udo_cli_allow_fit(a, UDO_CLI_ADDR_UNIX, err, sizeof(err)), 0);
	assert_true(udo_cli_allow_match(a, &p));
	p.has_uid = false;
	assert_false(udo_cli_allow_match(a, &p));
	udo_cli_allow_free(a);
}

/* Refusals are counted; the first is said at once, naming the listener and
 * the peer, and its repeats are not each said again. */
static void refusals_are_counted_and_said_once(void **state)
{
	char err[256], path[] = "/tmp/udo-cli-allow.XXXXXX", log[4096];
	struct udo_cli_allow *a = udo_cli_allow_parse("127.0.0.1", err, sizeof(err));
	struct udo_cli_peer in = peer_ip("127.0.0.1"), out = peer_ip("10.0.0.1");
	unsigned long long before = udo_cli_allow_refused();
	int fd = mkstemp(path), saved = dup(STDERR_FILENO), i, firsts = 0;
	ssize_t n;
	char *line;

	(void) state;
	assert_non_null(a);
	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	dup2(fd, STDERR_FILENO);
	assert_true(udo_cli_allow_admit(a, -1, &in, "tcp 127.0.0.1:40000", "tcp 127.0.0.1:5000"));
	for (i = 0; i < 5; i++)
		assert_false(udo_cli_allow_admit(a, -1, &out, "tcp 10.0.0.1:40000", "tcp 127.0.0.1:5000"));
	assert_true(udo_cli_allow_admit(a, -1, &in, "tcp 127.0.0.1:40001", "tcp 127.0.0.1:5000"));
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(udo_cli_allow_refused() - before, 5);
	n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	assert_true(n > 0);
	log[n] = '\0';
	/* A summary may follow on a machine slow enough to take 5 s here. */
	for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strcmp(line, "udo-vsock: relay on tcp 127.0.0.1:5000: refused tcp "
		            "10.0.0.1:40000: not in --allow-from"))
			firsts++;
		else if (!strstr(line, "refused peers not in --allow-from ("))
			fail_msg("unexpected line \"%s\"", line);
	}
	assert_int_equal(firsts, 1);
	udo_cli_allow_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_lists_are_refused_quoted),
		cmocka_unit_test(lists_of_another_kind_do_not_fit),
		cmocka_unit_test(peers_match_what_the_list_covers),
		cmocka_unit_test(a_unix_peer_without_credentials_is_refused),
		cmocka_unit_test(refusals_are_counted_and_said_once),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
