/* SPDX-License-Identifier: MIT */
/*
 * The vsock transport asked for by name: it loads everywhere, and where the
 * machine cannot serve an address the error comes back as an error (on a
 * host without vsock loopback, binding CID 1 fails with EADDRNOTAVAIL).
 * Never connects anywhere: on a host, CID 1 and 2 lead to the hypervisor.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static bool have_af_vsock(void)
{
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void vsock_plugin_loads_and_creates_a_client(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *c = t_client_create(mem, &ci, 0);

	if (have_af_vsock()) {
		assert_non_null(c);
		assert_string_equal(udo_vsock_tcp_get_transport(c), "vsock");
		assert_int_equal(udo_vsock_tcp_get_vcid(c), T_CID);
		udo_vsock_tcp_destroy(c);
	} else {
		/* No AF_VSOCK at all: a socket error, not a loading error. */
		assert_null(c);
		t_assert_error(mem, EAFNOSUPPORT, "socket for vsock");
	}
	test_free(mem);
}

static void server_on_cid_1_without_loopback_reports_the_bind_error(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *s;
	int before = t_count_fds();

	if (!have_af_vsock() || t_have_vsock_loopback()) {
		test_free(mem);
		skip();
	}
	errno = 0;
	s = t_server_create(mem, &si, 0);
	assert_null(s);
	assert_int_equal(errno, EADDRNOTAVAIL);
	t_assert_error(mem, EADDRNOTAVAIL, "bind to vsock 1:");
	t_assert_error(mem, EADDRNOTAVAIL, strerror(EADDRNOTAVAIL));
	assert_int_equal(t_count_fds(), before);
	test_free(mem);
}

static void server_on_cid_1_with_loopback_listens(void **state)
{
	struct udo_vsock_tcp *s;

	if (!t_have_vsock_loopback())
		skip();
	s = t_server();
	assert_string_equal(udo_vsock_tcp_get_transport(s), "vsock");
	assert_int_not_equal(udo_vsock_tcp_get_port(s), -1);
	udo_vsock_tcp_destroy(s);
}

static void client_for_port_any_is_refused_on_vsock(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = -1 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());

	assert_null(t_client_create(mem, &ci, 0));
	t_assert_error(mem, EINVAL, "a client needs a port");
	test_free(mem);
}

static void ports_above_int_max_work_on_vsock(void **state)
{
	/* The kernel picks ephemeral vsock ports anywhere in 32 bits; such a
	 * port reads back as a negative int and must work passed on as it is. */
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -2 };
	struct udo_vsock_tcp *s, *c;
	int conn;

	if (!t_have_vsock_loopback())
		skip();
	s = t_server_create(NULL, &si, 0);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_port(s), -2);
	c = t_client(s);
	conn = t_accept(s);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vsock_plugin_loads_and_creates_a_client),
		cmocka_unit_test(server_on_cid_1_without_loopback_reports_the_bind_error),
		cmocka_unit_test(server_on_cid_1_with_loopback_listens),
		cmocka_unit_test(client_for_port_any_is_refused_on_vsock),
		cmocka_unit_test(ports_above_int_max_work_on_vsock),
	};

	t_use_transport("vsock");
	return T_RUN(tests);
}
