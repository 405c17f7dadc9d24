/* SPDX-License-Identifier: MIT */
/*
 * Seqpacket figures for bench/bench.c: the library's send and receive
 * against send(2) and recv(2) on the same SOCK_SEQPACKET connection, on
 * vsock (CID 1) or on the unix transport (its local fallback).
 *
 * Each round is one connection made by the library; on it, operations by
 * the library and by hand alternate in pairs, each pair in a random order
 * (the peer thread draws the same sequence, so it answers each message by
 * the path it came by), each timed; the round's ratio is the library's
 * total over the raw total. The figure is the median over rounds. A fixed
 * order would not do: a socket whose queue fills every few messages
 * (AF_UNIX queues 10 by default) blocks the same positions every time.
 *
 *   round trip: a message there and back through an echo thread, 1 byte
 *               and 4 KiB;
 *   rate:       64-byte messages one way to a receiving thread, as fast as
 *               they go (messages per second), timed in batches of 256 by
 *               one path: a single send is mostly free or mostly a wait for
 *               the receiver, which would make per-message times noise.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "seqpacket.h"

#define SP_MAX_ROUNDS 101
#define RATE_SIZE 64
#define RATE_BATCH 256

static const struct udo_bench_sp_opts *opts;

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: seqpacket: %s: %s\n", what, strerror(err));
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Which path takes the next operation: pairs of one each, the order of a
 * pair from a xorshift generator both threads start from the same seed. */
struct pairs {
	uint64_t state;
	unsigned int n;
	bool first_lib;
};

#define PAIRS_SEED 0x9e3779b97f4a7c15u

static inline bool by_library(struct pairs *p)
{
	if (p->n++ % 2 == 0) {
		p->state ^= p->state << 13;
		p->state ^= p->state >> 7;
		p->state ^= p->state << 17;
		p->first_lib = p->state & 1;
		return p->first_lib;
	}
	return !p->first_lib;
}

static inline ssize_t sp_send(bool lib, int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (lib)
		return udo_vsock_tcp_send_data(fd, buf, len, NULL);
	n = send(fd, buf, len, MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}

static inline ssize_t sp_recv(bool lib, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (lib)
		return udo_vsock_tcp_recv_data(fd, buf, len, NULL);
	n = recv(fd, buf, len, 0);
	return n < 0 ? -errno : n;
}

struct conn {
	struct udo_vsock_tcp *s, *c;
	int client, peer;
};

static void conn_open(struct conn *k)
{
	struct udo_vsock_tcp_server_create_info sinfo = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp_client_create_info cinfo = { .vcid = VMADDR_CID_LOCAL };

	k->s = udo_vsock_tcp_server_create_type(NULL, &sinfo, SOCK_SEQPACKET);
	if (!k->s)
		die("library seqpacket server on CID 1", errno);
	cinfo.port = udo_vsock_tcp_get_port(k->s);
	k->c = udo_vsock_tcp_client_create_type(NULL, &cinfo, SOCK_SEQPACKET);
	if (!k->c)
		die("library seqpacket client", errno);
	if (udo_vsock_tcp_client_connect(k->c) != 0)
		die(udo_log_get_error(k->c), (int) udo_log_get_error_code(k->c));
	k->client = udo_vsock_tcp_get_fd(k->c);
	k->peer = udo_vsock_tcp_server_accept(k->s, NULL);
	if (k->peer < 0)
		die("accept", errno);
}

static void conn_close(struct conn *k)
{
	close(k->peer);
	udo_vsock_tcp_destroy(k->c);
	udo_vsock_tcp_destroy(k->s);
}

static void start_peer(pthread_t *th, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;

	pthread_attr_init(&attr);
	if (opts->cpu_peer >= 0) {
		CPU_ZERO(&set);
		CPU_SET(opts->cpu_peer, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (pthread_create(th, &attr, fn, arg))
		die("pthread_create", EAGAIN);
	pthread_attr_destroy(&attr);
}

struct peer {
	int fd;
	size_t size;
	unsigned int batch; /* messages per operation */
	bool echo; /* echo each message back, or only receive it */
};

/* Each message by the path the client used for it, until end of stream. */
static void *peer_thread(void *arg)
{
	struct peer *p = arg;
	char *buf = malloc(p->size + 1);
	struct pairs order = { .state = PAIRS_SEED };
	unsigned int count;
	bool lib = false;
	ssize_t n;

	if (!buf)
		die("malloc", ENOMEM);
	for (count = 0;; count++) {
		if (count % p->batch == 0)
			lib = by_library(&order);

		n = sp_recv(lib, p->fd, buf, p->size + 1);
		if (n <= 0)
			break;
		if ((size_t) n != p->size)
			die("a message changed size", EPROTO);
		if (p->echo && sp_send(lib, p->fd, buf, (size_t) n) != n)
			die("echo", EPIPE);
	}
	free(buf);
	return NULL;
}

/* One round of iters operations (of batch messages) by each path; seconds
 * spent by each. */
static void round_run(size_t size, unsigned int iters, unsigned int batch, bool echo,
                      double *lib_s, double *raw_s)
{
	struct peer p = { .size = size, .batch = batch, .echo = echo };
	struct pairs order = { .state = PAIRS_SEED };
	char *buf = calloc(1, size);
	double t, tl = 0, tr = 0;
	struct conn k;
	pthread_t th;
	unsigned int i, j;

	if (!buf)
		die("calloc", ENOMEM);
	conn_open(&k);
	p.fd = k.peer;
	start_peer(&th, peer_thread, &p);
	for (i = 0; i < 2 * iters; i++) {
		bool lib = by_library(&order);

		t = now();
		for (j = 0; j < batch; j++) {
			if (sp_send(lib, k.client, buf, size) != (ssize_t) size)
				die("send", EPIPE);
			if (echo && sp_recv(lib, k.client, buf, size) != (ssize_t) size)
				die("receive the echo", EPIPE);
		}
		t = now() - t;
		if (lib)
			tl += t;
		else
			tr += t;
	}
	shutdown(k.client, SHUT_WR);
	pthread_join(th, NULL);
	conn_close(&k);
	free(buf);
	*lib_s = tl;
	*raw_s = tr;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t) n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median library and raw seconds and median ratio over the rounds. */
static double measure(size_t size, unsigned int iters, unsigned int batch, bool echo,
                      double *lib, double *raw)
{
	double l[SP_MAX_ROUNDS], r[SP_MAX_ROUNDS], q[SP_MAX_ROUNDS];
	int i, n = opts->rounds > SP_MAX_ROUNDS ? SP_MAX_ROUNDS : opts->rounds;

	round_run(size, iters, batch, echo, &l[0], &r[0]); /* warm-up */
	for (i = 0; i < n; i++) {
		round_run(size, iters, batch, echo, &l[i], &r[i]);
		q[i] = l[i] / r[i];
		if (opts->verbose)
			fprintf(stderr, "    round %2d: library %.6f s, raw %.6f s\n", i, l[i], r[i]);
	}
	*lib = median(l, n);
	*raw = median(r, n);
	return median(q, n);
}

static int verdict(double ratio, double target)
{
	printf("  <= %.2f %s\n", target, ratio <= target ? "ok" : "MISSED");
	return ratio <= target ? 0 : 1;
}

int udo_bench_seqpacket(const struct udo_bench_sp_opts *o)
{
	static const size_t sizes[] = { 1, 4096 };
	const char *saved = getenv("UDO_VSOCK_TCP_TRANSPORT");
	char *restore = saved ? strdup(saved) : NULL;
	unsigned int iters = 20000 / o->scale, msgs = (200000 / o->scale / RATE_BATCH) * RATE_BATCH;
	double lib, raw, ratio;
	int misses = 0;
	size_t i;

	opts = o;
	setenv("UDO_VSOCK_TCP_TRANSPORT", o->transport, 1);
	printf("  seqpacket on %s (SOCK_SEQPACKET; raw path: send(2)/recv(2) on the same "
	       "connection)\n", o->transport);
	printf("  %-30s %13s %13s %7s\n", "", "library", "raw", "ratio");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char label[64];

		ratio = measure(sizes[i], iters, 1, true, &lib, &raw);
		if (sizes[i] >= 1024)
			snprintf(label, sizeof(label), "message %zu KiB, round trip", sizes[i] / 1024);
		else
			snprintf(label, sizeof(label), "message %zu B, round trip", sizes[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f", label, lib / iters * 1e6,
		       raw / iters * 1e6, ratio);
		misses += verdict(ratio, 1.03);
	}
	ratio = measure(RATE_SIZE, msgs / RATE_BATCH, RATE_BATCH, false, &lib, &raw);
	printf("  %-30s %8.0f k/s %8.0f k/s %7.3f", "message rate, 64 B one way",
	       msgs / lib / 1e3, msgs / raw / 1e3, ratio);
	misses += verdict(ratio, 1.03);
	if (restore)
		setenv("UDO_VSOCK_TCP_TRANSPORT", restore, 1);
	else
		unsetenv("UDO_VSOCK_TCP_TRANSPORT");
	free(restore);
	return misses;
}
