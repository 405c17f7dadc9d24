/* SPDX-License-Identifier: MIT */
/*
 * A program written and compiled against the 0.2 header (t/compat/0.2, a
 * copy of include/udo/vsock-tcp.h as released) runs unchanged on this
 * library: streams, caller memory, the 0.2 connect timeout. It links none
 * of the test helpers (they use the 0.3 functions), so, like a program
 * built before 0.3, it needs only the UDO_VSOCK_TCP_0.1 and 0.2 symbols.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <udo/vsock-tcp.h>

/* Fails to compile if the new header were used (it declares this name as
 * a function): the build must take t/compat/0.2/udo/vsock-tcp.h. */
enum { udo_vsock_tcp_get_type = 0 };

static struct udo_vsock_tcp *server(void)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create(NULL, &info);

	if (!s)
		fail_msg("server on CID 1: %s", strerror(errno));
	return s;
}

static void a_stream_round_trip_works_as_in_0_2(void **state)
{
	struct udo_vsock_tcp *s = server();
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = VMADDR_CID_LOCAL, .port = udo_vsock_tcp_get_port(s),
	};
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create(NULL, &info);
	char got[8];
	int conn;

	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	assert_int_equal(udo_vsock_tcp_client_send_data(c, "hello", 5, NULL), 5);
	assert_int_equal(udo_vsock_tcp_recv_data(conn, got, 5, NULL), 5);
	assert_memory_equal(got, "hello", 5);
	assert_int_equal(udo_vsock_tcp_send_data(conn, "back", 4, NULL), 4);
	assert_int_equal(udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(c), got, 4, NULL), 4);
	assert_memory_equal(got, "back", 4);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void caller_memory_of_get_sizeof_bytes_holds_a_context(void **state)
{
	struct udo_vsock_tcp *s = server();
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = VMADDR_CID_LOCAL, .port = udo_vsock_tcp_get_port(s),
	};
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create(mem, &info);
	int conn;

	assert_ptr_equal(c, mem);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 5000), 0);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	assert_int_equal(udo_vsock_tcp_client_send_data(c, "x", 1, NULL), 1);
	close(conn);
	udo_vsock_tcp_destroy(c);
	test_free(mem);
	udo_vsock_tcp_destroy(s);
	(void) udo_vsock_tcp_get_type;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_stream_round_trip_works_as_in_0_2),
		cmocka_unit_test(caller_memory_of_get_sizeof_bytes_holds_a_context),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
