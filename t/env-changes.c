/* SPDX-License-Identifier: MIT */
/* Each create reads the environment afresh: a program may change the
 * library's variables between creates (setenv, unsetenv, or a putenv
 * string edited in place), and the next create follows. The variables are
 * what it tests, so it sets them (setenv), never opts. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common.h"

#define MAP "UDO_VSOCK_TCP_MAP"

static int clear_map(void **state)
{
	unsetenv(MAP);
	return 0;
}

/* The address a server on CID 42 binds, as text. */
static void server_42_binds(const char *want)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create(NULL, &si);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char got[INET_ADDRSTRLEN];

	assert_non_null(s);
	assert_int_equal(getsockname(udo_vsock_tcp_get_fd(s), (struct sockaddr *) &sin, &len), 0);
	assert_non_null(inet_ntop(AF_INET, &sin.sin_addr, got, sizeof(got)));
	assert_string_equal(got, want);
	udo_vsock_tcp_destroy(s);
}

static void a_map_edited_in_place_is_read_at_the_next_create(void **state)
{
	static char var[] = MAP "=42=127.0.0.2";

	assert_int_equal(putenv(var), 0);
	server_42_binds("127.0.0.2");
	/* Same length, same string in the environment: only a byte differs. */
	var[sizeof(var) - 2] = '3';
	server_42_binds("127.0.0.3");
	unsetenv(MAP);
}

static void a_map_set_then_unset_is_followed(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };

	setenv(MAP, "42=127.0.0.4", 1);
	server_42_binds("127.0.0.4");
	setenv(MAP, "7=127.0.0.5, 42=127.0.0.5", 1);
	server_42_binds("127.0.0.5");
	unsetenv(MAP);
	errno = 0;
	assert_null(udo_vsock_tcp_server_create(NULL, &si));
	assert_int_equal(errno, EADDRNOTAVAIL);
}

static void a_transport_changed_between_creates_is_followed(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp *s;

	setenv("UDO_VSOCK_TCP_TRANSPORT", "carrier-pigeon", 1);
	errno = 0;
	assert_null(udo_vsock_tcp_server_create(NULL, &si));
	assert_int_equal(errno, EINVAL);
	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp", 1);
	s = udo_vsock_tcp_server_create(NULL, &si);
	assert_non_null(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "tcp");
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(a_map_edited_in_place_is_read_at_the_next_create,
		                          clear_map),
		cmocka_unit_test_teardown(a_map_set_then_unset_is_followed, clear_map),
		cmocka_unit_test_teardown(a_transport_changed_between_creates_is_followed,
		                          clear_map),
	};

	/* The map is the tcp transport's: name it whatever the suite runs. */
	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp", 1);
	unsetenv(MAP);
	return T_RUN(tests);
}
