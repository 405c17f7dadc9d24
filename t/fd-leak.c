/* SPDX-License-Identifier: MIT */
/* Hundreds of cycles, successful or failed, leave the fd count unchanged. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define CYCLES 300

static void connect_accept_destroy_cycles_leak_no_fd(void **state)
{
	struct udo_vsock_tcp *s = t_server(), *c;
	int before = t_count_fds(), i, conn;

	for (i = 0; i < CYCLES; i++) {
		c = t_client(s);
		conn = t_accept(s);
		close(conn);
		udo_vsock_tcp_destroy(c);
	}
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(s);
}

static void server_create_destroy_cycles_leak_no_fd(void **state)
{
	int before = t_count_fds(), i;

	for (i = 0; i < CYCLES; i++)
		udo_vsock_tcp_destroy(t_server());
	assert_int_equal(t_count_fds(), before);
}

static void failed_connects_on_fresh_contexts_leak_no_fd(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = t_unused_port() };
	int before = t_count_fds(), i;

	for (i = 0; i < CYCLES; i++) {
		struct udo_vsock_tcp *c = t_client_create(NULL, &ci, 0);

		assert_non_null(c);
		assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
		udo_vsock_tcp_destroy(c);
	}
	assert_int_equal(t_count_fds(), before);
}

static void failed_connect_retries_on_one_context_leak_no_fd(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = t_unused_port() };
	struct udo_vsock_tcp *c = t_client_create(NULL, &ci, 0);
	int before = t_count_fds(), i;

	assert_non_null(c);
	for (i = 0; i < CYCLES; i++)
		assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	/* The context holds one socket, ready for the next try: no more. */
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(c);
}

static void failed_creates_leak_no_fd(void **state)
{
	/* Inputs no transport accepts: a client for "any port", no info, and
	 * an unknown transport. */
	struct udo_vsock_tcp_client_create_info bad_client = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_server_create_info server = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_opts unknown = UDO_VSOCK_TCP_OPTS_INIT;
	int before = t_count_fds(), i;

	unknown.transport = "no-such-transport";
	for (i = 0; i < CYCLES; i++) {
		assert_null(t_client_create(NULL, &bad_client, 0));
		assert_null(t_server_create(NULL, NULL, 0));
	}
	for (i = 0; i < CYCLES; i++)
		assert_null(udo_vsock_tcp_server_create_opts(NULL, &server, &unknown));
	assert_int_equal(t_count_fds(), before);
}

static void bind_failures_leak_no_fd(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp_server_create_info taken = { .vcid = T_CID,
	                                                   .port = udo_vsock_tcp_get_port(s) };
	int before = t_count_fds(), i;

	for (i = 0; i < CYCLES; i++)
		assert_null(t_server_create(NULL, &taken, 0));
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(connect_accept_destroy_cycles_leak_no_fd),
		cmocka_unit_test(server_create_destroy_cycles_leak_no_fd),
		cmocka_unit_test(failed_connects_on_fresh_contexts_leak_no_fd),
		cmocka_unit_test(failed_connect_retries_on_one_context_leak_no_fd),
		cmocka_unit_test(failed_creates_leak_no_fd),
		cmocka_unit_test(bind_failures_leak_no_fd),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
