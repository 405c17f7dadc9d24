/* SPDX-License-Identifier: MIT */
/* Getters report what a context really is: its fd, CID, port, transport. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

static void client_has_a_socket_right_after_create(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = 7777 };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);
	int type = 0;
	socklen_t len = sizeof(type);

	assert_non_null(c);
	assert_true(udo_vsock_tcp_get_fd(c) >= 0);
	assert_int_equal(getsockopt(udo_vsock_tcp_get_fd(c), SOL_SOCKET, SO_TYPE, &type, &len), 0);
	assert_int_equal(type, SOCK_STREAM);
	udo_vsock_tcp_destroy(c);
}

static void client_reports_the_cid_and_port_it_was_given(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = 7777 };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);

	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_get_vcid(c), T_CID);
	assert_int_equal(udo_vsock_tcp_get_port(c), 7777);
	assert_int_equal(udo_log_get_error_code(c), 0);
	assert_string_equal(udo_log_get_error(c), "");
	udo_vsock_tcp_destroy(c);
}

static void server_on_port_minus_one_reports_the_port_bound(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp *c;
	int port = udo_vsock_tcp_get_port(s), fd;

	/* vsock ports above INT_MAX read back negative; only -1 means "none". */
	assert_int_not_equal(port, -1);
	assert_int_not_equal(port, 0);
	assert_int_equal(udo_vsock_tcp_get_vcid(s), T_CID);
	/* The reported port is the real one: a client reaches it. */
	c = t_client(s);
	fd = t_accept(s);
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void two_servers_on_port_minus_one_get_different_ports(void **state)
{
	struct udo_vsock_tcp *a = t_server(), *b = t_server();

	assert_int_not_equal(udo_vsock_tcp_get_port(a), udo_vsock_tcp_get_port(b));
	udo_vsock_tcp_destroy(a);
	udo_vsock_tcp_destroy(b);
}

static void transport_is_named(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	const char *name = udo_vsock_tcp_get_transport(s);

	/* The one opts named: "auto" and the variable are t/transport-env's. */
	assert_non_null(name);
	assert_string_equal(name, t_under_test());
	udo_vsock_tcp_destroy(s);
}

static void sizeof_covers_the_error_struct_and_an_address(void **state)
{
	assert_true(udo_vsock_tcp_get_sizeof() >=
	            (int) (sizeof(struct udo_log_error_struct) + sizeof(struct sockaddr_vm)));
}

static void local_vcid_matches_dev_vsock_presence(void **state)
{
	uint32_t cid = udo_vsock_tcp_get_local_vcid();
	unsigned int kernel = UINT32_MAX;
	int fd;

	if (access("/dev/vsock", R_OK) != 0) {
		assert_int_equal(cid, UINT32_MAX);
		return;
	}
	/* qemu-user (a cross build's make check) does not pass this ioctl
	 * through: there is no CID to compare with. */
	fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &kernel) < 0 && errno == ENOSYS) {
		close(fd);
		skip();
	}
	close(fd);
	assert_int_not_equal(cid, UINT32_MAX);
	assert_int_equal(cid, kernel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_has_a_socket_right_after_create),
		cmocka_unit_test(client_reports_the_cid_and_port_it_was_given),
		cmocka_unit_test(server_on_port_minus_one_reports_the_port_bound),
		cmocka_unit_test(two_servers_on_port_minus_one_get_different_ports),
		cmocka_unit_test(transport_is_named),
		cmocka_unit_test(sizeof_covers_the_error_struct_and_an_address),
		cmocka_unit_test(local_vcid_matches_dev_vsock_presence),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
