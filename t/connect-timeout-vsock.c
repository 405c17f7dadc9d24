/* SPDX-License-Identifier: MIT */
/*
 * The connect timeout on vsock is the kernel's SO_VM_SOCKETS_CONNECT_TIMEOUT.
 * It needs vsock loopback (the VM guest of `make check-vm`): without it the
 * cases skip, found out with a bind to CID 1, never a connect.
 * (A connect to an unbound port on vsock loopback is reset at once, so the
 * test checks that the option reached the socket rather than waiting.)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

static struct udo_vsock_tcp *vsock_server(void)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = -1 };

	return t_server_create(NULL, &si, 0);
}

/*
 * Connect a vsock client to a vsock server, its timeout set with
 * udo_vsock_tcp_set_connect_timeout(api_ms) or, when env_ms is not NULL,
 * by UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS at create; return what the connected
 * socket carries as SO_VM_SOCKETS_CONNECT_TIMEOUT.
 */
static struct timeval applied_timeout(unsigned int api_ms, const char *env_ms)
{
	struct udo_vsock_tcp *s = vsock_server(), *c;
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL };
	struct timeval tv = { 0 };
	socklen_t len = sizeof(tv);

	assert_non_null(s);
	ci.port = udo_vsock_tcp_get_port(s);
	if (env_ms) /* the variable is what the caller tests */
		setenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS", env_ms, 1);
	c = t_client_create(NULL, &ci, 0);
	unsetenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS");
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "vsock");
	if (!env_ms)
		assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, api_ms), 0);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	assert_int_equal(getsockopt(udo_vsock_tcp_get_fd(c), AF_VSOCK,
	                            SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, &len), 0);
	close(t_accept(s));
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	return tv;
}

static void vsock_connect_carries_the_timeout(void **state)
{
	struct timeval tv = applied_timeout(1500, NULL);

	assert_int_equal(tv.tv_sec, 1);
	assert_int_equal(tv.tv_usec, 500000);
}

static void vsock_timeout_from_the_environment_applies(void **state)
{
	struct timeval tv = applied_timeout(0, "250");

	/* The kernel keeps the timeout in jiffies: 250 ms may read back rounded
	 * up by one tick (4 ms at HZ=250, 10 ms at HZ=100). */
	assert_int_equal(tv.tv_sec, 0);
	assert_in_range(tv.tv_usec, 250000, 260000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vsock_connect_carries_the_timeout),
		cmocka_unit_test(vsock_timeout_from_the_environment_applies),
	};

	unsetenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS");
	return T_RUN_TRANSPORTS(tests, T_VSOCK);
}
