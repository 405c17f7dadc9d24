/* SPDX-License-Identifier: MIT */
/*
 * Connects that wait for the listener: udo_vsock_tcp_set_connect_wait() and
 * UDO_VSOCK_TCP_CONNECT_WAIT_MS, once per transport (given in opts): tcp and
 * unix, and vsock where it loops back (the check-vm guest). Hybrid's waits:
 * t/connect-wait-rules.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define ENV "UDO_VSOCK_TCP_CONNECT_WAIT_MS"

static struct udo_vsock_tcp *client_for(int port, unsigned int wait_ms)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = port };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);

	if (!c)
		fail_msg("client for %u:%d: %s", T_CID, port, strerror(errno));
	assert_int_equal(udo_vsock_tcp_set_connect_wait(c, wait_ms), 0);
	return c;
}

static void null_or_server_context_is_einval(void **state)
{
	struct udo_vsock_tcp *s = t_server();

	errno = 0;
	assert_int_equal(udo_vsock_tcp_set_connect_wait(NULL, 100), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(udo_vsock_tcp_set_connect_wait(s, 100), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(udo_log_get_error(s), "not a client context"));
	udo_vsock_tcp_destroy(s);
}

static void wait_above_int_max_is_einval(void **state)
{
	struct udo_vsock_tcp *c = client_for(1, 0);

	assert_int_equal(udo_vsock_tcp_set_connect_wait(c, (unsigned int) INT_MAX + 1u), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(udo_log_get_error(c), "2147483648 ms is out of range"));
	assert_int_equal(udo_vsock_tcp_set_connect_wait(c, INT_MAX), 0);
	udo_vsock_tcp_destroy(c);
}

static void malformed_environment_fails_create_quoting_it(void **state)
{
	const char *bad[] = { "1s", "-1", "2147483648", " 5", "0x10", "99999999999999999999" };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 1 };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	char want[80];
	size_t i;
	int before = t_count_fds();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv(ENV, bad[i], 1); /* the variable is what this test is about */
		snprintf(want, sizeof(want), ENV "=\"%s\" is not a connect wait", bad[i]);
		errno = 0;
		assert_null(t_client_create(NULL, &ci, 0));
		assert_int_equal(errno, EINVAL);
		errno = 0;
		assert_null(t_server_create(NULL, &si, 0));
		assert_int_equal(errno, EINVAL);
	}
	/* The message, read from caller memory. */
	{
		struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());

		assert_null(t_client_create(mem, &ci, 0));
		if (!strstr(udo_log_get_error(mem), want))
			fail_msg("\"%s\" lacks \"%s\"", udo_log_get_error(mem), want);
		free(mem);
	}
	unsetenv(ENV);
	assert_int_equal(t_count_fds(), before);
}

struct late_server {
	int port;
	int delay_ms;
	struct udo_vsock_tcp *s;
	int conn;
};

/* Comes up delay_ms after the client started, accepts one connection. */
static void *late_server_run(void *arg)
{
	struct late_server *l = arg;
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = l->port };
	struct timespec d = { .tv_sec = l->delay_ms / 1000,
	                      .tv_nsec = (long) (l->delay_ms % 1000) * 1000000L };

	nanosleep(&d, NULL);
	l->s = t_server_create(NULL, &si, 0);
	l->conn = l->s ? udo_vsock_tcp_server_accept(l->s, NULL) : -1;
	return NULL;
}

static void client_reaches_a_server_that_appears_later(void **state)
{
	struct late_server l = { .port = t_unused_port(), .delay_ms = 500, .conn = -1 };
	struct udo_vsock_tcp *c = client_for(l.port, 60000);
	struct timespec start;
	pthread_t th;
	char buf[2];
	long took;

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(pthread_create(&th, NULL, late_server_run, &l), 0);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect with a 60 s wait: %s", udo_log_get_error(c));
	took = t_elapsed_ms(&start);
	assert_int_equal(udo_log_get_error_code(c), 0);
	pthread_join(th, NULL);
	assert_non_null(l.s);
	assert_true(l.conn >= 0);
	/* It waited for the server, and gave up nowhere near its 60 s (the
	 * upper bound leaves room for a busy machine). */
	if (took < 400 || took > 30000)
		fail_msg("connected after %ld ms to a server that came after 500 ms", took);
	t_send_all(udo_vsock_tcp_get_fd(c), "up", 2);
	t_recv_all(l.conn, buf, 2);
	assert_memory_equal(buf, "up", 2);
	close(l.conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(l.s);
}

static void environment_wait_reaches_a_server_that_appears_later(void **state)
{
	struct late_server l = { .port = t_unused_port(), .delay_ms = 300, .conn = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = l.port };
	struct udo_vsock_tcp *c;
	pthread_t th;

	setenv(ENV, "10000", 1); /* the variable is what this test is about */
	c = t_client_create(NULL, &ci, 0);
	unsetenv(ENV);
	assert_non_null(c);
	assert_int_equal(pthread_create(&th, NULL, late_server_run, &l), 0);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect with UDO_VSOCK_TCP_CONNECT_WAIT_MS=10000: %s",
		         udo_log_get_error(c));
	pthread_join(th, NULL);
	assert_true(l.conn >= 0);
	close(l.conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(l.s);
}

static void without_a_server_it_fails_after_the_wait_with_the_last_error(void **state)
{
	struct udo_vsock_tcp *c = client_for(t_unused_port(), 700);
	int code = t_refused_errno(udo_vsock_tcp_get_transport(c));
	struct timespec start;
	int before = t_count_fds();
	long took;

	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	took = t_elapsed_ms(&start);
	assert_int_equal(errno, code);
	assert_int_equal(udo_log_get_error_code(c), code);
	assert_non_null(strstr(udo_log_get_error(c), strerror(code)));
	assert_non_null(strstr(udo_log_get_error(c), "gave up waiting for the listener after "));
	assert_non_null(strstr(udo_log_get_error(c), "(connect wait 700 ms)"));
	/* Pauses of 4, 8, ... ms: more than one attempt, not one per millisecond. */
	assert_in_range(t_wait_attempts(udo_log_get_error(c)), 2, 50);
	if (took < 650 || took > 20000) /* loose: a busy machine */
		fail_msg("a 700 ms wait failed after %ld ms", took);
	/* The context still holds one socket; nothing more. */
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(c);
}

static void zero_means_one_attempt(void **state)
{
	struct udo_vsock_tcp *c = client_for(t_unused_port(), 0);
	int code = t_refused_errno(udo_vsock_tcp_get_transport(c));

	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, code);
	assert_null(strstr(udo_log_get_error(c), "waiting"));
	udo_vsock_tcp_destroy(c);
}

static void on_alarm(int sig)
{
	(void) sig;
}

/* A 1.5 s wait for nobody, with SIGALRM after 300 ms (then every 50 ms when
 * repeat: a signal that lands between two system calls interrupts nothing);
 * the handler installed with or without SA_RESTART. The connect's errno. */
static int connect_with_alarm(int sa_flags, bool repeat, long *took, char *msg, size_t len)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = sa_flags }, old;
	struct itimerval it = { .it_value = { .tv_usec = 300000 },
	                        .it_interval = { .tv_usec = repeat ? 50000 : 0 } }, off = { 0 };
	struct udo_vsock_tcp *c = client_for(t_unused_port(), 1500);
	struct timespec start;
	int r, code;

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	r = udo_vsock_tcp_client_connect(c);
	code = errno;
	*took = t_elapsed_ms(&start);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	assert_int_equal(r, -1);
	assert_int_equal(udo_log_get_error_code(c), (uint32_t) code);
	snprintf(msg, len, "%s", udo_log_get_error(c));
	udo_vsock_tcp_destroy(c);
	return code;
}

static void signal_without_sa_restart_ends_the_wait_with_eintr(void **state)
{
	char msg[600];
	long took;

	assert_int_equal(connect_with_alarm(0, true, &took, msg, sizeof(msg)), EINTR);
	assert_non_null(strstr(msg, "interrupted by a signal after "));
	if (took < 250 || took > 10000) /* the errno says it was the signal */
		fail_msg("EINTR after %ld ms for a signal after 300 ms", took);
}

static void signal_with_sa_restart_lets_the_wait_go_on(void **state)
{
	char msg[600];
	long took;
	int code = connect_with_alarm(SA_RESTART, false, &took, msg, sizeof(msg));

	assert_int_equal(code, t_refused_errno(t_transport()));
	assert_non_null(strstr(msg, "gave up waiting for the listener"));
	if (took < 1400)
		fail_msg("a 1500 ms wait ended after %ld ms", took);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_or_server_context_is_einval),
		cmocka_unit_test(wait_above_int_max_is_einval),
		cmocka_unit_test(malformed_environment_fails_create_quoting_it),
		cmocka_unit_test(zero_means_one_attempt),
		cmocka_unit_test(without_a_server_it_fails_after_the_wait_with_the_last_error),
		cmocka_unit_test(client_reaches_a_server_that_appears_later),
		cmocka_unit_test(environment_wait_reaches_a_server_that_appears_later),
		cmocka_unit_test(signal_without_sa_restart_ends_the_wait_with_eintr),
		cmocka_unit_test(signal_with_sa_restart_lets_the_wait_go_on),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
