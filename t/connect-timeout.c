/* SPDX-License-Identifier: MIT */
/*
 * Connect timeouts: udo_vsock_tcp_set_connect_timeout() and
 * UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS, on tcp and unix (given in opts). A
 * connect to a listener whose backlog is full waits (on tcp Linux drops the
 * SYN; a unix connect sleeps for room), and the timeout ends it with
 * ETIMEDOUT. vsock: t/connect-timeout-vsock; hybrid: t/hybrid-protocol.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

#define ENV "UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS"

static struct udo_vsock_tcp *client_for(int port)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = port };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);

	if (!c)
		fail_msg("client for %u:%d: %s", T_CID, port, strerror(errno));
	return c;
}

static void null_context_is_einval(void **state)
{
	errno = 0;
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(NULL, 100), -1);
	assert_int_equal(errno, EINVAL);
}

static void server_context_is_einval(void **state)
{
	struct udo_vsock_tcp *s = t_server();

	assert_int_equal(udo_vsock_tcp_set_connect_timeout(s, 100), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(udo_log_get_error(s), "not a client context"));
	udo_vsock_tcp_destroy(s);
}

static void timeout_above_int_max_is_einval(void **state)
{
	struct udo_vsock_tcp *c = client_for(1);

	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, (unsigned int) INT_MAX + 1u), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(udo_log_get_error(c), "2147483648 ms is out of range"));
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, INT_MAX), 0);
	udo_vsock_tcp_destroy(c);
}

static void malformed_environment_fails_create_quoting_it(void **state)
{
	const char *bad[] = { "12ms", "-1", "2147483648", " 5", "0x10" };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 1 };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	char want[64];
	size_t i;
	int before = t_count_fds();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv(ENV, bad[i], 1); /* the variable is what this test is about */
		snprintf(want, sizeof(want), ENV "=\"%s\" is not a connect timeout", bad[i]);
		assert_null(t_client_create(mem, &ci, 0));
		assert_int_equal(errno, EINVAL);
		if (!strstr(udo_log_get_error(mem), want))
			fail_msg("\"%s\" lacks \"%s\"", udo_log_get_error(mem), want);
		assert_null(t_server_create(mem, &si, 0));
		assert_int_equal(errno, EINVAL);
	}
	unsetenv(ENV);
	assert_int_equal(t_count_fds(), before);
	free(mem);
}

static void empty_or_zero_environment_means_the_default(void **state)
{
	const char *ok[] = { "", "0" };
	struct udo_vsock_tcp *s, *c;
	size_t i;

	for (i = 0; i < 2; i++) {
		setenv(ENV, ok[i], 1); /* the variable is what this test is about */
		s = t_server();
		c = t_client(s);
		close(t_accept(s));
		udo_vsock_tcp_destroy(c);
		udo_vsock_tcp_destroy(s);
	}
	unsetenv(ENV);
}

/*
 * A listener with a backlog of 1 that never accepts: the first
 * connections fill its queue, the next one's SYN is dropped and the connect
 * waits. Returns the number of fillers left in fillers[] and the context
 * that timed out in *late.
 */
static int fill_until_timeout(struct udo_vsock_tcp *s, struct udo_vsock_tcp *fillers[8],
                              struct udo_vsock_tcp **late, bool from_env)
{
	int n, before;

	for (n = 0; n < 8; n++) {
		if (from_env) /* the variable is what the caller tests */
			setenv(ENV, "100", 1);
		*late = client_for(udo_vsock_tcp_get_port(s));
		unsetenv(ENV);
		if (!from_env)
			assert_int_equal(udo_vsock_tcp_set_connect_timeout(*late, 100), 0);
		before = t_count_fds();
		if (udo_vsock_tcp_client_connect(*late) != 0) {
			assert_int_equal(errno, ETIMEDOUT);
			assert_int_equal(udo_log_get_error_code(*late), ETIMEDOUT);
			assert_non_null(strstr(udo_log_get_error(*late), " within 100 ms"));
			/* The context still holds one (fresh) socket; nothing more. */
			assert_int_equal(t_count_fds(), before);
			return n;
		}
		fillers[n] = *late;
	}
	fail_msg("8 connects to a listener with a backlog of 1 all succeeded");
	return -1;
}

static void connect_to_a_full_backlog_times_out_and_can_retry(void **state)
{
	struct udo_vsock_tcp_server_create_info si = {
		.vcid = T_CID, .port = -1, .connections = 1,
	};
	struct udo_vsock_tcp *s, *late, *fillers[8];
	int n, i;

	s = t_server_create(NULL, &si, 0);
	assert_non_null(s);
	n = fill_until_timeout(s, fillers, &late, false);
	/* Once the server accepts, the same context connects. */
	for (i = 0; i < n; i++)
		close(t_accept(s));
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(late, 10000), 0);
	assert_int_equal(udo_vsock_tcp_client_connect(late), 0);
	close(t_accept(s));
	for (i = 0; i < n; i++)
		udo_vsock_tcp_destroy(fillers[i]);
	udo_vsock_tcp_destroy(late);
	udo_vsock_tcp_destroy(s);
}

static void timeout_from_the_environment_applies(void **state)
{
	struct udo_vsock_tcp_server_create_info si = {
		.vcid = T_CID, .port = -1, .connections = 1,
	};
	struct udo_vsock_tcp *s, *late, *fillers[8];
	int n, i;

	s = t_server_create(NULL, &si, 0);
	assert_non_null(s);
	n = fill_until_timeout(s, fillers, &late, true);
	for (i = 0; i < n; i++)
		udo_vsock_tcp_destroy(fillers[i]);
	udo_vsock_tcp_destroy(late);
	udo_vsock_tcp_destroy(s);
}

static void stream_after_a_bounded_connect_is_blocking(void **state)
{
	struct udo_vsock_tcp *s, *c;
	int fd;
	char b;

	s = t_server();
	c = client_for(udo_vsock_tcp_get_port(s));
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 5000), 0);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	fd = t_accept(s);
	/* A blocking recv waits for data: it does not fail with EAGAIN. */
	t_send_all(fd, "x", 1);
	assert_int_equal(udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(c), &b, 1, NULL), 1);
	assert_int_equal(fcntl(udo_vsock_tcp_get_fd(c), F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_context_is_einval),
		cmocka_unit_test(server_context_is_einval),
		cmocka_unit_test(timeout_above_int_max_is_einval),
		cmocka_unit_test(malformed_environment_fails_create_quoting_it),
		cmocka_unit_test(empty_or_zero_environment_means_the_default),
		cmocka_unit_test(connect_to_a_full_backlog_times_out_and_can_retry),
		cmocka_unit_test(timeout_from_the_environment_applies),
		cmocka_unit_test(stream_after_a_bounded_connect_is_blocking),
	};

	unsetenv(ENV);
	return T_RUN_TRANSPORTS(tests, T_TCP | T_UNIX);
}
