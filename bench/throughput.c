/* SPDX-License-Identifier: MIT */
/*
 * Bulk: 64 KiB writes from this thread, a receiver thread reads them. How
 * long a 512 MiB transfer takes on this machine varies by a factor of two
 * from one transfer to the next, whoever makes the calls (the memory copies
 * compete with everything else on the host), so rounds of whole transfers
 * cannot show a 2% difference. Instead each round is one connection (made
 * by the library) carrying 512 MiB through the library's send and 512 MiB
 * through send(2), the two interleaved 64 KiB by 64 KiB in a random order,
 * each write timed: both paths meet the same conditions at the same moment.
 * The receiver likewise alternates udo_vsock_tcp_recv_data() and recv(2).
 */
#include "config.h"

#include "bench.h"

#define BULK_CHUNK (64u * 1024u)

struct bulk_rx {
	int fd;
	size_t total;
};

/* Both buffers at fixed addresses for every round, page aligned. */
static _Alignas(4096) char bulk_rx_buf[BULK_CHUNK];
static _Alignas(4096) char bulk_tx_buf[BULK_CHUNK];

static void *bulk_rx_thread(void *arg)
{
	struct bulk_rx *rx = arg;
	size_t got = 0;
	unsigned int k = 0;

	while (got < rx->total) {
		ssize_t r = (k++ & 1) ? xrecv(true, rx->fd, bulk_rx_buf, BULK_CHUNK)
		                      : xrecv(false, rx->fd, bulk_rx_buf, BULK_CHUNK);

		if (r == -EINTR)
			continue;
		if (r <= 0)
			die("bulk recv", r ? (int) -r : EPIPE);
		got += (size_t) r;
	}
	return NULL;
}

ALWAYS_INLINE double timed_send(const bool lib, int fd)
{
	double t = now();

	send_all(lib, fd, bulk_tx_buf, BULK_CHUNK);
	return now() - t;
}

static size_t bulk_bytes(void)
{
	return 512u * MiB / scale;
}

/* One round: the seconds the library's writes took, and send(2)'s. */
static void bulk_round(double *lib_s, double *raw_s)
{
	size_t per_path = bulk_bytes(), sent;
	struct bulk_rx rx = { .total = 2 * per_path };
	struct order o = { .s = ORDER_SEED };
	double tl = 0, tr = 0;
	struct pair p;
	pthread_t th;

	pair_open(true, &p);
	rx.fd = p.peer;
	start_peer(&th, bulk_rx_thread, &rx);
	for (sent = 0; sent < 2 * per_path; sent += BULK_CHUNK) {
		if (order_next(&o))
			tl += timed_send(true, p.c.fd);
		else
			tr += timed_send(false, p.c.fd);
	}
	pthread_join(th, NULL);
	pair_close(true, &p);
	*lib_s = tl;
	*raw_s = tr;
}

void throughput(void)
{
	struct result r = measure_mixed(bulk_round);
	double gib = (double) bulk_bytes() / (1024.0 * MiB);

	printf("  %-30s %7.2f GiB/s %7.2f GiB/s %7.3f", "bulk 512 MiB, 64 KiB writes",
	       gib / r.lib, gib / r.raw, r.ratio);
	if (scale == 1)
		verdict(r.ratio, 1.02);
	else
		printf("  (quick: %zu MiB)\n", bulk_bytes() / MiB);
}
