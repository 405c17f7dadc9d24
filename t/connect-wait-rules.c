/* SPDX-License-Identifier: MIT */
/*
 * What a connect wait retries and what bounds it: on hybrid a missing VMM
 * socket and a refused CONNECT are retried, a path that cannot be a socket is
 * not; on tcp the connect timeout still bounds each attempt.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common.h"
#include "hybrid-peer.h"

#define GUEST 7

/* A hybrid client for GUEST:5000 through the VMM socket at path. */
static struct udo_vsock_tcp *hybrid_client(const char *path, unsigned int wait_ms)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = GUEST, .port = 5000 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *c;
	char map[160];

	snprintf(map, sizeof(map), "%d=%s", GUEST, path);
	o.transport = "hybrid";
	o.hybrid_uds = map;
	c = udo_vsock_tcp_client_create_opts(NULL, &info, &o);
	if (!c)
		fail_msg("hybrid client via %s: %s", path, strerror(errno));
	assert_int_equal(udo_vsock_tcp_set_connect_wait(c, wait_ms), 0);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 30000), 0);
	return c;
}

/* Connect c, expect failure with code after about wait_ms and at least
 * min_attempts attempts (a loaded machine may manage few more). */
static void fails_after_wait(struct udo_vsock_tcp *c, int code, long wait_ms,
                             unsigned int min_attempts)
{
	struct timespec start;
	long took;

	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	took = t_elapsed_ms(&start);
	assert_int_equal(errno, code);
	if (!strstr(udo_log_get_error(c), "gave up waiting for the listener"))
		fail_msg("\"%s\" does not say the wait ended", udo_log_get_error(c));
	if (took < wait_ms - 50 || took > wait_ms + 20000) /* loose: a busy machine */
		fail_msg("a %ld ms wait failed after %ld ms", wait_ms, took);
	if (t_wait_attempts(udo_log_get_error(c)) < min_attempts)
		fail_msg("fewer than %u attempts: \"%s\"", min_attempts, udo_log_get_error(c));
}

static void hybrid_missing_vmm_socket_is_retried(void **state)
{
	struct udo_vsock_tcp *c = hybrid_client(t_tmp_path("absent.sock"), 1000);

	fails_after_wait(c, ENOENT, 1000, 2);
	udo_vsock_tcp_destroy(c);
	t_tmp_cleanup();
}

static void hybrid_refused_connect_is_retried(void **state)
{
	struct t_vmm vmm;
	struct udo_vsock_tcp *c;

	t_vmm_start(&vmm, t_tmp_path("refuse.sock"), T_VMM_REFUSE);
	c = hybrid_client(vmm.path, 1000);
	fails_after_wait(c, ECONNREFUSED, 1000, 2);
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
	t_tmp_cleanup();
}

static void *connect_thread(void *arg)
{
	struct udo_vsock_tcp *c = arg;

	return (void *) (intptr_t) udo_vsock_tcp_client_connect(c);
}

static void hybrid_vmm_that_appears_later_is_reached(void **state)
{
	struct timespec pause = { .tv_nsec = 300000000L };
	char path[108];
	struct udo_vsock_tcp *c;
	struct t_vmm vmm;
	pthread_t th;
	void *r;

	snprintf(path, sizeof(path), "%s", t_tmp_path("late.sock"));
	c = hybrid_client(path, 10000);
	assert_int_equal(pthread_create(&th, NULL, connect_thread, c), 0);
	nanosleep(&pause, NULL);
	t_vmm_start(&vmm, path, T_VMM_ACK_AND_DATA);
	pthread_join(th, &r);
	if ((intptr_t) r != 0)
		fail_msg("connect with a 10 s wait: %s", udo_log_get_error(c));
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
	t_tmp_cleanup();
}

static void path_that_cannot_be_a_socket_is_not_retried(void **state)
{
	struct udo_vsock_tcp *c;
	struct timespec start;
	char path[108];
	int fd;

	/* A regular file where the VMM socket's directory should be. */
	fd = open(t_tmp_path("file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/vsock.sock", t_tmp_path("file"));
	c = hybrid_client(path, 5000);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_null(strstr(udo_log_get_error(c), "waiting"));
	if (t_elapsed_ms(&start) > 4000) /* loose (a busy machine), within the wait */
		fail_msg("ENOTDIR took %ld ms with a 5 s wait: retried", t_elapsed_ms(&start));
	udo_vsock_tcp_destroy(c);
	unlink(t_tmp_path("file"));
	t_tmp_cleanup();
}

/*
 * A tcp listener with a backlog of 1 that never accepts: once its queue is
 * full, Linux drops further SYNs and a connect waits. Raw sockets fill it.
 */
static void regular_file_at_the_vmm_socket_path_is_not_retried(void **state)
{
	struct udo_vsock_tcp *c;
	struct timespec start;
	int fd;

	/* A regular file where the VMM's socket should be: the kernel refuses
	 * the connect as if nobody listened, but nothing will ever listen. */
	fd = open(t_tmp_path("vmm.sock"), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	c = hybrid_client(t_tmp_path("vmm.sock"), 5000);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, ENOTSOCK);
	assert_int_equal(udo_log_get_error_code(c), ENOTSOCK);
	assert_non_null(strstr(udo_log_get_error(c), "is not a socket"));
	assert_null(strstr(udo_log_get_error(c), "waiting"));
	if (t_elapsed_ms(&start) > 4000) /* loose (a busy machine), within the wait */
		fail_msg("a regular file took %ld ms with a 5 s wait: retried",
		         t_elapsed_ms(&start));
	udo_vsock_tcp_destroy(c);
	unlink(t_tmp_path("vmm.sock"));
	t_tmp_cleanup();
}

static void connect_timeout_bounds_each_attempt(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1,
	                                               .connections = 1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	struct sockaddr_in sin = { .sin_family = AF_INET,
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct udo_vsock_tcp_opts tcp = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *s, *c;
	int fillers[4], i;

	tcp.transport = "tcp";
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &tcp);
	assert_non_null(s);
	sin.sin_port = htons((uint16_t) udo_vsock_tcp_get_port(s));
	for (i = 0; i < 4; i++) {
		fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		assert_true(fillers[i] >= 0);
		connect(fillers[i], (struct sockaddr *) &sin, sizeof(sin));
	}
	ci.port = udo_vsock_tcp_get_port(s);
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &tcp);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 100), 0);
	assert_int_equal(udo_vsock_tcp_set_connect_wait(c, 800), 0);
	/* Attempts of 100 ms each with pauses between: more than one (without
	 * the bound, one attempt would last the whole wait). */
	fails_after_wait(c, ETIMEDOUT, 800, 2);
	assert_non_null(strstr(udo_log_get_error(c), "no answer within "));
	udo_vsock_tcp_destroy(c);
	for (i = 0; i < 4; i++)
		close(fillers[i]);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hybrid_missing_vmm_socket_is_retried),
		cmocka_unit_test(hybrid_refused_connect_is_retried),
		cmocka_unit_test(hybrid_vmm_that_appears_later_is_reached),
		cmocka_unit_test(path_that_cannot_be_a_socket_is_not_retried),
		cmocka_unit_test(regular_file_at_the_vmm_socket_path_is_not_retried),
		cmocka_unit_test(connect_timeout_bounds_each_attempt),
	};

	return T_RUN(tests);
}
