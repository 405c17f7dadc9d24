/* SPDX-License-Identifier: MIT */
/*
 * A tcp server for a host name with more than one address, in a root whose
 * /etc the test writes itself (t/names.h): it binds the first address, in
 * the resolver's order, that exists on this machine, and never moves on from
 * one in use. Runs with UDO_VSOCK_TCP_TRANSPORT=tcp.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "common.h"
#include "names.h"

static int server_binds_first(void *arg, char *why, size_t len)
{
	setenv(T_MAP, "42=localhost", 1);
	return t_names_round_trip(42, 42, AF_INET6, why, len);
}

static void a_server_on_a_name_binds_its_first_address(void **state)
{
	t_names_run(&t_stock_root, server_binds_first, NULL);
}

/* 192.0.2.1 (TEST-NET-1) is on no machine: a bind to it fails, and nothing
 * here ever connects to it. */
static const char *const elsewhere_addrs[] = { "192.0.2.1", "127.0.0.1" };
static const struct t_etc_file elsewhere_files[] = {
	{ "hosts", "127.0.0.1 localhost\n192.0.2.1 udo-elsewhere\n127.0.0.1 udo-elsewhere\n" },
	{ "gai.conf", "precedence ::1/128 50\n"
	              "precedence ::/0 40\n"
	              "precedence ::ffff:0:0/96 35\n"
	              "precedence ::ffff:192.0.2.1/128 60\n"
	              "precedence 2002::/16 30\n"
	              "precedence ::/96 20\n" },
	{ NULL, NULL },
};
static const struct t_names_root elsewhere = {
	elsewhere_files, "udo-elsewhere", elsewhere_addrs, 2, false,
};

static int server_skips_absent(void *arg, char *why, size_t len)
{
	/* The client dials 127.0.0.1 itself, never 192.0.2.1. */
	setenv(T_MAP, "42=udo-elsewhere,43=127.0.0.1", 1);
	return t_names_round_trip(42, 43, AF_INET, why, len);
}

static void a_server_skips_an_address_not_on_this_machine(void **state)
{
	t_names_run(&elsewhere, server_skips_absent, NULL);
}

static int server_in_use(void *arg, char *why, size_t len)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42 };
	int taken, v4, one = 1;
	char want[128];
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());

	/* The port is ours on both addresses; 127.0.0.1's socket does not
	 * listen and lets others bind beside it, so a server that moved on
	 * there would be created. */
	si.port = t_port_free_on_both(&taken, &v4);
	CHECK(si.port > 0, "no port free on both ::1 and 127.0.0.1 in 1000 tries");
	CHECK(listen(taken, 1) == 0, "listen on [::1]: %s", strerror(errno));
	CHECK(setsockopt(v4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0,
	      "SO_REUSEADDR: %s", strerror(errno));
	setenv(T_MAP, "42=localhost", 1);
	snprintf(want, sizeof(want), "bind to tcp 42:%d (localhost: [::1]:%d): ", si.port,
	         si.port);
	CHECK(mem, "no memory");
	CHECK(!t_server_create(mem, &si, 0) &&
	      udo_log_get_error_code(mem) == EADDRINUSE && strstr(udo_log_get_error(mem), want),
	      "server on 42:%d with [::1]:%d taken: expected EADDRINUSE and \"%s\", got %u "
	      "\"%s\"", si.port, si.port, want, udo_log_get_error_code(mem),
	      udo_log_get_error(mem));
	/* 127.0.0.1 was left alone: nothing listens there. */
	CHECK(listen(v4, 1) == 0, "127.0.0.1:%d was taken: %s", si.port, strerror(errno));
	close(v4);
	close(taken);
	free(mem);
	return T_BODY_OK;
}

static void a_server_does_not_move_on_from_an_address_in_use(void **state)
{
	t_names_run(&t_stock_root, server_in_use, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_server_on_a_name_binds_its_first_address),
		cmocka_unit_test(a_server_skips_an_address_not_on_this_machine),
		cmocka_unit_test(a_server_does_not_move_on_from_an_address_in_use),
	};

	/* These are the tcp transport's rules, whatever the suite runs on. */
	t_use_transport("tcp");
	unsetenv(T_MAP);
	return T_RUN(tests);
}
