/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common.h"
#include "activation-passed.h"

int t_inet_socket(int type, const char *addr, bool listening, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t) *port) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) != 0) {
		assert_int_not_equal(*port, 0);
		close(fd);
		return -1;
	}
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

void t_pass(struct t_passed *p, int i, int fd)
{
	p[i].fd = 3 + i;
	if (fd == p[i].fd)
		return;
	if (dup2(fd, p[i].fd) < 0) {
		perror("dup2");
		exit(99);
	}
	close(fd);
}

void t_pass_all(struct t_passed *p, int *fd, int n, int *keep, int nkeep)
{
	char text[16];
	int i;

	/* 3 + i may be one of them until all are out of the way. */
	for (i = 0; i < n; i++)
		fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3 + n);
	for (i = 0; i < nkeep; i++)
		keep[i] = fcntl(keep[i], F_DUPFD_CLOEXEC, 3 + n);
	for (i = 0; i < n; i++)
		t_pass(p, i, fd[i]);
	snprintf(text, sizeof(text), "%d", (int) getpid());
	setenv("LISTEN_PID", text, 1);
	snprintf(text, sizeof(text), "%d", n);
	setenv("LISTEN_FDS", text, 1);
}
