/* SPDX-License-Identifier: MIT */
/* Every fd the library opens is close-on-exec: server, client, accepted. */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "common.h"

static void assert_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	assert_true(flags >= 0);
	assert_true(flags & FD_CLOEXEC);
}

static void server_fd_is_cloexec(void **state)
{
	struct udo_vsock_tcp *s = t_server();

	assert_cloexec(udo_vsock_tcp_get_fd(s));
	udo_vsock_tcp_destroy(s);
}

static void client_fd_is_cloexec_before_and_after_connect(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID,
	                                                .port = udo_vsock_tcp_get_port(s) };
	struct udo_vsock_tcp *c = t_client_create(NULL, &ci, 0);

	assert_non_null(c);
	assert_cloexec(udo_vsock_tcp_get_fd(c));
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	assert_cloexec(udo_vsock_tcp_get_fd(c));
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void accepted_fd_is_cloexec(void **state)
{
	struct t_pair p = t_pair_open();

	assert_cloexec(p.conn);
	t_pair_close(&p);
}

static void socket_reopened_after_failed_connect_is_cloexec(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID,
	                                                .port = udo_vsock_tcp_get_port(s) };
	struct udo_vsock_tcp *c;

	udo_vsock_tcp_destroy(s); /* nobody listens on that port now */
	c = t_client_create(NULL, &ci, 0);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_true(udo_vsock_tcp_get_fd(c) >= 0);
	assert_cloexec(udo_vsock_tcp_get_fd(c));
	udo_vsock_tcp_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_fd_is_cloexec),
		cmocka_unit_test(client_fd_is_cloexec_before_and_after_connect),
		cmocka_unit_test(accepted_fd_is_cloexec),
		cmocka_unit_test(socket_reopened_after_failed_connect_is_cloexec),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
