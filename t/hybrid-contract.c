/* SPDX-License-Identifier: MIT */
/*
 * The contract's checks that apply to any transport, run on hybrid: a
 * hybrid client and a hybrid server on the same guest CID meet through a
 * loopback fake VMM (CONNECT P is forwarded to "<uds>_P").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "hybrid-peer.h"

#define GUEST 7
#define BIG (16u << 20)

static char uds[80]; /* leaves room for "_<port>" in sun_path */
static struct t_vmm vmm;

static struct udo_vsock_tcp *server(void)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = GUEST, .port = -1 };
	struct udo_vsock_tcp *s = t_server_create(NULL, &info, 0);

	if (!s)
		fail_msg("hybrid server: %s", strerror(errno));
	return s;
}

static struct udo_vsock_tcp *client(int port)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = GUEST, .port = port };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);

	if (!c)
		fail_msg("hybrid client: %s", strerror(errno));
	return c;
}

static struct udo_vsock_tcp *connected(struct udo_vsock_tcp *s)
{
	struct udo_vsock_tcp *c = client(udo_vsock_tcp_get_port(s));

	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect: %s", udo_log_get_error(c));
	return c;
}

static bool cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

static void echo_round_trip(void **state)
{
	struct udo_vsock_tcp *s = server(), *c = connected(s);
	int fd = t_accept(s);
	char buf[32];
	ssize_t n;

	assert_int_equal(udo_vsock_tcp_client_send_data(c, "hello hybrid", 12, NULL), 12);
	t_recv_all(fd, buf, 12);
	t_send_all(fd, buf, 12);
	t_recv_all(udo_vsock_tcp_get_fd(c), buf, 12);
	assert_memory_equal(buf, "hello hybrid", 12);
	/* The client closing is seen as end of stream through the VMM. */
	udo_vsock_tcp_destroy(c);
	n = udo_vsock_tcp_recv_data(fd, buf, sizeof(buf), NULL);
	assert_int_equal(n, 0);
	close(fd);
	udo_vsock_tcp_destroy(s);
}

struct big_rx {
	int fd;
	bool intact;
};

static void *receive_big(void *arg)
{
	struct big_rx *rx = arg;
	unsigned char *buf = malloc(BIG);
	size_t i;

	rx->intact = false;
	if (!buf)
		return NULL;
	t_recv_all(rx->fd, buf, BIG);
	for (i = 0; i < BIG; i++)
		if (buf[i] != (unsigned char) (i * 7 + i / 4096))
			break;
	rx->intact = i == BIG;
	t_send_all(rx->fd, rx->intact ? "ok" : "no", 2);
	free(buf);
	return NULL;
}

static void sixteen_mib_arrive_intact(void **state)
{
	struct udo_vsock_tcp *s = server(), *c = connected(s);
	unsigned char *buf = malloc(BIG);
	struct big_rx rx = { .fd = t_accept(s) };
	pthread_t t;
	char ack[2];
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < BIG; i++)
		buf[i] = (unsigned char) (i * 7 + i / 4096);
	assert_int_equal(pthread_create(&t, NULL, receive_big, &rx), 0);
	t_send_all(udo_vsock_tcp_get_fd(c), buf, BIG);
	t_recv_all(udo_vsock_tcp_get_fd(c), ack, 2);
	pthread_join(t, NULL);
	assert_true(rx.intact);
	assert_memory_equal(ack, "ok", 2);
	free(buf);
	close(rx.fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void failed_connects_leak_no_fd(void **state)
{
	struct udo_vsock_tcp *s = server();
	int port = udo_vsock_tcp_get_port(s), before, i;
	struct udo_vsock_tcp *c;

	udo_vsock_tcp_destroy(s); /* nobody listens on that port now */
	before = t_count_fds();
	for (i = 0; i < 50; i++) {
		c = client(port);
		assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
		assert_int_equal(errno, ECONNREFUSED);
		udo_vsock_tcp_destroy(c);
	}
	assert_int_equal(t_count_fds(), before);
}

static void null_arguments_are_refused(void **state)
{
	struct udo_vsock_tcp *s = server();
	char buf[1] = { 0 };

	assert_null(t_client_create(NULL, NULL, 0));
	assert_null(t_server_create(NULL, NULL, 0));
	assert_int_equal(udo_vsock_tcp_client_connect(NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(udo_vsock_tcp_server_accept(NULL, NULL), -1);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(NULL, 10), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(udo_vsock_tcp_client_send_data(NULL, "x", 1, NULL), -EINVAL);
	assert_int_equal(udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(s), NULL, 1, NULL), -EINVAL);
	assert_int_equal(udo_vsock_tcp_send_data(-1, buf, 1, NULL), -EBADF);
	/* A server context is not a client. */
	assert_int_equal(udo_vsock_tcp_client_connect(s), -1);
	assert_int_equal(errno, EINVAL);
	udo_vsock_tcp_destroy(NULL);
	udo_vsock_tcp_destroy(s);
}

static void caller_memory_is_used_and_never_freed(void **state)
{
	char *ms = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	char *mc = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp_server_create_info si = { .vcid = GUEST, .port = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = GUEST };
	struct udo_vsock_tcp *s, *c;
	int fd;

	s = t_server_create((struct udo_vsock_tcp *) ms, &si, 0);
	assert_ptr_equal(s, ms);
	ci.port = udo_vsock_tcp_get_port(s);
	c = t_client_create((struct udo_vsock_tcp *) mc, &ci, 0);
	assert_ptr_equal(c, mc);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	fd = t_accept(s);
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	free(mc); /* still ours: a double free would abort here */
	free(ms);
}

static void send_to_a_closed_peer_is_epipe(void **state)
{
	struct udo_vsock_tcp *s = server(), *c = connected(s);
	int fd = t_accept(s), i;
	ssize_t n = 0;
	char buf[4096] = { 0 };

	close(fd);
	/* The VMM passes the close on; the sends after it fail, never SIGPIPE. */
	for (i = 0; i < 1000 && n >= 0; i++)
		n = udo_vsock_tcp_client_send_data(c, buf, sizeof(buf), NULL);
	assert_true(n == -EPIPE || n == -ECONNRESET);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void every_fd_is_close_on_exec(void **state)
{
	struct udo_vsock_tcp *s = server(), *c = client(udo_vsock_tcp_get_port(s));
	int fd;

	assert_true(cloexec(udo_vsock_tcp_get_fd(s)));
	assert_true(cloexec(udo_vsock_tcp_get_fd(c)));
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	assert_true(cloexec(udo_vsock_tcp_get_fd(c)));
	fd = t_accept(s);
	assert_true(cloexec(fd));
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void contexts_report_the_hybrid_transport(void **state)
{
	struct udo_vsock_tcp *s = server(), *c = client(udo_vsock_tcp_get_port(s));

	assert_string_equal(udo_vsock_tcp_get_transport(s), "hybrid");
	assert_string_equal(udo_vsock_tcp_get_transport(c), "hybrid");
	assert_int_equal(udo_vsock_tcp_get_vcid(c), GUEST);
	assert_int_equal(udo_vsock_tcp_get_port(c), udo_vsock_tcp_get_port(s));
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_arguments_are_refused),
		cmocka_unit_test(failed_connects_leak_no_fd),
		cmocka_unit_test(contexts_report_the_hybrid_transport),
		cmocka_unit_test(every_fd_is_close_on_exec),
		cmocka_unit_test(echo_round_trip),
		cmocka_unit_test(sixteen_mib_arrive_intact),
		cmocka_unit_test(caller_memory_is_used_and_never_freed),
		cmocka_unit_test(send_to_a_closed_peer_is_epipe),
	};
	char map[200];
	int r;

	snprintf(uds, sizeof(uds), "%s", t_tmp_path("v.sock"));
	snprintf(map, sizeof(map), "%d=%s", GUEST, uds);
	t_set_hybrid_uds(map);
	t_vmm_start(&vmm, uds, T_VMM_FORWARD);
	r = T_RUN_TRANSPORTS(tests, T_HYBRID);
	t_vmm_stop(&vmm);
	t_tmp_cleanup();
	return r;
}
