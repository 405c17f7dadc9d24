/* SPDX-License-Identifier: MIT */
/* Bad input gets a clear error and never a crash: NULL pointers, closed fds,
 * contexts used for the wrong role. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static void server_create_null_info_returns_null_einval(void **state)
{
	errno = 0;
	assert_null(udo_vsock_tcp_server_create(NULL, NULL));
	assert_int_equal(errno, EINVAL);
}

static void client_create_null_info_returns_null_einval(void **state)
{
	errno = 0;
	assert_null(udo_vsock_tcp_client_create(NULL, NULL));
	assert_int_equal(errno, EINVAL);
}

static void null_info_error_is_readable_from_caller_memory(void **state)
{
	char *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *ctx = (struct udo_vsock_tcp *) mem;

	assert_null(udo_vsock_tcp_client_create(ctx, NULL));
	assert_int_equal(udo_log_get_error_code(ctx), EINVAL);
	assert_non_null(strstr(udo_log_get_error(ctx), "vsock_info is NULL"));
	assert_int_equal(udo_vsock_tcp_get_fd(ctx), -1);
	udo_vsock_tcp_destroy(ctx); /* must not free caller memory */
	free(mem);
}

static void null_context_calls_fail_cleanly(void **state)
{
	char buf[4];

	assert_int_equal(udo_vsock_tcp_server_accept(NULL, NULL), -1);
	assert_int_equal(udo_vsock_tcp_client_connect(NULL), -1);
	assert_int_equal(udo_vsock_tcp_client_send_data(NULL, buf, sizeof(buf), NULL), -EINVAL);
	udo_vsock_tcp_destroy(NULL);
}

static void getters_on_null_return_documented_values(void **state)
{
	assert_int_equal(udo_vsock_tcp_get_fd(NULL), -1);
	assert_int_equal(udo_vsock_tcp_get_vcid(NULL), UINT32_MAX);
	assert_int_equal(udo_vsock_tcp_get_port(NULL), -1);
	assert_null(udo_vsock_tcp_get_transport(NULL));
	assert_null(udo_log_get_error(NULL));
	assert_int_equal(udo_log_get_error_code(NULL), UINT32_MAX);
}

static void null_buffers_give_einval(void **state)
{
	int fds[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(udo_vsock_tcp_send_data(fds[0], NULL, 4, NULL), -EINVAL);
	assert_int_equal(udo_vsock_tcp_recv_data(fds[1], NULL, 4, NULL), -EINVAL);
	close(fds[0]);
	close(fds[1]);
}

static void closed_fd_gives_ebadf(void **state)
{
	char buf[4] = "abc";
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(fd); /* fd is now closed and not reused before the calls */
	assert_int_equal(udo_vsock_tcp_send_data(fd, buf, sizeof(buf), NULL), -EBADF);
	assert_int_equal(udo_vsock_tcp_recv_data(fd, buf, sizeof(buf), NULL), -EBADF);
	assert_int_equal(udo_vsock_tcp_send_data(-1, buf, sizeof(buf), NULL), -EBADF);
}

static void accept_on_a_client_context_is_refused(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = 1 };
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create(NULL, &info);

	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_server_accept(c, NULL), -1);
	assert_int_equal(udo_log_get_error_code(c), EINVAL);
	assert_non_null(strstr(udo_log_get_error(c), "not a server context"));
	udo_vsock_tcp_destroy(c);
}

static void connect_on_a_server_context_is_refused(void **state)
{
	struct udo_vsock_tcp *s = t_server();

	assert_int_equal(udo_vsock_tcp_client_connect(s), -1);
	assert_int_equal(udo_log_get_error_code(s), EINVAL);
	assert_non_null(strstr(udo_log_get_error(s), "not a client context"));
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_create_null_info_returns_null_einval),
		cmocka_unit_test(client_create_null_info_returns_null_einval),
		cmocka_unit_test(null_info_error_is_readable_from_caller_memory),
		cmocka_unit_test(null_context_calls_fail_cleanly),
		cmocka_unit_test(getters_on_null_return_documented_values),
		cmocka_unit_test(null_buffers_give_einval),
		cmocka_unit_test(closed_fd_gives_ebadf),
		cmocka_unit_test(accept_on_a_client_context_is_refused),
		cmocka_unit_test(connect_on_a_server_context_is_refused),
	};

	return T_RUN(tests);
}
