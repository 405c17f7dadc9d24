/* SPDX-License-Identifier: MIT */
/*
 * A program written and compiled against the 0.3 header (t/compat/0.3, a
 * copy of include/udo/vsock-tcp.h as released) runs unchanged on this
 * library: seqpacket creates, the transport from UDO_VSOCK_TCP_TRANSPORT,
 * the connect wait, caller memory of get_sizeof() bytes. It links none of
 * the test helpers (they use the 0.4 functions), so, like a program built
 * before 0.4, it needs only the UDO_VSOCK_TCP_0.1 to 0.3 symbols.
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
 * a function): the build must take t/compat/0.3/udo/vsock-tcp.h. */
enum { udo_vsock_tcp_transport_name = 0 };

static struct udo_vsock_tcp *server(int type)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create_type(NULL, &info, type);

	if (!s)
		fail_msg("server (type %d) on CID 1: %s", type, strerror(errno));
	return s;
}

static void a_unix_seqpacket_round_trip_works_as_in_0_3(void **state)
{
	struct udo_vsock_tcp *s, *c;
	struct udo_vsock_tcp_client_create_info info = { .vcid = VMADDR_CID_LOCAL };
	char got[8];
	int conn;

	/* A 0.3 program has no opts: the variable is how it names unix. */
	setenv("UDO_VSOCK_TCP_TRANSPORT", "unix", 1);
	s = server(SOCK_SEQPACKET);
	info.port = udo_vsock_tcp_get_port(s);
	c = udo_vsock_tcp_client_create_type(NULL, &info, SOCK_SEQPACKET);
	unsetenv("UDO_VSOCK_TCP_TRANSPORT");
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "unix");
	assert_int_equal(udo_vsock_tcp_get_type(c), SOCK_SEQPACKET);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	assert_int_equal(udo_vsock_tcp_client_send_data(c, "one", 3, NULL), 3);
	assert_int_equal(udo_vsock_tcp_client_send_data(c, "two", 3, NULL), 3);
	/* Message boundaries: one receive, one message. */
	assert_int_equal(udo_vsock_tcp_recv_data(conn, got, sizeof(got), NULL), 3);
	assert_memory_equal(got, "one", 3);
	assert_int_equal(udo_vsock_tcp_recv_data(conn, got, sizeof(got), NULL), 3);
	assert_memory_equal(got, "two", 3);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void the_connect_wait_and_caller_memory_work_as_in_0_3(void **state)
{
	struct udo_vsock_tcp *s = server(SOCK_STREAM);
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = VMADDR_CID_LOCAL, .port = udo_vsock_tcp_get_port(s),
	};
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create(mem, &info);
	int conn;

	assert_ptr_equal(c, mem);
	assert_int_equal(udo_vsock_tcp_get_type(c), SOCK_STREAM);
	assert_int_equal(udo_vsock_tcp_set_connect_wait(c, 5000), 0);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 5000), 0);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	assert_int_equal(udo_vsock_tcp_client_send_data(c, "x", 1, NULL), 1);
	close(conn);
	udo_vsock_tcp_destroy(c);
	test_free(mem);
	udo_vsock_tcp_destroy(s);
	(void) udo_vsock_tcp_transport_name;
}

static void a_bad_type_is_still_einval(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = 1 };

	errno = 0;
	assert_null(udo_vsock_tcp_client_create_type(NULL, &info, SOCK_DGRAM));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_unix_seqpacket_round_trip_works_as_in_0_3),
		cmocka_unit_test(the_connect_wait_and_caller_memory_work_as_in_0_3),
		cmocka_unit_test(a_bad_type_is_still_einval),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
