/* SPDX-License-Identifier: MIT */
/*
 * Both ends of a relay under test, in plain sockets over loopback tcp
 * (t/cli-relay-*.sh):
 *
 *   relay-peer server ADDR         an echo server on ADDR and a port the
 *                                  kernel picks (printed), one epoll loop for
 *                                  any number of connections
 *   relay-peer greet ADDR PORT TEXT  each connection gets TEXT, then is closed
 *   relay-peer hogged ADDR         the echo server, except that a connection
 *                                  whose first byte is 'h' is never read again
 *   relay-peer hog N PORT          N connections that send 'h' and then bytes
 *                                  for ever, never reading; once each has
 *                                  met a full socket, probes one at a time
 *                                  while they go on: "echoed 5" when five
 *                                  probes got their echo ("no answer" if not)
 *   relay-peer reset PORT          connect, and reset the connection at once
 *   relay-peer big PORT BYTES      one message of BYTES (its send buffer
 *                                  raised for it): "echoed" when it comes
 *                                  back whole
 * hogged, hog and big take the unix transport's seqpacket names too: ADDR
 * "unix" (a free name's port is printed), PORT "unix:N". Messages of up to
 * 1 MiB are echoed whole.
 *   relay-peer clients N PORT      N connections to 127.0.0.1:PORT at once,
 *                                  each sends its own 64 bytes and checks
 *                                  their echo; prints "held N" with all of
 *                                  them open, holds them until standard
 *                                  input ends, then exits 0 (1 on any error)
 *   relay-peer probe PORT          one connection: "echoed" when a byte comes
 *                                  back, "closed" when it is closed first
 *   relay-peer idle PORT           one connection, echoed once, then silent:
 *                                  "closed" once the other side closes it
 *   relay-peer active PORT MS N    one connection echoing a byte every MS ms,
 *                                  N times: "alive N" when all came back
 *   relay-peer notify PATH         a unix datagram socket at PATH (as
 *                                  NOTIFY_SOCKET): each datagram as a line
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "relay-peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void more_fds(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		errno = EINVAL;
		die(ip);
	}
	return sa;
}

/* ADDR "unix", PORT "unix:N": seqpacket on the unix transport's names
 * (@udo-vsock-tcp/N) instead of tcp on loopback. */
static bool unix_sp;

static socklen_t unix_name(struct sockaddr_un *sa, int port)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "udo-vsock-tcp/%d", port);
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n);
}

/* On a free name of the transport's, from a seed (as t/cli-lib.sh's pick_port). */
static int unix_listener(void)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), port = 0, i;

	if (fd < 0)
		die("socket");
	for (i = 0; i < 100; i++) {
		port = 20000 + (int) ((getpid() + i * 257) % 20000);
		if (bind(fd, (struct sockaddr *) &sa, unix_name(&sa, port)) == 0)
			break;
		if (errno != EADDRINUSE)
			die("bind");
	}
	if (i == 100 || listen(fd, 4096) < 0)
		die("listen");
	printf("%d\n", port);
	fflush(stdout);
	return fd;
}

static int listener(const char *ip, int port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	if (!strcmp(ip, "unix")) {
		unix_sp = true;
		return unix_listener();
	}
	sa = addr_of(ip, port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0)
		die("listen");
	getsockname(fd, (struct sockaddr *) &sa, &len);
	printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static int dial(int port)
{
	struct sockaddr_in sa = addr_of("127.0.0.1", port);
	struct sockaddr_un su;
	int fd;

	if (unix_sp) {
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *) &su, unix_name(&su, port)) < 0)
			die("connect");
		return fd;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		die("connect");
	return fd;
}

static int serve(const char *ip, const char *greeting, int port, bool hogged)
{
	int l = listener(ip, port), ep = epoll_create1(EPOLL_CLOEXEC), i, n;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l }, evs[64];
	static char buf[1 << 20];
	int size = sizeof(buf);

	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r;

			if (fd == l) {
				fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
				if (fd < 0)
					continue;
				if (greeting) {
					(void) !write(fd, greeting, strlen(greeting));
					close(fd);
					continue;
				}
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				if (unix_sp)
					setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
				continue;
			}
			/* Blocking writes: the clients read as they go. */
			r = read(fd, buf, sizeof(buf));
			if (hogged && r > 0 && buf[0] == 'h')
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); /* left unread, open */
			else if (r <= 0 || write(fd, buf, (size_t) r) != r)
				close(fd);
		}
	}
}

static int clients(int n, int port)
{
	int *fd = calloc((size_t) n, sizeof(int)), i, bad = 0;
	char want[64], got[64];

	if (!fd)
		die("calloc");
	for (i = 0; i < n; i++)
		fd[i] = dial(port);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%063d", i);
		if (write(fd[i], want, 64) != 64)
			die("write");
	}
	for (i = 0; i < n; i++) {
		size_t off = 0;
		ssize_t r;

		snprintf(want, sizeof(want), "%063d", i);
		while (off < 64 && (r = read(fd[i], got + off, 64 - off)) > 0)
			off += (size_t) r;
		if (off != 64 || memcmp(want, got, 64)) {
			fprintf(stderr, "relay-peer: connection %d: %zu bytes, not its echo\n", i, off);
			bad = 1;
		}
	}
	printf("held %d\n", n);
	fflush(stdout);
	while (read(0, got, sizeof(got)) > 0)
		;
	return bad;
}

static time_t now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* Write to each hog that takes more: 1 when each has met a full socket. */
static int feed(struct pollfd *p, int n, bool *full)
{
	static char junk[65536];
	int i, all = 1;

	for (i = 0; i < n; i++) {
		if (p[i].revents & (POLLERR | POLLHUP)) {
			errno = ECONNRESET;
			die("hog");
		}
		if (p[i].revents & POLLOUT) {
			while (write(p[i].fd, junk, sizeof(junk)) > 0)
				;
			if (errno != EAGAIN)
				die("hog");
			full[i] = true;
		}
		all &= full[i];
	}
	return all;
}

/*
 * Hogs: connections that send for ever and never read. While they go on,
 * a probe after another must still get its echo through the relay.
 */
static int hog(int n, int port)
{
	struct pollfd *p = calloc((size_t) n + 1, sizeof(*p));
	bool *full = calloc((size_t) n, sizeof(*full)), all = false;
	int i, echoed = 0;
	time_t deadline = 0;
	char c;

	if (!p || !full)
		die("calloc");
	for (i = 0; i < n; i++) {
		p[i].fd = dial(port);
		if (write(p[i].fd, "h", 1) != 1 || fcntl(p[i].fd, F_SETFL, O_NONBLOCK) < 0)
			die("hog");
		p[i].events = POLLOUT;
	}
	p[n].fd = -1;
	p[n].events = POLLIN;
	while (echoed < 5) {
		if (poll(p, (nfds_t) n + 1, 100) < 0 && errno != EINTR)
			die("poll");
		all = feed(p, n, full) || all;
		if (p[n].fd >= 0 && (p[n].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (read(p[n].fd, &c, 1) != 1)
				break;
			close(p[n].fd);
			p[n].fd = -1;
			echoed++;
		} else if (p[n].fd >= 0 && now_s() > deadline) {
			break; /* 60 s and no echo */
		}
		if (all && p[n].fd < 0) {
			p[n].fd = dial(port);
			deadline = now_s() + 60;
			if (write(p[n].fd, "x", 1) != 1)
				die("probe");
		}
	}
	if (echoed == 5)
		printf("echoed %d\n", echoed);
	else
		printf("no answer after %d echoes\n", echoed);
	free(p);
	free(full);
	return 0;
}

/* One message of n bytes, and its echo. */
static int big(int port, int n)
{
	char *out = malloc((size_t) n), *in = malloc((size_t) n + 1);
	int fd = dial(port), i, size = n;
	ssize_t r;

	if (!out || !in)
		die("malloc");
	for (i = 0; i < n; i++)
		out[i] = (char) (i * 7 + i / 251);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (write(fd, out, (size_t) n) != n)
		die("send");
	r = read(fd, in, (size_t) n + 1);
	if (r == n && !memcmp(in, out, (size_t) n))
		puts("echoed");
	else
		printf("%zd bytes back\n", r);
	free(out);
	free(in);
	close(fd);
	return 0;
}

/* Wait up to 60 s for a byte (1) or the end (0). */
static int answer(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, 60000) <= 0)
		return -1;
	return read(fd, &c, 1) == 1;
}

static void pause_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int notify(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char buf[4096];
	ssize_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		die(path);
	printf("ready\n");
	fflush(stdout);
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) >= 0) {
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
	}
	return 1;
}

int main(int argc, char **argv)
{
	int fd, i;

	more_fds();
	if (argc == 3 && !strcmp(argv[1], "server"))
		return serve(argv[2], NULL, 0, false);
	if (argc == 3 && !strcmp(argv[1], "hogged"))
		return serve(argv[2], NULL, 0, true);
	if (argc == 3 && !strcmp(argv[1], "reset")) {
		struct linger now = { .l_onoff = 1, .l_linger = 0 };

		fd = dial(atoi(argv[2]));
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
		return close(fd) < 0;
	}
	if (argc == 4 && !strcmp(argv[1], "big")) {
		unix_sp = !strncmp(argv[2], "unix:", 5);
		return big(atoi(argv[2] + (unix_sp ? 5 : 0)), atoi(argv[3]));
	}
	if (argc == 4 && !strcmp(argv[1], "hog")) {
		unix_sp = !strncmp(argv[3], "unix:", 5);
		return hog(atoi(argv[2]), atoi(argv[3] + (unix_sp ? 5 : 0)));
	}
	if (argc == 5 && !strcmp(argv[1], "greet"))
		return serve(argv[2], argv[4], atoi(argv[3]), false);
	if (argc == 4 && !strcmp(argv[1], "clients"))
		return clients(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "notify"))
		return notify(argv[2]);
	if (argc == 3 && (!strcmp(argv[1], "probe") || !strcmp(argv[1], "idle"))) {
		fd = dial(atoi(argv[2]));
		(void) !write(fd, "x", 1);
		i = answer(fd);
		if (!strcmp(argv[1], "idle") && i == 1)
			i = answer(fd);
		puts(i == 1 ? "echoed" : i == 0 ? "closed" : "no answer");
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "active")) {
		int n = atoi(argv[4]);

		fd = dial(atoi(argv[2]));
		for (i = 0; i < n; i++) {
			if (write(fd, "x", 1) != 1 || answer(fd) != 1)
				break;
			pause_ms(atoi(argv[3]));
		}
		printf("alive %d\n", i);
		return 0;
	}
	fprintf(stderr, "usage: relay-peer server ADDR | greet ADDR PORT TEXT | hogged ADDR | "
	        "hog N PORT | reset PORT | big PORT BYTES | clients N PORT | probe PORT | idle PORT | active PORT MS N | notify PATH\n");
	return 2;
}
