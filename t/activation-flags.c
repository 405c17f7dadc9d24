/* SPDX-License-Identifier: MIT */
/*
 * Socket activation leaves alone what it does not adopt: the passed fds a
 * create does not take keep their close-on-exec flag as the service
 * manager (or the program) left it, whether the create adopts one of the
 * others or none at all; only the adopted fd is made close-on-exec. A
 * program that creates a server and then execs a helper still hands the
 * helper its other sockets.
 *
 * The library reads the passed fds once per process, at its first server
 * create: each case runs in a child of its own, which passes itself the
 * sockets (LISTEN_PID, LISTEN_FDS, fds from 3) as a service manager would.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

#define MAXPASS 8

static int report = -1;            /* the child's pipe to its parent */
static int passed_port[MAXPASS];   /* the port of fd 3 + i */

/* A tcp listener on 127.0.0.1 and a port the kernel picks. */
static int tcp_listener(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *) &sin, &len) < 0)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Pass n tcp listeners as fds 3.., fd 3 + i close-on-exec when cloexec[i];
 * LISTEN_FDS is listen_fds (NULL: n). Returns 0, or -1. */
static int pass(int n, const bool *cloexec, const char *listen_fds)
{
	int fd[MAXPASS], i;
	char text[16];

	for (i = 0; i < n; i++) {
		fd[i] = tcp_listener(&passed_port[i]);
		/* Out of the way of 3.., where they go next. */
		if (fd[i] < 0 || (fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3 + MAXPASS)) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		if (dup2(fd[i], 3 + i) < 0 ||
		    fcntl(3 + i, F_SETFD, cloexec[i] ? FD_CLOEXEC : 0) < 0)
			return -1;
		close(fd[i]);
	}
	snprintf(text, sizeof(text), "%d", (int) getpid());
	setenv("LISTEN_PID", text, 1);
	snprintf(text, sizeof(text), "%d", n);
	setenv("LISTEN_FDS", listen_fds ? listen_fds : text, 1);
	return 0;
}

/* In the child: say what went wrong (the parent fails the test with it). */
static int child_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int child_fail(const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (write(report, msg, strlen(msg)) < 0)
		_exit(98);
	return 1;
}

/* Run body in a child of its own; fail with what it says. */
static void in_child(int (*body)(void))
{
	char msg[700] = "";
	int p[2], status = -1;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		report = fcntl(p[1], F_DUPFD_CLOEXEC, 64);
		close(p[1]);
		_exit(body());
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s (child status 0x%x)", msg[0] ? msg : "the child failed", status);
}

static struct udo_vsock_tcp *tcp_server(int port)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = port };

	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp", 1);
	return udo_vsock_tcp_server_create(NULL, &si);
}

static bool is_cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* The flags of fds 3 .. 3 + n - 1 are want[], but for skip (-1: none). */
static int flags_are(int n, const bool *want, int skip)
{
	for (int i = 0; i < n; i++)
		if (i != skip && is_cloexec(3 + i) != want[i])
			return child_fail("passed fd %d: close-on-exec %s, was %s before the create",
			                  3 + i, is_cloexec(3 + i) ? "set" : "cleared",
			                  want[i] ? "set" : "cleared");
	return 0;
}

static const bool mixed[3] = { false, false, true };

static int adopt_one_keep_the_others(void)
{
	struct udo_vsock_tcp *s;

	if (pass(3, mixed, NULL) < 0)
		return child_fail("pass the sockets: %s", strerror(errno));
	s = tcp_server(passed_port[0]);
	if (!s || udo_vsock_tcp_get_fd(s) != 3)
		return child_fail("the server did not adopt fd 3: %s",
		                  s ? "it has another fd" : strerror(errno));
	if (!is_cloexec(3))
		return child_fail("the adopted fd 3 is not close-on-exec");
	return flags_are(3, mixed, 0);
}

static int adopt_none_keep_all(void)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp *s;

	if (pass(3, mixed, NULL) < 0)
		return child_fail("pass the sockets: %s", strerror(errno));
	/* A unix server: the passed tcp sockets are not for it. */
	setenv("UDO_VSOCK_TCP_TRANSPORT", "unix", 1);
	s = udo_vsock_tcp_server_create(NULL, &si);
	if (!s)
		return child_fail("a unix server of its own: %s", strerror(errno));
	if (udo_vsock_tcp_get_fd(s) < 3 + 3)
		return child_fail("the unix server took passed fd %d", udo_vsock_tcp_get_fd(s));
	udo_vsock_tcp_destroy(s);
	return flags_are(3, mixed, -1);
}

static void the_fds_a_create_does_not_adopt_keep_their_flags(void **state)
{
	(void) state;
	in_child(adopt_one_keep_the_others);
}

static void a_create_that_adopts_nothing_changes_no_flag(void **state)
{
	(void) state;
	in_child(adopt_none_keep_all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_fds_a_create_does_not_adopt_keep_their_flags),
		cmocka_unit_test(a_create_that_adopts_nothing_changes_no_flag),
	};

#ifndef HAVE_LIBSYSTEMD
	printf("1..0 # SKIP built without libsystemd: no socket activation\n");
	return 0;
#endif
	return T_RUN(tests);
}
