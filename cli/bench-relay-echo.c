/* SPDX-License-Identifier: MIT */
/*
 * The echo backend of cli/bench-relay's connection figures, and the client
 * side that opens connections to it (directly or through a relay) and holds
 * them. The backend is a process of its own, so the client, the relay and
 * the backend each have the whole per-process fd limit.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-relay.h"

/* Marks a listener in an epoll event's data. */
#define LISTENER (UINT64_C(1) << 32)

static pid_t echo_pid;

static void echo_accept(int ep, int lfd)
{
	static int told;
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		ev.data.u64 = (uint64_t) fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			close(fd);
	}
	if (errno != EAGAIN && errno != EINTR && !told++)
		fprintf(stderr, "bench-relay: echo backend: accept: %s (its clients will "
		        "report the connections that fail)\n", strerror(errno));
	if (errno == EMFILE || errno == ENFILE)
		usleep(10 * 1000);      /* do not spin while the table is full */
}

/* One loop for every connection: its memory is the sockets', not ours. */
static void __attribute__((noreturn)) echo_loop(const int *lfd, int n)
{
	struct epoll_event ev[256];
	char buf[4096];
	int ep = epoll_create1(EPOLL_CLOEXEC), i, got;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (ep < 0)
		udo_bench_die("echo backend: epoll");
	for (i = 0; i < n; i++) {
		ev[0].events = EPOLLIN;
		ev[0].data.u64 = LISTENER | (uint64_t) lfd[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd[i], &ev[0]) < 0)
			udo_bench_die("echo backend: epoll_ctl");
	}
	for (;;) {
		got = epoll_wait(ep, ev, 256, -1);
		for (i = 0; i < got; i++) {
			int fd = (int) (uint32_t) ev[i].data.u64;
			ssize_t r;

			if (ev[i].data.u64 & LISTENER) {
				echo_accept(ep, fd);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			/* The clients send a byte and wait for it: a write of a
			 * few bytes into an idle socket is never short. */
			if (r > 0 && write(fd, buf, (size_t) r) == r)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			close(fd);
		}
	}
}

void udo_bench_start_echo(int *ports, int n)
{
	int lfd[UDO_BENCH_ECHO_PORTS], i;

	for (i = 0; i < n; i++) {
		lfd[i] = udo_bench_tcp_listener(&ports[i]);
		/* Connections open one after another, but each relay adds its own
		 * queue in front: a deep backlog keeps SYN retries out of the
		 * timings. */
		listen(lfd[i], 4096);
		/* One loop accepts until none is left waiting. */
		fcntl(lfd[i], F_SETFL, O_NONBLOCK);
	}
	echo_pid = fork();
	if (echo_pid < 0)
		udo_bench_die("fork the echo backend");
	if (echo_pid == 0)
		echo_loop(lfd, n);
	for (i = 0; i < n; i++)
		close(lfd[i]);
}

void udo_bench_stop_echo(void)
{
	udo_bench_stop(echo_pid);
}

int udo_bench_echo(int fd)
{
	char c = 'x';
	ssize_t n;

	if (write(fd, &c, 1) != 1 || (n = read(fd, &c, 1)) < 0)
		return -1;
	if (n == 0 || c != 'x') {
		errno = n ? EPROTO : ECONNRESET;   /* closed, or not an echo */
		return -1;
	}
	return 0;
}

int udo_bench_open(int port, int i)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = {
		.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	/* A wedged path fails the connection instead of the whole run. */
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* Several source addresses, each with its own ephemeral ports, the
	 * port picked at connect: room for more connections than one address's
	 * port range, whatever is still in TIME_WAIT. */
	src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t) (i % UDO_BENCH_SOURCES));
	if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *) &src, sizeof(src)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *) &dst, sizeof(dst)) < 0 || udo_bench_echo(fd) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
