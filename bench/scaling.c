/* SPDX-License-Identifier: MIT */
/*
 * Scaling: n connections open at once, then 1-byte exchanges over all of
 * them (client i sends, accepted i echoes, client i reads), one thread.
 * Two figures: the time to open them, and the time per exchange. A round
 * opens at least 1024 connections in all (in cycles of n) so that small n
 * are timed over as many connections as large ones. An operation here is
 * too short to time alone: whole rounds alternate, library and raw.
 */
#include "config.h"

#include <netinet/tcp.h>

#include "bench.h"

/* One round's seconds, per connection opened and per message exchanged. */
struct sample {
	double setup, setup_cpu, xchg, xchg_cpu;
};

ALWAYS_INLINE void scaling_round(const bool lib, unsigned int n, struct sample *out)
{
	struct cli *cl = calloc(n, sizeof(*cl));
	int *peer = calloc(n, sizeof(*peer));
	unsigned int cycles = n >= 1024 / scale ? 1 : (1024 / scale) / n;
	unsigned int i, r, k, reps = (16384 / scale) / n / cycles;
	double t, c, setup = 0, xchg = 0, setup_cpu = 0, xchg_cpu = 0;
	char b = 'x';
	struct srv s;
	void *mem;

	if (!cl || !peer)
		die("calloc", ENOMEM);
	mem = cli_memory(cl, n);
	if (reps < 4)
		reps = 4;
	srv_open(lib, &s, 64);
	for (k = 0; k < cycles; k++) {
		c = cpu_now();
		t = now();
		for (i = 0; i < n; i++) {
			cli_open(lib, &s, &cl[i]);
			peer[i] = srv_accept(lib, &s);
		}
		setup += now() - t;
		setup_cpu += cpu_now() - c;
		if (!vsock_mode) {
			int one = 1;

			for (i = 0; i < n; i++) {
				setsockopt(cl[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				setsockopt(peer[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			}
		}
		c = cpu_now();
		t = now();
		for (r = 0; r < reps; r++) {
			for (i = 0; i < n; i++)
				send_all(lib, cl[i].fd, &b, 1);
			for (i = 0; i < n; i++) {
				recv_all(lib, peer[i], &b, 1);
				send_all(lib, peer[i], &b, 1);
			}
			for (i = 0; i < n; i++)
				recv_all(lib, cl[i].fd, &b, 1);
		}
		xchg += now() - t;
		xchg_cpu += cpu_now() - c;
		for (i = 0; i < n; i++) {
			close(peer[i]);
			cli_close(lib, &cl[i]);
		}
	}
	srv_close(&s);
	free(mem);
	free(cl);
	free(peer);
	out->setup = setup / ((double) cycles * n);
	out->setup_cpu = setup_cpu / ((double) cycles * n);
	out->xchg = xchg / ((double) cycles * reps * n);
	out->xchg_cpu = xchg_cpu / ((double) cycles * reps * n);
}

static void scaling_lib(unsigned int n, struct sample *out) { scaling_round(true, n, out); }
static void scaling_raw(unsigned int n, struct sample *out) { scaling_round(false, n, out); }

/* Median of x[i]/y[i] and x[i+1]/y[i]: see measure(). */
static double neighbour_ratio(const double *x, const double *y, int n)
{
	double q[2 * MAX_ROUNDS];
	int i, k = 0;

	for (i = 0; i < n; i++) {
		q[k++] = x[i] / y[i];
		if (i + 1 < n)
			q[k++] = x[i + 1] / y[i];
	}
	return median(q, k);
}

/*
 * Rounds go library, raw, library, raw ... after one warm-up pair. Each
 * round is compared with both its neighbours (L1/R1, L2/R1, L2/R2, ...):
 * half the ratios have the library first and half have it second, so
 * whatever the first or second of two rounds pays (a cold cache, the other
 * round's TIME_WAIT sockets) cancels out. Two ratios: wall-clock time, and
 * the CPU time the process spent in the round (all threads, user and
 * system): the wall clock also counts the time other programs held the
 * CPUs, the CPU time only the work the round cost.
 */
static struct result measure(unsigned int n)
{
	double l[MAX_ROUNDS], r[MAX_ROUNDS], lc[MAX_ROUNDS], rc[MAX_ROUNDS];
	double sl[MAX_ROUNDS], sr[MAX_ROUNDS], slc[MAX_ROUNDS], src[MAX_ROUNDS];
	struct result res = { 0 };
	struct sample a, b;
	int i;

	scaling_lib(n, &a);
	scaling_raw(n, &b);
	for (i = 0; i < rounds; i++) {
		scaling_lib(n, &a);
		scaling_raw(n, &b);
		l[i] = a.xchg, lc[i] = a.xchg_cpu, sl[i] = a.setup, slc[i] = a.setup_cpu;
		r[i] = b.xchg, rc[i] = b.xchg_cpu, sr[i] = b.setup, src[i] = b.setup_cpu;
		if (verbose)
			fprintf(stderr, "    round %2d: library %.6f s (cpu %.6f s), "
			        "raw %.6f s (cpu %.6f s)\n", i, l[i], lc[i], r[i], rc[i]);
	}
	res.ratio = neighbour_ratio(l, r, rounds);
	res.cpu_ratio = neighbour_ratio(lc, rc, rounds);
	res.setup_ratio = neighbour_ratio(sl, sr, rounds);
	res.setup_cpu_ratio = neighbour_ratio(slc, src, rounds);
	res.setup_lib = median(sl, rounds);
	res.setup_raw = median(sr, rounds);
	res.lib = median(l, rounds);
	res.raw = median(r, rounds);
	return res;
}

void scaling(void)
{
	static const unsigned int conns[] = { 1, 64, 1024 };
	size_t i;

	printf("  scaling: n connections open at once, 1-byte exchanges over all (one thread;\n"
	       "  alternating rounds: ratios of wall-clock and of CPU time)\n");
	printf("  %-30s %13s %13s %7s %7s\n", "", "library", "raw", "wall", "cpu");
	for (i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		struct result r = measure(conns[i]);
		char label[64];

		snprintf(label, sizeof(label), "%u conn: open, per connection", conns[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f %7.3f\n", label,
		       r.setup_lib * 1e6, r.setup_raw * 1e6, r.setup_ratio, r.setup_cpu_ratio);
		snprintf(label, sizeof(label), "%u conn: exchange, per message", conns[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f %7.3f\n", label, r.lib * 1e6,
		       r.raw * 1e6, r.ratio, r.cpu_ratio);
	}
}
