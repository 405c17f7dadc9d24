/* SPDX-License-Identifier: MIT */
/*
 * A library program for the udo-vsock tests to talk to (t/cli-*.sh):
 *
 *   cli-echo server          serve on CID 1 and a free port (printed on
 *                            standard output): each connection gets back
 *                            what it sends; at its end of stream the echo
 *                            ends too. Many connections at once. Runs until
 *                            killed.
 *   cli-echo reply PORT      connect to CID 1:PORT, read until end of
 *                            stream, then send it all back and close: only
 *                            a peer that half-closes gets an answer.
 *   cli-echo freeport        print a TCP port free on 127.0.0.1 right now,
 *                            for servers that cannot report their own (socat).
 *   cli-echo refuser [both]  hold a TCP port on 127.0.0.1 (and ::1 with
 *                            both) that refuses connections: bound, not
 *                            listening, so nobody else takes it meanwhile
 *                            (as a freed port may be on a busy machine).
 *                            Prints it, runs until killed.
 *   cli-echo stall           a TCP listener on 127.0.0.1 that never answers:
 *                            its backlog (0) is filled with connections it
 *                            never accepts, so a new connect waits (Linux
 *                            drops the SYN). Prints its port, runs until killed.
 *   cli-echo hold N M PORT   open N TCP connections to 127.0.0.1:PORT (an
 *                            echo behind it), one after another, each
 *                            answering a byte before the next is opened;
 *                            then M more that only connect (in the kernel's
 *                            backlog, accepted or not). Prints N+M, holds
 *                            them all until killed.
 *   cli-echo from ADDR PORT  connect to 127.0.0.1:PORT from ADDR (127.0.0.2:
 *                            a second address on this machine), send
 *                            nothing, never end its side; copy what comes
 *                            to standard output until the peer ends the
 *                            connection (exit 0) or resets it (exit 1).
 *
 * The transport is the library's choice (UDO_VSOCK_TCP_TRANSPORT).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

static int fail(const char *what, const void *ctx)
{
	fprintf(stderr, "cli-echo: %s: %s\n", what,
	        ctx ? udo_log_get_error(ctx) : strerror(errno));
	return 1;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = udo_vsock_tcp_send_data(fd, buf, len, NULL);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t) n;
	}
	return 0;
}

static void *echo_conn(void *arg)
{
	int fd = (int) (long) arg;
	char buf[65536];
	ssize_t n;

	while ((n = udo_vsock_tcp_recv_data(fd, buf, sizeof(buf), NULL)) > 0 || n == -EINTR)
		if (n > 0 && send_all(fd, buf, (size_t) n) < 0)
			break;
	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

static int serve(void)
{
	struct udo_vsock_tcp_server_create_info info = {
		.vcid = VMADDR_CID_LOCAL, .port = -1, .connections = 0,
	};
	struct udo_vsock_tcp *server = udo_vsock_tcp_server_create(NULL, &info);
	pthread_t t;
	int fd;

	if (!server)
		return fail("server on CID 1", NULL);
	/* vsock ports are 32-bit: the unsigned number a client passes back. */
	printf("%u\n", (uint32_t) udo_vsock_tcp_get_port(server));
	fflush(stdout);
	for (;;) {
		fd = udo_vsock_tcp_server_accept(server, NULL);
		if (fd < 0)
			return fail("accept", server);
		if (pthread_create(&t, NULL, echo_conn, (void *) (long) fd) != 0)
			return fail("thread", NULL);
		pthread_detach(t);
	}
}

static int reply(int port)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = VMADDR_CID_LOCAL, .port = port,
	};
	struct udo_vsock_tcp *client = udo_vsock_tcp_client_create(NULL, &info);
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!client || !buf)
		return fail("client for CID 1", NULL);
	if (udo_vsock_tcp_client_connect(client) != 0)
		return fail("connect", client);
	fd = udo_vsock_tcp_get_fd(client);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				return fail("memory", NULL);
		}
		n = udo_vsock_tcp_recv_data(fd, buf + len, cap - len, NULL);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			errno = (int) -n;
			return fail("receive", NULL);
		}
		if (n == 0)
			break;
		len += (size_t) n;
	}
	if (send_all(fd, buf, len) < 0)
		return fail("send", NULL);
	free(buf);
	udo_vsock_tcp_destroy(client);
	return 0;
}

static int freeport(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *) &a, &len) < 0)
		return fail("bind 127.0.0.1:0", NULL);
	printf("%d\n", ntohs(a.sin_port));
	close(fd);
	return 0;
}

/* A non-blocking connect to a: true when it completes within 2 s (a loopback
 * connect completes at once unless its SYN is dropped; a busy machine may
 * take a while all the same, and a stall taken for one would answer). */
static bool connects(const struct sockaddr_in *a, int *fd)
{
	struct pollfd p = { .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);

	p.fd = *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p.fd < 0)
		return false;
	if (connect(p.fd, (const struct sockaddr *) a, sizeof(*a)) == 0)
		return true;
	if (errno != EINPROGRESS || poll(&p, 1, 2000) != 1)
		return false;
	return getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

static int stall(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c, i;

	if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 || listen(fd, 0) < 0 ||
	    getsockname(fd, (struct sockaddr *) &a, &len) < 0)
		return fail("listen on 127.0.0.1:0", NULL);
	/* Fill the queue; the first connect that does not complete proves it full. */
	for (i = 0; connects(&a, &c); i++) {
		if (i == 16) {
			fprintf(stderr, "cli-echo: 16 connects to a backlog of 0 all completed\n");
			return 1;
		}
	}
	close(c);
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;)
		pause();
}

static int hold(int n, int m, int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons((uint16_t) port),
	};
	int i;

	for (i = 0; i < n + m; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		char c = 'x';

		if (fd < 0 || connect(fd, (struct sockaddr *) &a, sizeof(a)) < 0)
			return fail("connect to 127.0.0.1", NULL);
		if (i < n && (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1))
			return fail("echo of one byte", NULL);
	}
	printf("%d\n", n + m);
	fflush(stdout);
	for (;;)
		pause();
}

/* A socket bound to addr:port, not listening; -1 if taken. */
static int bound(int family, const char *addr, int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t) port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
	struct sockaddr *sa = family == AF_INET6 ? (struct sockaddr *) &a6 : (struct sockaddr *) &a4;
	socklen_t len = family == AF_INET6 ? sizeof(a6) : sizeof(a4);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(family, addr, family == AF_INET6 ? (void *) &a6.sin6_addr : (void *) &a4.sin_addr);
	if (fd >= 0 && bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

static int refuser(bool both)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int v4 = -1, v6 = -1, tries;

	/* The kernel's port on 127.0.0.1 may be taken on ::1: try others. */
	for (tries = 0; tries < 1000; tries++) {
		v4 = bound(AF_INET, "127.0.0.1", 0);
		if (v4 < 0 || getsockname(v4, (struct sockaddr *) &a, &len) < 0)
			return fail("bind 127.0.0.1:0", NULL);
		if (!both || (v6 = bound(AF_INET6, "::1", ntohs(a.sin_port))) >= 0)
			break;
		close(v4);
		v4 = -1;
	}
	if (v4 < 0)
		return fail("a port free on both 127.0.0.1 and ::1", NULL);
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;)
		pause();
}

static int from(const char *addr, int port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
	int fd = bound(AF_INET, addr, 0);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return fail("bind the client", NULL);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *) &to, sizeof(to)) < 0)
		return fail("connect", NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t) n, stdout) != (size_t) n)
			return fail("write standard output", NULL);
	if (n < 0)
		return fail("read", NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "freeport"))
		return freeport();
	if (argc == 2 && !strcmp(argv[1], "server"))
		return serve();
	if (argc == 3 && !strcmp(argv[1], "reply"))
		return reply((int) (uint32_t) strtoul(argv[2], NULL, 10));
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "refuser"))
		return refuser(argc == 3 && !strcmp(argv[2], "both"));
	if (argc == 2 && !strcmp(argv[1], "stall"))
		return stall();
	if (argc == 5 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "from"))
		return from(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: cli-echo server | reply PORT | freeport | refuser [both] | stall | "
	        "hold N M PORT | from ADDR PORT\n");
	return 2;
}
