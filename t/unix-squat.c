/* SPDX-License-Identifier: MIT */
/*
 * The unix transport's names against a squatter: any user may bind
 * "@udo-vsock-tcp/P" first. A child of this test drops to uid nobody and
 * binds names; then, as root:
 *  - a client on a port below 1024 refuses that server (EACCES, the uid
 *    and pid named), and the squatter receives nothing;
 *  - a client on a port of 1024 or above connects, as loopback tcp would;
 *  - a server create on the taken name says who holds it;
 *  - a server of root's own on a port below 1024 is trusted.
 * Runs as root (to become nobody); skips otherwise.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "common.h"

#define NOBODY 65534

/* What the squatter holds: a stream and a seqpacket name below 1024, a
 * stream name above. */
enum { LOW_STREAM, LOW_SEQ, HIGH_STREAM, NNAMES };
static const int name_type[NNAMES] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_STREAM };
static int port[NNAMES];
static pid_t squatter;
static int report_fd = -1;   /* the squatter writes what it received here */
static char pid_text[64];

/* Bind the first free name of type from first (of count ports, starting at
 * a place of our own); its port, or -1. */
static int bind_free(int fd, unsigned int first, unsigned int count)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	unsigned int i, p;
	int n;

	for (i = 0; i < count; i++) {
		p = first + ((unsigned int) getpid() * 7u + i) % count;
		n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "udo-vsock-tcp/%u", p);
		if (bind(fd, (struct sockaddr *) &sun,
		         (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n)) == 0)
			return (int) p;
	}
	return -1;
}

/* The squatter, as nobody: bind the names, tell the ports, then accept and
 * report each byte received until the test closes its pipe. */
static void squat(int ports_out, int report, int stop)
{
	int fd[NNAMES], i, conn;
	char c;

	if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
		_exit(90);
	for (i = 0; i < NNAMES; i++) {
		fd[i] = socket(AF_UNIX, name_type[i] | SOCK_CLOEXEC, 0);
		port[i] = i == HIGH_STREAM ? bind_free(fd[i], 40000, 20000)
		                           : bind_free(fd[i], 1, 1023);
		if (port[i] < 0 || listen(fd[i], 8) < 0)
			_exit(91);
	}
	if (write(ports_out, port, sizeof(port)) != (ssize_t) sizeof(port))
		_exit(92);
	close(ports_out);
	for (;;) {
		fd_set set;
		int max = stop;

		FD_ZERO(&set);
		FD_SET(stop, &set);
		for (i = 0; i < NNAMES; i++) {
			FD_SET(fd[i], &set);
			max = fd[i] > max ? fd[i] : max;
		}
		if (select(max + 1, &set, NULL, NULL, NULL) < 0 || FD_ISSET(stop, &set))
			_exit(0);
		for (i = 0; i < NNAMES; i++) {
			if (!FD_ISSET(fd[i], &set) || (conn = accept(fd[i], NULL, NULL)) < 0)
				continue;
			while (i != HIGH_STREAM && read(conn, &c, 1) == 1)
				if (write(report, &c, 1) < 0)
					_exit(93);
			close(conn);
		}
	}
}

static void start_squatter(void)
{
	int ports[2], report[2], stop[2];

	if (pipe(ports) < 0 || pipe2(report, O_NONBLOCK) < 0 || pipe(stop) < 0)
		exit(99);
	squatter = fork();
	if (squatter < 0)
		exit(99);
	if (squatter == 0) {
		close(ports[0]);
		close(report[0]);
		close(stop[1]);
		squat(ports[1], report[1], stop[0]);
	}
	close(ports[1]);
	close(report[1]);
	close(stop[0]);
	/* stop[1] stays open until this process exits: then the squatter ends. */
	if (read(ports[0], port, sizeof(port)) != (ssize_t) sizeof(port)) {
		printf("Bail out! the squatter (uid %d) could not bind its names\n", NOBODY);
		exit(99);
	}
	close(ports[0]);
	report_fd = report[0];
	snprintf(pid_text, sizeof(pid_text), "uid %d (pid %d)", NOBODY, (int) squatter);
}

static struct udo_vsock_tcp *client(int type, int p)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL, .port = p };
	struct udo_vsock_tcp *c = t_client_create(NULL, &ci, type);

	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "unix");
	return c;
}

static void a_low_port_of_another_user_is_refused(int type, int p)
{
	struct udo_vsock_tcp *c = client(type, p);
	char c1;

	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(udo_log_get_error_code(c), EACCES);
	assert_non_null(strstr(udo_log_get_error(c), pid_text));
	/* Nothing can be sent to the squatter on this context. */
	assert_true(udo_vsock_tcp_client_send_data(c, "secret", 6, NULL) < 0);
	udo_vsock_tcp_destroy(c);
	assert_int_equal(read(report_fd, &c1, 1), -1);
	assert_int_equal(errno, EAGAIN);
}

static void stream_client_refuses_a_low_port_held_by_nobody(void **state)
{
	(void) state;
	a_low_port_of_another_user_is_refused(SOCK_STREAM, port[LOW_STREAM]);
}

static void seqpacket_client_refuses_a_low_port_held_by_nobody(void **state)
{
	(void) state;
	a_low_port_of_another_user_is_refused(SOCK_SEQPACKET, port[LOW_SEQ]);
}

static void a_port_of_1024_and_above_is_open_to_any_user(void **state)
{
	struct udo_vsock_tcp *c = client(SOCK_STREAM, port[HIGH_STREAM]);

	(void) state;
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	udo_vsock_tcp_destroy(c);
}

static void a_server_on_a_taken_name_says_who_holds_it(void **state)
{
	struct udo_vsock_tcp_server_create_info si = {
		.vcid = VMADDR_CID_LOCAL, .port = port[LOW_SEQ],
	};
	struct udo_vsock_tcp *s = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	char want[96];

	(void) state;
	assert_non_null(s);
	assert_null(t_server_create(s, &si, SOCK_SEQPACKET));
	assert_int_equal(errno, EADDRINUSE);
	snprintf(want, sizeof(want), "held by %s", pid_text);
	assert_non_null(strstr(udo_log_get_error(s), want));
	assert_non_null(strstr(udo_log_get_error(s), "another process holds"));
	free(s);
}

static void a_low_port_server_of_our_own_is_trusted(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL };
	struct udo_vsock_tcp *s = NULL, *c;
	int p, conn;

	(void) state;
	/* A free name below 1024 (the squatter's taken ones are not). */
	for (p = 1000; p > 0 && !s; p--) {
		si.port = p;
		s = t_server_create(NULL, &si, 0);
	}
	assert_non_null(s);
	c = client(SOCK_STREAM, udo_vsock_tcp_get_port(s));
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = t_accept(s);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_client_refuses_a_low_port_held_by_nobody),
		cmocka_unit_test(seqpacket_client_refuses_a_low_port_held_by_nobody),
		cmocka_unit_test(a_port_of_1024_and_above_is_open_to_any_user),
		cmocka_unit_test(a_server_on_a_taken_name_says_who_holds_it),
		cmocka_unit_test(a_low_port_server_of_our_own_is_trusted),
	};

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root, to run a squatter as uid %d (nobody)\n", NOBODY);
		return 0;
	}
	t_use_transport("unix");
	signal(SIGPIPE, SIG_IGN);
	start_squatter();
	return T_RUN(tests);
}
