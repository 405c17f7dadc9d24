/* SPDX-License-Identifier: MIT */
/* Sending to a closed peer gives -EPIPE, never a SIGPIPE death. SIGPIPE keeps
 * its default action here (terminate), so a missing MSG_NOSIGNAL kills the test. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "common.h"

static void send_after_own_shutdown_gives_epipe(void **state)
{
	struct t_pair p = t_pair_open();

	assert_int_equal(shutdown(udo_vsock_tcp_get_fd(p.c), SHUT_WR), 0);
	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, "x", 1, NULL), -EPIPE);
	assert_int_equal(udo_vsock_tcp_send_data(udo_vsock_tcp_get_fd(p.c), "x", 1, NULL), -EPIPE);
	t_pair_close(&p);
}

static void send_to_a_peer_that_closed_gives_epipe(void **state)
{
	struct t_pair p = t_pair_open();
	int i;
	ssize_t n = 0;
	char buf[4096] = { 0 };

	close(p.conn);
	/* The first sends may be queued before the peer's reset arrives. */
	for (i = 0; i < 10000 && n >= 0; i++)
		n = udo_vsock_tcp_client_send_data(p.c, buf, sizeof(buf), NULL);
	assert_true(n == -EPIPE || n == -ECONNRESET);
	/* Once the reset is known, every further send is -EPIPE. */
	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, buf, sizeof(buf), NULL), -EPIPE);
	udo_vsock_tcp_destroy(p.c);
	udo_vsock_tcp_destroy(p.s);
}

int main(void)
{
	signal(SIGPIPE, SIG_DFL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(send_after_own_shutdown_gives_epipe),
		cmocka_unit_test(send_to_a_peer_that_closed_gives_epipe),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
