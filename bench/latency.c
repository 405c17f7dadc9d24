/* SPDX-License-Identifier: MIT */
/*
 * Ping-pong: size bytes there and back through an echo thread, by each
 * path in random pairs on one connection. The headline figure is 1 byte;
 * bench/sizes.c runs the same for larger messages.
 */
#include "config.h"

#include <netinet/tcp.h>

#include "bench.h"

struct echo {
	int fd;
	size_t size;
};

static void *echo_thread(void *arg)
{
	struct echo *e = arg;
	struct order o = { .s = ORDER_SEED };
	char *buf = malloc(e->size);
	bool more = true;

	if (!buf)
		die("malloc", ENOMEM);
	while (more) {
		if (order_next(&o)) {
			more = recv_all(true, e->fd, buf, e->size);
			if (more)
				send_all(true, e->fd, buf, e->size);
		} else {
			more = recv_all(false, e->fd, buf, e->size);
			if (more)
				send_all(false, e->fd, buf, e->size);
		}
	}
	free(buf);
	return NULL;
}

ALWAYS_INLINE double timed_rtt(const bool lib, int fd, char *buf, size_t size)
{
	double t = now();

	send_all(lib, fd, buf, size);
	if (!recv_all(lib, fd, buf, size))
		die("ping-pong recv", EPIPE);
	return now() - t;
}

/* One round: iters round trips by each path, interleaved, on one connection. */
static void pingpong_round(size_t size, unsigned int iters, double *lib_s, double *raw_s)
{
	struct echo e = { .size = size };
	struct order o = { .s = ORDER_SEED };
	char *buf = calloc(1, size);
	double tl = 0, tr = 0;
	struct pair p;
	pthread_t th;
	unsigned int i;
	int one = 1;

	if (!buf)
		die("calloc", ENOMEM);
	pair_open(true, &p);
	if (!vsock_mode) {
		/* Small messages go out at once. */
		setsockopt(p.c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(p.peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	e.fd = p.peer;
	start_peer(&th, echo_thread, &e);
	for (i = 0; i < 2 * iters; i++) {
		if (order_next(&o))
			tl += timed_rtt(true, p.c.fd, buf, size);
		else
			tr += timed_rtt(false, p.c.fd, buf, size);
	}
	shutdown(p.c.fd, SHUT_WR);
	pthread_join(th, NULL);
	pair_close(true, &p);
	free(buf);
	*lib_s = tl;
	*raw_s = tr;
}

static size_t pp_size;
static unsigned int pp_iters;

static void pingpong(double *lib_s, double *raw_s)
{
	pingpong_round(pp_size, pp_iters, lib_s, raw_s);
}

struct result pingpong_measure(size_t size, unsigned int iters)
{
	pp_size = size;
	pp_iters = iters;
	return measure_mixed(pingpong);
}

void latency(void)
{
	unsigned int iters = 20000 / scale;
	struct result r = pingpong_measure(1, iters);

	printf("  %-30s %10.2f us %10.2f us %7.3f", "ping-pong 1 B, round trip",
	       r.lib / iters * 1e6, r.raw / iters * 1e6, r.ratio);
	verdict(r.ratio, 1.03);
}
