/* SPDX-License-Identifier: MIT */
/*
 * The receiving end of `udo-vsock connect --fdpass`, as ssh's
 * ProxyUseFdpass is (t/activation-fdpass.sh):
 *
 *   fdpass-recv COMMAND [ARG]...
 *
 * runs COMMAND with standard output one end of a socketpair, receives one
 * fd on the other (SCM_RIGHTS), checks that it is a connected stream
 * socket, sends "ping\n" on it, half-closes, and prints what comes back
 * with the socket's family: "AF_INET ping" (an echo server answers). Exit 0,
 * or 1 with a line on stderr.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "fdpass-recv: %s: %s\n", what, strerror(errno));
	return 1;
}

/* One fd from sock, or -1. */
static int receive_fd(int sock)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static const char *family_name(int family)
{
	switch (family) {
	case AF_INET: return "AF_INET";
	case AF_INET6: return "AF_INET6";
	case AF_VSOCK: return "AF_VSOCK";
	case AF_UNIX: return "AF_UNIX";
	default: return "AF_?";
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char buf[64];
	int sv[2], fd, status, family = 0;
	socklen_t flen = sizeof(family);
	ssize_t n, got = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: fdpass-recv COMMAND [ARG]...\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return die("socketpair");
	pid = fork();
	if (pid < 0)
		return die("fork");
	if (pid == 0) {
		dup2(sv[1], STDOUT_FILENO);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	close(sv[1]);
	fd = receive_fd(sv[0]);
	if (fd < 0)
		return die("receive the connection");
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "fdpass-recv: %s did not exit 0\n", argv[1]);
		return 1;
	}
	if (getpeername(fd, (struct sockaddr *) &peer, &len) < 0)
		return die("the fd received is not a connected socket (getpeername)");
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &flen);
	if (send(fd, "ping\n", 5, MSG_NOSIGNAL) != 5 || shutdown(fd, SHUT_WR) < 0)
		return die("send on the fd received");
	while ((n = recv(fd, buf + got, sizeof(buf) - 1 - (size_t) got, 0)) > 0)
		got += n;
	buf[got] = '\0';
	printf("%s %s", family_name(family), buf);
	return 0;
}
