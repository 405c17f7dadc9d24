/* SPDX-License-Identifier: MIT */
/*
 * Non-blocking contexts (UDO_VSOCK_TCP_OPT_NONBLOCK) on tcp and unix (and
 * vsock where this machine serves its loopback), driven by a real poll
 * loop: sockets and accepted fds are O_NONBLOCK, accept with nobody
 * waiting is EAGAIN, a connect under way is EINPROGRESS with no message
 * and get_poll_events() says what to wait for, and a refused connect is an
 * ordinary failure the context may retry.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* Longest a poll in these tests waits: a bound for a broken library,
 * never a pause that the tests rely on. */
#define POLL_BOUND_MS 20000

static bool nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_NONBLOCK);
}

static struct udo_vsock_tcp_opts nb_opts(void)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.flags = UDO_VSOCK_TCP_OPT_NONBLOCK | UDO_VSOCK_TCP_OPT_NO_ENV;
	o.transport = t_under_test();
	return o;
}

static struct udo_vsock_tcp *nb_server(int port)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = port };
	struct udo_vsock_tcp_opts o = nb_opts();
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create_opts(NULL, &si, &o);

	if (!s)
		fail_msg("%s server: %s", t_under_test(), strerror(errno));
	assert_true(nonblocking(udo_vsock_tcp_get_fd(s)));
	return s;
}

static struct udo_vsock_tcp *nb_client(int port)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL, .port = port };
	struct udo_vsock_tcp_opts o = nb_opts();
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);

	if (!c)
		fail_msg("%s client: %s", t_under_test(), strerror(errno));
	assert_string_equal(udo_vsock_tcp_get_transport(c), t_under_test());
	assert_int_equal(udo_vsock_tcp_get_poll_events(c), 0);
	return c;
}

/* Drive c's connect with poll until it ends: 0, or the failing errno. */
static int drive(struct udo_vsock_tcp *c, unsigned int *steps)
{
	*steps = 0;
	for (;;) {
		struct pollfd p;
		short ev;

		(*steps)++;
		errno = 0;
		if (udo_vsock_tcp_client_connect(c) == 0) {
			assert_int_equal(udo_vsock_tcp_get_poll_events(c), 0);
			return 0;
		}
		if (errno != EINPROGRESS) {
			assert_int_equal(udo_vsock_tcp_get_poll_events(c), 0);
			return errno;
		}
		/* Under way is not an error: the message stays empty. */
		assert_string_equal(udo_log_get_error(c), "");
		assert_int_equal(udo_log_get_error_code(c), 0);
		ev = udo_vsock_tcp_get_poll_events(c);
		assert_true(ev == POLLIN || ev == POLLOUT);
		/* The fd may change between calls: read it each time. */
		p = (struct pollfd) { .fd = udo_vsock_tcp_get_fd(c), .events = ev };
		assert_true(p.fd >= 0);
		if (poll(&p, 1, POLL_BOUND_MS) != 1)
			fail_msg("%s: nothing happened on the connect for %d ms", t_under_test(),
			         POLL_BOUND_MS);
	}
}

static int accept_when_ready(struct udo_vsock_tcp *s)
{
	struct pollfd p = { .fd = udo_vsock_tcp_get_fd(s), .events = POLLIN };
	int fd;

	assert_int_equal(poll(&p, 1, POLL_BOUND_MS), 1);
	fd = udo_vsock_tcp_server_accept(s, NULL);
	if (fd < 0)
		fail_msg("%s accept: %s", t_under_test(), udo_log_get_error(s));
	return fd;
}

static void accept_with_nobody_waiting_is_eagain(void **state)
{
	struct udo_vsock_tcp *s = nb_server(-1);

	errno = 0;
	assert_int_equal(udo_vsock_tcp_server_accept(s, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	udo_vsock_tcp_destroy(s);
}

static void a_poll_loop_connects_and_every_fd_is_nonblocking(void **state)
{
	struct udo_vsock_tcp *s = nb_server(-1);
	struct udo_vsock_tcp *c = nb_client(udo_vsock_tcp_get_port(s));
	unsigned int steps;
	char buf[4];
	ssize_t n;
	int conn;

	assert_int_equal(drive(c, &steps), 0);
	assert_true(nonblocking(udo_vsock_tcp_get_fd(c)));
	/* Connected for good: another connect keeps it, as a blocking one does. */
	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, EISCONN);
	conn = accept_when_ready(s);
	assert_true(nonblocking(conn));
	/* Nothing sent yet: a read does not wait. */
	n = udo_vsock_tcp_recv_data(conn, buf, sizeof(buf), NULL);
	assert_int_equal(n, -EAGAIN);
	t_send_all(udo_vsock_tcp_get_fd(c), "poll", 4);
	{
		struct pollfd p = { .fd = conn, .events = POLLIN };

		assert_int_equal(poll(&p, 1, POLL_BOUND_MS), 1);
	}
	assert_int_equal(udo_vsock_tcp_recv_data(conn, buf, 4, NULL), 4);
	assert_memory_equal(buf, "poll", 4);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void a_refused_connect_fails_and_may_be_retried(void **state)
{
	struct udo_vsock_tcp *s = nb_server(-1), *c;
	int port = udo_vsock_tcp_get_port(s), conn;
	unsigned int steps;

	udo_vsock_tcp_destroy(s);
	c = nb_client(port);
	assert_int_equal(drive(c, &steps), t_refused_errno(t_under_test()));
	assert_non_null(strstr(udo_log_get_error(c), "connect to"));
	/* Once somebody listens, the same context connects. */
	s = nb_server(port);
	assert_int_equal(drive(c, &steps), 0);
	conn = accept_when_ready(s);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void poll_events_are_0_without_a_connect_under_way(void **state)
{
	struct udo_vsock_tcp *s = nb_server(-1);

	assert_int_equal(udo_vsock_tcp_get_poll_events(NULL), 0);
	assert_int_equal(udo_vsock_tcp_get_poll_events(s), 0);
	/* The setters' time would be the library's: refused here. */
	udo_vsock_tcp_destroy(s);
	s = nb_client(1);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(s, 100), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(udo_vsock_tcp_set_connect_wait(s, 100), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(udo_vsock_tcp_set_connect_wait(s, 0), 0);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accept_with_nobody_waiting_is_eagain),
		cmocka_unit_test(a_poll_loop_connects_and_every_fd_is_nonblocking),
		cmocka_unit_test(a_refused_connect_fails_and_may_be_retried),
		cmocka_unit_test(poll_events_are_0_without_a_connect_under_way),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
