/* SPDX-License-Identifier: MIT */
/*
 * A program written and compiled against the 0.2 header (t/compat/0.2, a
 * copy of include/udo/vsock-tcp.h as released) runs unchanged on this
 * library: streams, caller memory, the 0.2 connect timeout.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* Fails to compile if the new header were used (it declares this name as
 * a function): the build must take t/compat/0.2/udo/vsock-tcp.h. */
enum { udo_vsock_tcp_get_type = 0 };

static void a_stream_round_trip_works_as_in_0_2(void **state)
{
	struct t_pair p = t_pair_open();
	char got[5];

	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, "hello", 5, NULL), 5);
	t_recv_all(p.conn, got, 5);
	assert_memory_equal(got, "hello", 5);
	t_send_all(p.conn, "back", 4);
	t_recv_all(udo_vsock_tcp_get_fd(p.c), got, 4);
	assert_memory_equal(got, "back", 4);
	t_pair_close(&p);
}

static void caller_memory_of_get_sizeof_bytes_holds_a_context(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(s),
	};
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create(mem, &info);
	int conn;

	assert_ptr_equal(c, mem);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 5000), 0);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = t_accept(s);
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

	return T_RUN(tests);
}
