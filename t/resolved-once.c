/* SPDX-License-Identifier: MIT */
/*
 * Settings are resolved once, at create: the context keeps its own copy,
 * so changing or clearing every variable afterwards, or freeing the
 * options' strings, changes nothing a live context does (connect, its
 * retries, accept mapping a peer back to a CID). The variables are what it
 * changes, so it sets them (setenv).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define VAR(name) "UDO_VSOCK_TCP_" name

static const char *const vars[] = {
	VAR("TRANSPORT"), VAR("MAP"), VAR("UDS"), VAR("CONNECT_TIMEOUT_MS"),
	VAR("CONNECT_WAIT_MS"),
};

/* Every variable set to a value that would fail a create, or change it. */
static void spoil_every_variable(void)
{
	setenv(VAR("TRANSPORT"), "carrier-pigeon", 1);
	setenv(VAR("MAP"), "42=[not an address", 1);
	setenv(VAR("UDS"), "42", 1);
	setenv(VAR("CONNECT_TIMEOUT_MS"), "never", 1);
	setenv(VAR("CONNECT_WAIT_MS"), "soon", 1);
}

static void clear_every_variable(void)
{
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

static int cleanup(void **state)
{
	clear_every_variable();
	return 0;
}

/* A tcp server on CID 1 made from opts alone, on port (-1: any). */
static struct udo_vsock_tcp *tcp_server(int port)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = port };
	struct udo_vsock_tcp *s;

	o.flags = UDO_VSOCK_TCP_OPT_NO_ENV;
	o.transport = "tcp";
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &o);
	if (!s)
		fail_msg("tcp server on port %d: %s", port, strerror(errno));
	return s;
}

/* A failed connect of c, made for a CID mapped to "localhost" and a wait. */
static void refused_as_created(struct udo_vsock_tcp *c)
{
	const char *msg;

	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, ECONNREFUSED);
	msg = udo_log_get_error(c);
	/* The map of the create: its host name, looked up again at each try. */
	if (!strstr(msg, "connect to tcp 42:") || !strstr(msg, "localhost: "))
		fail_msg("not the create's map: %s", msg);
	/* The wait of the create: more than one attempt. */
	assert_non_null(strstr(msg, "gave up waiting for the listener"));
	assert_in_range(t_wait_attempts(msg), 2, 100);
}

static void connect_and_retries_keep_the_settings_of_the_create(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 42 };
	struct udo_vsock_tcp *s = tcp_server(-1), *c;
	int conn;

	ci.port = udo_vsock_tcp_get_port(s);
	udo_vsock_tcp_destroy(s);
	setenv(VAR("TRANSPORT"), "tcp", 1);
	setenv(VAR("MAP"), "42=localhost", 1);
	setenv(VAR("CONNECT_WAIT_MS"), "200", 1);
	c = udo_vsock_tcp_client_create(NULL, &ci);
	assert_non_null(c);

	spoil_every_variable();
	refused_as_created(c);
	clear_every_variable();
	refused_as_created(c);

	s = tcp_server(ci.port);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect once the server listens: %s", udo_log_get_error(c));
	assert_string_equal(udo_vsock_tcp_get_transport(c), "tcp");
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

/* An IPv4 address of this machine outside 127/8, or false. */
static bool own_ipv4(char *out, size_t len)
{
	struct ifaddrs *list, *a;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return false;
	for (a = list; a && !found; a = a->ifa_next) {
		const struct sockaddr_in *in = (const void *) a->ifa_addr;

		if (!in || in->sin_family != AF_INET ||
		    (ntohl(in->sin_addr.s_addr) >> 24) == 127)
			continue;
		found = inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t) len) != NULL;
	}
	freeifaddrs(list);
	return found;
}

static void accept_maps_peers_back_with_the_map_of_the_create(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 42 };
	struct udo_vsock_tcp *s, *c;
	struct sockaddr_vm peer;
	char ip[INET_ADDRSTRLEN], map[64];
	int round, conn;

	if (!own_ipv4(ip, sizeof(ip))) {
		printf("# SKIP: no IPv4 address outside loopback here\n");
		skip();
	}
	snprintf(map, sizeof(map), "42=%s", ip);
	setenv(VAR("TRANSPORT"), "tcp", 1);
	setenv(VAR("MAP"), map, 1);
	s = udo_vsock_tcp_server_create(NULL, &si);
	if (!s)
		fail_msg("tcp server on %s: %s", ip, strerror(errno));
	o.flags = UDO_VSOCK_TCP_OPT_NO_ENV;
	o.transport = "tcp";
	o.tcp_map = map;
	ci.port = udo_vsock_tcp_get_port(s);
	for (round = 0; round < 2; round++) {
		/* Another CID for that address, then no map at all. */
		if (round == 0) {
			snprintf(map, sizeof(map), "43=%s", ip);
			setenv(VAR("MAP"), map, 1);
			snprintf(map, sizeof(map), "42=%s", ip);
		} else {
			clear_every_variable();
		}
		c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
		assert_non_null(c);
		if (udo_vsock_tcp_client_connect(c) != 0)
			fail_msg("connect to %s: %s", ip, udo_log_get_error(c));
		conn = udo_vsock_tcp_server_accept(s, &peer);
		assert_true(conn >= 0);
		assert_int_equal(peer.svm_cid, 42);
		close(conn);
		udo_vsock_tcp_destroy(c);
	}
	udo_vsock_tcp_destroy(s);
}

/* Strings of the options, freed (and scribbled over first) once the create returned. */
static char *scratch(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static void scrap(char *p)
{
	memset(p, 'x', strlen(p));
	free(p);
}

static void options_and_their_strings_may_be_freed_after_the_create(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 42 };
	struct udo_vsock_tcp_opts *o = calloc(1, sizeof(*o));
	struct udo_vsock_tcp *s, *c;
	char *transport, *map;
	int conn;

	assert_non_null(o);
	o->size = sizeof(*o);
	o->flags = UDO_VSOCK_TCP_OPT_NO_ENV;
	o->transport = transport = scratch("tcp");
	o->tcp_map = map = scratch("42=localhost");
	s = udo_vsock_tcp_server_create_opts(NULL, &si, o);
	ci.port = udo_vsock_tcp_get_port(s);
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, o);
	scrap(transport);
	scrap(map);
	memset(o, 0xff, sizeof(*o));
	free(o);
	assert_non_null(s);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "tcp");
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect: %s", udo_log_get_error(c));
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(connect_and_retries_keep_the_settings_of_the_create,
		                          cleanup),
		cmocka_unit_test_teardown(accept_maps_peers_back_with_the_map_of_the_create,
		                          cleanup),
		cmocka_unit_test_teardown(options_and_their_strings_may_be_freed_after_the_create,
		                          cleanup),
	};

	clear_every_variable();
	return T_RUN(tests);
}
