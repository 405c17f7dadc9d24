/* SPDX-License-Identifier: MIT */
/*
 * Signals whose handlers have SA_RESTART change nothing a program sees:
 * connects succeed while they arrive, a connect waiting for room in a unix
 * listener's backlog gets in once the listener accepts, and accept goes on
 * (as accept(2) does; tcp, unix, and vsock where it loops back). Without
 * SA_RESTART, accept ends with EINTR.
 * Connects that signals interrupt or that end at their bound:
 * t/connect-signals.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common.h"
#include "signal-ticker.h"

#define TICK_MS 50
#define TICKS_MAX (10000 / TICK_MS)
/* Connects go on until this many signals came (one every millisecond), or
 * 5000 connects. */
#define TICKS_DURING 100

static void sleep_ms(int ms)
{
	struct timespec d = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };

	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

/* Connects while SIGALRM comes every millisecond: every one succeeds.
 * Each bounded by a connect timeout (timeout_ms; so each waits in the
 * library), or with none: then tcp and unix make the kernel's plain
 * connect, which restarts, and vsock's too, which the kernel ends with
 * EINTR even after an SA_RESTART handler (its connect always has a
 * timeout), so the library goes on by itself. */
static void connects_go_through(const char *transport, unsigned int timeout_ms)
{
	struct udo_vsock_tcp *s = t_server_on(transport, 64), *c;
	int i, fd, port = udo_vsock_tcp_get_port(s);

	t_ticker_start(SA_RESTART, 1, 1000000);
	for (i = 0; t_ticks < TICKS_DURING && i < 5000; i++) {
		c = t_client_on(transport, T_CID, port, NULL);
		assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, timeout_ms), 0);
		if (udo_vsock_tcp_client_connect(c) != 0) {
			t_ticker_stop();
			fail_msg("connect %d on %s: %s", i + 1, transport,
			         udo_log_get_error(c));
		}
		fd = udo_vsock_tcp_server_accept(s, NULL);
		if (fd < 0) {
			t_ticker_stop();
			fail_msg("accept %d on %s: %s", i + 1, transport,
			         udo_log_get_error(s));
		}
		close(fd);
		udo_vsock_tcp_destroy(c);
	}
	t_ticker_stop();
	udo_vsock_tcp_destroy(s);
}

static void tcp_connects_go_through_sa_restart_signals(void **state)
{
	connects_go_through("tcp", 10000);
}

static void unix_connects_go_through_sa_restart_signals(void **state)
{
	connects_go_through("unix", 10000);
}

static void vsock_connects_go_through_sa_restart_signals(void **state)
{
	if (!t_have_vsock_loopback()) {
		print_message("# skip: no vsock loopback here (a bind to CID 1 fails)\n");
		skip();
	}
	connects_go_through("vsock", 10000);
}

static void tcp_connects_without_timeout_go_through_sa_restart_signals(void **state)
{
	connects_go_through("tcp", 0);
}

static void unix_connects_without_timeout_go_through_sa_restart_signals(void **state)
{
	connects_go_through("unix", 0);
}

static void vsock_connects_without_timeout_go_through_sa_restart_signals(void **state)
{
	if (!t_have_vsock_loopback()) {
		print_message("# skip: no vsock loopback here (a bind to CID 1 fails)\n");
		skip();
	}
	connects_go_through("vsock", 0);
}

/* A unix listener whose backlog is full: a child (sharing the listening
 * socket) accepts after 300 ms, and the waiting connect gets in. */
static void unix_connect_gets_in_once_the_listener_accepts(void **state)
{
	struct udo_vsock_tcp *s = t_server_on("unix", 1), *c;
	struct sockaddr_un sun;
	socklen_t len = t_abstract_name(&sun, udo_vsock_tcp_get_port(s));
	struct timespec start;
	int fillers[8], i, r;
	pid_t pid;
	long took;

	for (i = 0; i < 8; i++) {
		fillers[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		assert_true(fillers[i] >= 0);
		connect(fillers[i], (struct sockaddr *) &sun, len);
	}
	c = t_client_on("unix", T_CID, udo_vsock_tcp_get_port(s), NULL);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 10000), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sleep_ms(300);
		for (;;)
			accept(udo_vsock_tcp_get_fd(s), NULL, NULL);
	}
	t_ticker_start(SA_RESTART, TICK_MS, TICKS_MAX);
	clock_gettime(CLOCK_MONOTONIC, &start);
	r = udo_vsock_tcp_client_connect(c);
	took = t_elapsed_ms(&start);
	t_ticker_stop();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (r != 0)
		fail_msg("connect: %s after %ld ms", udo_log_get_error(c), took);
	if (t_ticks < 3)
		fail_msg("only %d signals arrived during a %ld ms connect", (int) t_ticks, took);
	for (i = 0; i < 8; i++)
		close(fillers[i]);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

/* A child that connects to s (on transport) after delay_ms: tcp to
 * 127.0.0.1, unix to the abstract name, vsock to CID 1. */
static pid_t connect_later(struct udo_vsock_tcp *s, const char *transport, int delay_ms)
{
	struct sockaddr_vm svm = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_LOCAL,
	                           .svm_port = (unsigned int) udo_vsock_tcp_get_port(s) };
	struct sockaddr_in sin = { .sin_family = AF_INET,
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                           .sin_port = htons((uint16_t) udo_vsock_tcp_get_port(s)) };
	struct sockaddr_un sun;
	socklen_t len = t_abstract_name(&sun, udo_vsock_tcp_get_port(s));
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid)
		return pid;
	sleep_ms(delay_ms);
	if (!strcmp(transport, "unix")) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		connect(fd, (struct sockaddr *) &sun, len);
	} else if (!strcmp(transport, "vsock")) {
		fd = socket(AF_VSOCK, SOCK_STREAM, 0);
		connect(fd, (struct sockaddr *) &svm, sizeof(svm));
	} else {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		connect(fd, (struct sockaddr *) &sin, sizeof(sin));
	}
	pause();
	_exit(0);
}

static void accept_with_ticks(const char *transport, int flags)
{
	struct udo_vsock_tcp *s = t_server_on(transport, 4);
	/* Without SA_RESTART nobody comes before the deadline: only a signal
	 * ends the accept (the late client keeps a broken test from hanging). */
	pid_t pid = connect_later(s, transport, flags ? 500 : 4000);
	struct timespec start;
	int fd, code;
	long took;

	t_ticker_start(flags, TICK_MS, TICKS_MAX);
	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	fd = udo_vsock_tcp_server_accept(s, NULL);
	code = errno;
	took = t_elapsed_ms(&start);
	t_ticker_stop();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (flags && fd < 0)
		fail_msg("accept on %s with SA_RESTART signals: %s after %ld ms", transport,
		         strerror(code), took);
	if (flags && t_ticks < 3)
		fail_msg("only %d signals arrived during a %ld ms accept", (int) t_ticks, took);
	if (!flags && (fd >= 0 || code != EINTR || took > 3000))
		fail_msg("accept on %s without SA_RESTART: %d (%s) after %ld ms, not EINTR",
		         transport, fd, strerror(code), took);
	if (fd >= 0)
		close(fd);
	udo_vsock_tcp_destroy(s);
}

static void tcp_accept_is_restarted_with_sa_restart(void **state)
{
	accept_with_ticks("tcp", SA_RESTART);
}

static void tcp_accept_ends_with_eintr_without_sa_restart(void **state)
{
	accept_with_ticks("tcp", 0);
}

static void unix_accept_is_restarted_with_sa_restart(void **state)
{
	accept_with_ticks("unix", SA_RESTART);
}

static void unix_accept_ends_with_eintr_without_sa_restart(void **state)
{
	accept_with_ticks("unix", 0);
}

static void vsock_accept_is_restarted_with_sa_restart(void **state)
{
	if (!t_have_vsock_loopback()) {
		print_message("# skip: no vsock loopback here (a bind to CID 1 fails)\n");
		skip();
	}
	accept_with_ticks("vsock", SA_RESTART);
}

static void vsock_accept_ends_with_eintr_without_sa_restart(void **state)
{
	if (!t_have_vsock_loopback()) {
		print_message("# skip: no vsock loopback here (a bind to CID 1 fails)\n");
		skip();
	}
	accept_with_ticks("vsock", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_connects_go_through_sa_restart_signals),
		cmocka_unit_test(unix_connects_go_through_sa_restart_signals),
		cmocka_unit_test(vsock_connects_go_through_sa_restart_signals),
		cmocka_unit_test(tcp_connects_without_timeout_go_through_sa_restart_signals),
		cmocka_unit_test(unix_connects_without_timeout_go_through_sa_restart_signals),
		cmocka_unit_test(vsock_connects_without_timeout_go_through_sa_restart_signals),
		cmocka_unit_test(unix_connect_gets_in_once_the_listener_accepts),
		cmocka_unit_test(tcp_accept_is_restarted_with_sa_restart),
		cmocka_unit_test(tcp_accept_ends_with_eintr_without_sa_restart),
		cmocka_unit_test(unix_accept_is_restarted_with_sa_restart),
		cmocka_unit_test(unix_accept_ends_with_eintr_without_sa_restart),
		cmocka_unit_test(vsock_accept_is_restarted_with_sa_restart),
		cmocka_unit_test(vsock_accept_ends_with_eintr_without_sa_restart),
	};

	return T_RUN(tests);
}
