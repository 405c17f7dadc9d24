/* SPDX-License-Identifier: MIT */
/* Contexts in the caller's memory: used as given, never freed, errors readable. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static void *caller_block(void)
{
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());

	assert_non_null(mem);
	memset(mem, 0x5a, (size_t) udo_vsock_tcp_get_sizeof()); /* garbage, as callers have */
	return mem;
}

static void server_and_client_live_in_caller_memory(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	void *smem = caller_block(), *cmem = caller_block();
	struct udo_vsock_tcp *s, *c;
	char buf[3];
	int conn;

	s = t_server_create(smem, &si, 0);
	assert_ptr_equal(s, smem);
	ci.port = udo_vsock_tcp_get_port(s);
	c = t_client_create(cmem, &ci, 0);
	assert_ptr_equal(c, cmem);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = t_accept(s);
	t_send_all(udo_vsock_tcp_get_fd(c), "abc", 3);
	t_recv_all(conn, buf, 3);
	assert_memory_equal(buf, "abc", 3);
	close(conn);
	/* destroy closes but must not free: the allocator would catch a free
	 * of memory it still hands back to us below. */
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	assert_int_equal(udo_vsock_tcp_get_fd(c), -1);
	free(cmem);
	free(smem);
}

static void failed_create_leaves_the_error_in_caller_memory(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = -1 };
	void *mem = caller_block();

	assert_null(t_client_create(mem, &ci, 0));
	assert_int_equal(udo_log_get_error_code(mem), EINVAL);
	assert_non_null(strstr(udo_log_get_error(mem), "port"));
	assert_int_equal(udo_vsock_tcp_get_fd(mem), -1);
	free(mem);
}

static void successful_create_clears_stale_errors(void **state)
{
	struct udo_vsock_tcp_client_create_info bad = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_client_create_info good = { .vcid = T_CID, .port = 9 };
	void *mem = caller_block();

	assert_null(t_client_create(mem, &bad, 0));
	assert_non_null(t_client_create(mem, &good, 0));
	assert_int_equal(udo_log_get_error_code(mem), 0);
	assert_string_equal(udo_log_get_error(mem), "");
	udo_vsock_tcp_destroy(mem);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_and_client_live_in_caller_memory),
		cmocka_unit_test(failed_create_leaves_the_error_in_caller_memory),
		cmocka_unit_test(successful_create_clears_stale_errors),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
