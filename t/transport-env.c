/* SPDX-License-Identifier: MIT */
/* UDO_VSOCK_TCP_TRANSPORT picks the transport; anything unknown is refused
 * with EINVAL and a message naming the allowed values, never a silent pick.
 * The variable is what it tests, so it sets it (setenv), never opts. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static char *saved;

static int restore(void **state)
{
	if (saved)
		setenv("UDO_VSOCK_TCP_TRANSPORT", saved, 1);
	else
		unsetenv("UDO_VSOCK_TCP_TRANSPORT");
	return 0;
}

static void unknown_transport_fails_server_create(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());
	int before = t_count_fds();

	setenv("UDO_VSOCK_TCP_TRANSPORT", "carrier-pigeon", 1);
	errno = 0;
	assert_null(udo_vsock_tcp_server_create(NULL, &si));
	assert_int_equal(errno, EINVAL);
	assert_null(udo_vsock_tcp_server_create(mem, &si));
	t_assert_error(mem, EINVAL, "\"carrier-pigeon\"");
	t_assert_error(mem, EINVAL, "vsock, tcp, hybrid, unix or auto");
	assert_int_equal(t_count_fds(), before);
	free(mem);
}

static void unknown_transport_fails_client_create(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());

	setenv("UDO_VSOCK_TCP_TRANSPORT", "TCP ", 1);
	assert_null(udo_vsock_tcp_client_create(mem, &ci));
	t_assert_error(mem, EINVAL, "UDO_VSOCK_TCP_TRANSPORT");
	free(mem);
}

static void tcp_is_used_when_asked(void **state)
{
	struct udo_vsock_tcp *s, *c;
	int conn;

	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp", 1);
	s = t_server();
	c = t_client(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "tcp");
	assert_string_equal(udo_vsock_tcp_get_transport(c), "tcp");
	conn = t_accept(s);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void auto_uses_vsock_only_where_loopback_is_served(void **state)
{
	const char *want = t_have_vsock_loopback() ? "vsock" : "tcp";

	setenv("UDO_VSOCK_TCP_TRANSPORT", "auto", 1);
	assert_string_equal(t_transport(), want);
	unsetenv("UDO_VSOCK_TCP_TRANSPORT");
	assert_string_equal(t_transport(), want);
	setenv("UDO_VSOCK_TCP_TRANSPORT", "", 1);
	assert_string_equal(t_transport(), want);
}

static void auto_server_and_client_on_cid_1_meet(void **state)
{
	struct udo_vsock_tcp *s, *c;
	int conn;

	setenv("UDO_VSOCK_TCP_TRANSPORT", "auto", 1);
	s = t_server();
	c = t_client(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s), udo_vsock_tcp_get_transport(c));
	conn = t_accept(s);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void auto_does_not_fall_back_on_a_refused_connect(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	struct udo_vsock_tcp *c;
	const char *before;

	setenv("UDO_VSOCK_TCP_TRANSPORT", "auto", 1);
	ci.port = t_unused_port();
	c = udo_vsock_tcp_client_create(NULL, &ci);
	assert_non_null(c);
	before = udo_vsock_tcp_get_transport(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(udo_log_get_error_code(c), t_refused_errno(before));
	assert_string_equal(udo_vsock_tcp_get_transport(c), before);
	udo_vsock_tcp_destroy(c);
}

int main(void)
{
	const char *env = getenv("UDO_VSOCK_TCP_TRANSPORT");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(unknown_transport_fails_server_create, restore),
		cmocka_unit_test_teardown(unknown_transport_fails_client_create, restore),
		cmocka_unit_test_teardown(tcp_is_used_when_asked, restore),
		cmocka_unit_test_teardown(auto_uses_vsock_only_where_loopback_is_served, restore),
		cmocka_unit_test_teardown(auto_server_and_client_on_cid_1_meet, restore),
		cmocka_unit_test_teardown(auto_does_not_fall_back_on_a_refused_connect, restore),
	};

	saved = env ? strdup(env) : NULL;
	return T_RUN(tests);
}
