/* SPDX-License-Identifier: MIT */
/* Socket-activation tests in a child of their own (t/activation-child.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"
#include "activation-child.h"

static int report = -1; /* the child's pipe to its parent */
int t_passed_port[T_MAXPASS];

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

int t_pass(int n, const bool *cloexec, const char *listen_fds)
{
	int fd[T_MAXPASS], i;
	char text[16];

	for (i = 0; i < n; i++) {
		fd[i] = tcp_listener(&t_passed_port[i]);
		/* Out of the way of 3.., where they go next. */
		if (fd[i] < 0 || (fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3 + T_MAXPASS)) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		if (dup2(fd[i], 3 + i) < 0 ||
		    fcntl(3 + i, F_SETFD, cloexec && cloexec[i] ? FD_CLOEXEC : 0) < 0)
			return -1;
		close(fd[i]);
	}
	snprintf(text, sizeof(text), "%d", (int) getpid());
	setenv("LISTEN_PID", text, 1); /* LISTEN_* are the protocol itself */
	snprintf(text, sizeof(text), "%d", n);
	setenv("LISTEN_FDS", listen_fds ? listen_fds : text, 1);
	return 0;
}

int t_child_fail(const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (write(report, msg, strlen(msg)) < 0)
		_exit(98);
	return 1;
}

void t_in_child(int (*body)(void))
{
	char msg[800] = "";
	int p[2], status = -1;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		/* Far from 3.., where the passed fds go. */
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

struct udo_vsock_tcp *t_tcp_server(int port)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = "tcp";
	return udo_vsock_tcp_server_create_opts(NULL, &si, &o);
}
