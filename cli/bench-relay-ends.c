/* SPDX-License-Identifier: MIT */
/*
 * The two ends of a stream cli/bench-relay measures: the senders (over
 * loopback tcp, or the library on CID 1) and the sinks they send into.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "bench-relay.h"

#define CHUNK UDO_BENCH_CHUNK

void udo_bench_die(const char *what)
{
	fprintf(stderr, "bench-relay: %s: %s\n", what, strerror(errno));
	exit(1);
}

double udo_bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The sink: read everything, then close (which ends the sender's wait). */
static void *sink_conn(void *arg)
{
	int fd = (int) (long) arg;
	char *buf = malloc(CHUNK);

	while (buf && read(fd, buf, CHUNK) > 0)
		;
	free(buf);
	close(fd);
	return NULL;
}

static void spawn_sink_conn(int fd)
{
	pthread_t t;

	if (fd < 0 || pthread_create(&t, NULL, sink_conn, (void *) (long) fd) != 0)
		udo_bench_die("sink: accept");
	pthread_detach(t);
}

static void *tcp_sink(void *arg)
{
	int lfd = (int) (long) arg;

	for (;;)
		spawn_sink_conn(accept4(lfd, NULL, NULL, SOCK_CLOEXEC));
	return NULL;
}

static void *vsock_sink(void *arg)
{
	struct udo_vsock_tcp *server = arg;

	for (;;)
		spawn_sink_conn(udo_vsock_tcp_server_accept(server, NULL));
	return NULL;
}


int udo_bench_tcp_listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *) &a, &len) < 0)
		udo_bench_die("tcp sink");
	*port = ntohs(a.sin_port);
	return fd;
}

void udo_bench_start_sinks(int *tcp_port, int *vsock_port)
{
	struct udo_vsock_tcp_server_create_info info = {
		.vcid = VMADDR_CID_LOCAL, .port = -1, .connections = 64,
	};
	struct udo_vsock_tcp *server;
	pthread_t t;
	int fd = udo_bench_tcp_listener(tcp_port);

	if (pthread_create(&t, NULL, tcp_sink, (void *) (long) fd) != 0)
		udo_bench_die("tcp sink thread");
	server = udo_vsock_tcp_server_create(NULL, &info);
	if (!server) {
		fprintf(stderr, "bench-relay: vsock sink on CID 1: cannot create a server\n");
		exit(1);
	}
	*vsock_port = udo_vsock_tcp_get_port(server);
	if (pthread_create(&t, NULL, vsock_sink, server) != 0)
		udo_bench_die("vsock sink thread");
}

/* A connected socket to 127.0.0.1:port or vsock CID 1:port; -1 if refused. */
int udo_bench_connect(enum udo_bench_side side, int port, struct udo_vsock_tcp **ctx)
{
	*ctx = NULL;
	if (side == UDO_BENCH_TCP) {
		struct sockaddr_in a = {
			.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd >= 0 && connect(fd, (struct sockaddr *) &a, sizeof(a)) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		return -1;
	} else {
		struct udo_vsock_tcp_client_create_info info = {
			.vcid = VMADDR_CID_LOCAL, .port = port,
		};

		*ctx = udo_vsock_tcp_client_create(NULL, &info);
		if (*ctx && udo_vsock_tcp_client_connect(*ctx) == 0)
			return udo_vsock_tcp_get_fd(*ctx);
		udo_vsock_tcp_destroy(*ctx);
		*ctx = NULL;
		return -1;
	}
}

void udo_bench_disconnect(int fd, struct udo_vsock_tcp *ctx)
{
	if (ctx)
		udo_vsock_tcp_destroy(ctx);
	else
		close(fd);
}

/* Send bytes, end the stream, wait for the far end to close: MB/s or -1. */
double udo_bench_stream(enum udo_bench_side from, int port, unsigned long long bytes)
{
	struct udo_vsock_tcp *ctx;
	unsigned long long left = bytes;
	double t0 = udo_bench_now(), t;
	/* Each sender its own: the parallel streams send at once. */
	char *buf = malloc(CHUNK);
	int fd = buf ? udo_bench_connect(from, port, &ctx) : -1;

	if (fd < 0) {
		free(buf);
		return -1;
	}
	memset(buf, 'x', CHUNK);
	while (left) {
		ssize_t n = write(fd, buf, left < CHUNK ? (size_t) left : CHUNK);

		if (n <= 0) {
			udo_bench_disconnect(fd, ctx);
			free(buf);
			return -1;
		}
		left -= (unsigned long long) n;
	}
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, CHUNK) > 0)
		;
	t = udo_bench_now() - t0;
	udo_bench_disconnect(fd, ctx);
	free(buf);
	return (double) bytes / t / 1e6;
}

struct sender {
	pthread_t thread;
	enum udo_bench_side from;
	int port;
	unsigned long long bytes;
	double mbps;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;

	s->mbps = udo_bench_stream(s->from, s->port, s->bytes);
	return NULL;
}

double udo_bench_parallel(enum udo_bench_side from, int port, unsigned long long bytes,
                          int streams)
{
	struct sender *s = calloc((size_t) streams, sizeof(*s));
	double t0 = udo_bench_now(), t;
	int i, started, failed = 0;

	if (!s)
		udo_bench_die("memory for the senders");
	for (started = 0; started < streams; started++) {
		s[started].from = from;
		s[started].port = port;
		s[started].bytes = bytes / (unsigned long long) streams;
		if (pthread_create(&s[started].thread, NULL, sender_main, &s[started]) != 0)
			break;
	}
	for (i = 0; i < started; i++) {
		pthread_join(s[i].thread, NULL);
		failed |= s[i].mbps < 0;
	}
	t = udo_bench_now() - t0;
	free(s);
	if (failed || started < streams)
		return -1;
	return (double) (bytes / (unsigned long long) streams * (unsigned long long) streams) / t / 1e6;
}

const char *udo_bench_transport_of_cid1(void)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = 1 };
	struct udo_vsock_tcp *ctx = udo_vsock_tcp_client_create(NULL, &info);
	static char name[16];

	snprintf(name, sizeof(name), "%s", ctx ? udo_vsock_tcp_get_transport(ctx) : "none");
	udo_vsock_tcp_destroy(ctx);
	return name;
}
