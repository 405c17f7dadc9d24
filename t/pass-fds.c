/* SPDX-License-Identifier: MIT */
/*
 * Socket activation for the tests, where systemd-socket-activate cannot
 * serve: it binds the ports it is told (a test must not pick ports and
 * hope), waits for a first connection before it starts the program, and
 * Debian 12's refuses vsock seqpacket. This one makes listeners on ports
 * the kernel picks, writes the ports, and execs the program with them
 * passed (fds from 3, LISTEN_PID, LISTEN_FDS) at once:
 *
 *   pass-fds PORTFILE SPEC... -- PROGRAM ARGS...
 *
 * SPEC: tcp (127.0.0.1), tcp*N (N of them), vsock / vsock-seqpacket (CID
 * any), unix / unix-seqpacket (the unix transport's abstract name
 * udo-vsock-tcp/P, P free from 49152). PORTFILE gets one port a line, in
 * order, complete once it exists. Exit 77 when a socket cannot be made
 * here (no vsock), 99 on other errors.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>

#define MAXFDS 1000

static int fds[MAXFDS];
static unsigned int ports[MAXFDS];
static int nfds, total; /* made so far, to make in all */

static void die(int status, const char *what)
{
	fprintf(stderr, "pass-fds: %s: %s\n", what, strerror(errno));
	exit(status);
}

static void add(int fd, unsigned int port)
{
	if (listen(fd, SOMAXCONN) < 0)
		die(99, "listen");
	/* Out of the way of 3 .. 3 + total - 1, where they go at the end. */
	fds[nfds] = fcntl(fd, F_DUPFD_CLOEXEC, 3 + total);
	if (fds[nfds] < 0)
		die(99, "move a socket out of the way (the fd limit is twice the count)");
	close(fd);
	ports[nfds++] = port;
}

static void tcp(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *) &sin, &len) < 0)
		die(99, "tcp listener");
	add(fd, ntohs(sin.sin_port));
}

static void vsock(int type)
{
	struct sockaddr_vm svm = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY,
	                           .svm_port = VMADDR_PORT_ANY };
	socklen_t len = sizeof(svm);
	int fd = socket(AF_VSOCK, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *) &svm, sizeof(svm)) < 0 ||
	    getsockname(fd, (struct sockaddr *) &svm, &len) < 0)
		die(77, "vsock listener on CID any");
	add(fd, svm.svm_port);
}

static void unix_name(int type)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), n;
	unsigned int i, port;

	if (fd < 0)
		die(99, "unix socket");
	for (i = 0; i < 16384; i++) {
		port = 49152 + ((unsigned int) getpid() * 31u + i) % 16384u;
		n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "udo-vsock-tcp/%u", port);
		if (bind(fd, (struct sockaddr *) &sun,
		         (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n)) == 0) {
			add(fd, port);
			return;
		}
	}
	die(99, "no free @udo-vsock-tcp/ name from 49152");
}

static void write_ports(const char *file)
{
	char tmp[4096];
	FILE *f;
	int i;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f)
		die(99, tmp);
	for (i = 0; i < nfds; i++)
		fprintf(f, "%u\n", ports[i]);
	if (fclose(f) != 0 || rename(tmp, file) < 0)
		die(99, file);
}

int main(int argc, char **argv)
{
	char text[16];
	int i, n;

	if (argc < 4) {
		fprintf(stderr, "usage: pass-fds PORTFILE SPEC... -- PROGRAM ARGS...\n");
		return 99;
	}
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++)
		total += strncmp(argv[i], "tcp*", 4) ? 1 : atoi(argv[i] + 4);
	if (total > MAXFDS) {
		fprintf(stderr, "pass-fds: at most %d sockets\n", MAXFDS);
		return 99;
	}
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "tcp"))
			tcp();
		else if (!strncmp(argv[i], "tcp*", 4))
			for (n = atoi(argv[i] + 4); n > 0; n--)
				tcp();
		else if (!strcmp(argv[i], "vsock"))
			vsock(SOCK_STREAM);
		else if (!strcmp(argv[i], "vsock-seqpacket"))
			vsock(SOCK_SEQPACKET);
		else if (!strcmp(argv[i], "unix"))
			unix_name(SOCK_STREAM);
		else if (!strcmp(argv[i], "unix-seqpacket"))
			unix_name(SOCK_SEQPACKET);
		else {
			fprintf(stderr, "pass-fds: unknown socket \"%s\"\n", argv[i]);
			return 99;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "pass-fds: no program after --\n");
		return 99;
	}
	write_ports(argv[1]);
	for (n = 0; n < nfds; n++)
		if (dup2(fds[n], 3 + n) < 0) /* dup2 clears close-on-exec */
			die(99, "dup2");
	for (n = 0; n < nfds; n++)
		close(fds[n]);
	snprintf(text, sizeof(text), "%d", (int) getpid());
	setenv("LISTEN_PID", text, 1); /* LISTEN_* are the protocol itself */
	snprintf(text, sizeof(text), "%d", nfds);
	setenv("LISTEN_FDS", text, 1);
	unsetenv("LISTEN_FDNAMES");
	execvp(argv[i + 1], argv + i + 1);
	die(99, argv[i + 1]);
	return 99;
}
