/* SPDX-License-Identifier: MIT */
/* Nobody listening is an answer: -1 with the transport's errno and a message
 * that names the transport, CID, port and reason; the same context retries
 * and succeeds once a server listens. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static void refused_connect_reports_errno_and_message(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = t_unused_port() };
	struct udo_vsock_tcp *c = t_client_create(NULL, &ci, 0);
	const char *transport;
	char want[64];
	int code;

	assert_non_null(c);
	transport = udo_vsock_tcp_get_transport(c);
	code = t_refused_errno(transport);
	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, code);
	assert_int_equal(udo_log_get_error_code(c), code);
	snprintf(want, sizeof(want), "connect to %s %u:%u", transport, T_CID, (unsigned int) ci.port);
	assert_non_null(strstr(udo_log_get_error(c), want));
	assert_non_null(strstr(udo_log_get_error(c), strerror(code)));
	udo_vsock_tcp_destroy(c);
}

static void failed_connect_retries_on_same_context(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = t_unused_port() };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = ci.port };
	struct udo_vsock_tcp *c = t_client_create(NULL, &ci, 0), *s;
	char buf[2];
	int conn;

	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	/* The host service comes up; the waiting agent's next try gets through. */
	s = t_server_create(NULL, &si, 0);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	assert_int_equal(udo_log_get_error_code(c), 0);
	conn = t_accept(s);
	t_send_all(udo_vsock_tcp_get_fd(c), "ok", 2);
	t_recv_all(conn, buf, 2);
	assert_memory_equal(buf, "ok", 2);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void second_connect_keeps_the_live_connection(void **state)
{
	struct t_pair p = t_pair_open();
	int fd = udo_vsock_tcp_get_fd(p.c);
	char buf[4];

	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(p.c), -1);
	assert_int_equal(errno, EISCONN);
	/* The connection made first is still the context's, and still works. */
	assert_int_equal(udo_vsock_tcp_get_fd(p.c), fd);
	t_send_all(fd, "live", 4);
	t_recv_all(p.conn, buf, 4);
	assert_memory_equal(buf, "live", 4);
	t_pair_close(&p);
}

static void restarted_server_rebinds_its_port_at_once(void **state)
{
	struct udo_vsock_tcp *s = t_server(), *c = t_client(s);
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID,
	                                                .port = udo_vsock_tcp_get_port(s) };
	int conn = t_accept(s);

	/* The server side closes first, as a restarting daemon does. */
	close(conn);
	udo_vsock_tcp_destroy(s);
	udo_vsock_tcp_destroy(c);
	s = t_server_create(NULL, &si, 0);
	if (!s)
		fail_msg("rebind port %d: %s", si.port, strerror(errno));
	udo_vsock_tcp_destroy(s);
}

static void bind_to_a_port_in_use_fails_with_eaddrinuse(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID,
	                                                .port = udo_vsock_tcp_get_port(s) };
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());

	assert_null(t_server_create(mem, &si, 0));
	assert_int_equal(udo_log_get_error_code(mem), EADDRINUSE);
	assert_non_null(strstr(udo_log_get_error(mem), "bind to"));
	free(mem);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_connect_reports_errno_and_message),
		cmocka_unit_test(failed_connect_retries_on_same_context),
		cmocka_unit_test(second_connect_keeps_the_live_connection),
		cmocka_unit_test(restarted_server_rebinds_its_port_at_once),
		cmocka_unit_test(bind_to_a_port_in_use_fails_with_eaddrinuse),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
