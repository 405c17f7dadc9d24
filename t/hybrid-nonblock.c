/* SPDX-License-Identifier: MIT */
/*
 * A non-blocking hybrid client (UDO_VSOCK_TCP_OPT_NONBLOCK) against fake
 * VMMs (t/hybrid-peer.c), driven by a poll loop: it sends CONNECT and reads
 * the OK line without blocking, a partial line waits for POLLIN, and what
 * follows the line stays in the stream. Failures are ordinary failures.
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
#include "hybrid-peer.h"

#define GUEST 42
#define POLL_BOUND_MS 20000

static char uds[108];

static struct udo_vsock_tcp *nb_client(int port)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = GUEST, .port = port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *c;
	char map[160];

	snprintf(map, sizeof(map), "%d=%s", GUEST, uds);
	o.flags = UDO_VSOCK_TCP_OPT_NONBLOCK | UDO_VSOCK_TCP_OPT_NO_ENV;
	o.transport = "hybrid";
	o.hybrid_uds = map;
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	if (!c)
		fail_msg("hybrid client: %s", strerror(errno));
	return c;
}

/* One call that leaves the connect under way, waiting for events. */
static void under_way(struct udo_vsock_tcp *c, short events)
{
	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_string_equal(udo_log_get_error(c), "");
	assert_int_equal(udo_vsock_tcp_get_poll_events(c), events);
}

static int ready(struct udo_vsock_tcp *c, int ms)
{
	struct pollfd p = { .fd = udo_vsock_tcp_get_fd(c),
	                    .events = udo_vsock_tcp_get_poll_events(c) };

	return poll(&p, 1, ms);
}

static void an_ok_line_in_two_pieces_completes_the_connect(void **state)
{
	struct t_vmm vmm;
	struct udo_vsock_tcp *c;
	char buf[5];
	int fl;

	t_vmm_start(&vmm, uds, T_VMM_ACK_IN_TWO_PIECES);
	c = nb_client(5000);
	/* CONNECT sent; the VMM holds its answer. */
	under_way(c, POLLIN);
	assert_int_equal(ready(c, 0), 0);
	/* "OK 10": a partial line, taken, and the wait goes on for POLLIN. */
	t_vmm_continue(&vmm);
	assert_int_equal(ready(c, POLL_BOUND_MS), 1);
	under_way(c, POLLIN);
	assert_int_equal(ready(c, 0), 0);
	/* "73741824\nhello": the line ends; "hello" is the stream's. */
	t_vmm_continue(&vmm);
	assert_int_equal(ready(c, POLL_BOUND_MS), 1);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect: %s", udo_log_get_error(c));
	assert_int_equal(udo_vsock_tcp_get_poll_events(c), 0);
	fl = fcntl(udo_vsock_tcp_get_fd(c), F_GETFL);
	assert_true(fl >= 0 && (fl & O_NONBLOCK));
	{
		struct pollfd p = { .fd = udo_vsock_tcp_get_fd(c), .events = POLLIN };

		assert_int_equal(poll(&p, 1, POLL_BOUND_MS), 1);
	}
	assert_int_equal(udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(c), buf, 5, NULL), 5);
	assert_memory_equal(buf, "hello", 5);
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
}

/* Drive to the end; the errno. */
static int drive(struct udo_vsock_tcp *c)
{
	for (;;) {
		errno = 0;
		if (udo_vsock_tcp_client_connect(c) == 0)
			return 0;
		if (errno != EINPROGRESS)
			return errno;
		if (ready(c, POLL_BOUND_MS) != 1)
			fail_msg("nothing happened on the connect for %d ms", POLL_BOUND_MS);
	}
}

static void failures_are_reported_as_for_a_blocking_connect(void **state)
{
	static const struct {
		enum t_vmm_mode mode;
		int code;
		const char *says;
	} cases[] = {
		{ T_VMM_REFUSE, ECONNREFUSED, "without acknowledging \"CONNECT 5000\"" },
		{ T_VMM_GARBAGE, EPROTO, "malformed acknowledgement \"ERROR what?\\n\"" },
		{ T_VMM_TRUNCATED, EPROTO, "in the middle of its reply (received \"OK 10\"" },
	};
	struct udo_vsock_tcp *c;
	struct t_vmm vmm;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t_vmm_start(&vmm, uds, cases[i].mode);
		c = nb_client(5000);
		assert_int_equal(drive(c), cases[i].code);
		if (!strstr(udo_log_get_error(c), cases[i].says))
			fail_msg("\"%s\" lacks \"%s\"", udo_log_get_error(c), cases[i].says);
		assert_int_equal(udo_vsock_tcp_get_poll_events(c), 0);
		udo_vsock_tcp_destroy(c);
		t_vmm_stop(&vmm);
	}
	/* No VMM socket at all: at once, as a blocking connect says it. */
	c = nb_client(5000);
	assert_int_equal(drive(c), ENOENT);
	udo_vsock_tcp_destroy(c);
}

static void a_retry_after_a_refusal_completes(void **state)
{
	struct udo_vsock_tcp *c = nb_client(5000);
	struct t_vmm vmm;

	assert_int_equal(drive(c), ENOENT);
	t_vmm_start(&vmm, uds, T_VMM_ACK_AND_DATA);
	assert_int_equal(drive(c), 0);
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
}

/* A file where the VMM's socket belongs: a configuration error, said so. */
static void a_path_that_is_not_a_socket_is_enotsock(void **state)
{
	struct udo_vsock_tcp *c = nb_client(5000);
	int fd = open(uds, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(drive(c), ENOTSOCK);
	assert_non_null(strstr(udo_log_get_error(c), "is not a socket"));
	udo_vsock_tcp_destroy(c);
	unlink(uds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_ok_line_in_two_pieces_completes_the_connect),
		cmocka_unit_test(failures_are_reported_as_for_a_blocking_connect),
		cmocka_unit_test(a_retry_after_a_refusal_completes),
		cmocka_unit_test(a_path_that_is_not_a_socket_is_enotsock),
	};
	int r;

	snprintf(uds, sizeof(uds), "%s", t_tmp_path("v.sock"));
	r = T_RUN(tests);
	t_tmp_cleanup();
	return r;
}
