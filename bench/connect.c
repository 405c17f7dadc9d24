/* SPDX-License-Identifier: MIT */
/*
 * Connect rate: create + connect, accept, close both; one thread. Each
 * path has its own listening socket (the library's, and one made by hand);
 * the connects alternate between them in random pairs, each timed. With -P
 * only one path connects (the other's listener stays open), for counting
 * its system calls (bench/syscalls-per-op.py).
 *
 * Two ratios per round: of the median operation of each path (the typical
 * connect: the headline, held to the target), and of the total times (what
 * a program pays, preemptions included). A preemption of a millisecond,
 * thirty connects' worth, moves a round's total by a tenth on this shared
 * machine and its median not at all.
 */
#include "config.h"

#include "bench.h"

#define CONNECT_MAX 2000

ALWAYS_INLINE double timed_connect(const bool lib, const struct srv *s, struct cli *c)
{
	double t = now();
	int fd;

	cli_open(lib, s, c);
	fd = srv_accept(lib, s);
	cli_close(lib, c);
	close(fd);
	return now() - t;
}

static unsigned int connect_count(void)
{
	return CONNECT_MAX / scale;
}

/* A round: both paths' total seconds and median seconds per operation. */
struct connect_times {
	double lib, raw, lib_op, raw_op;
};

static void connect_round(struct connect_times *t)
{
	static double ol[CONNECT_MAX], or[CONNECT_MAX];
	struct order o = { .s = ORDER_SEED };
	struct cli c = { 0 };
	void *mem = cli_memory(&c, 1);
	unsigned int i, nl = 0, nr = 0, n = connect_count();
	struct srv sl, sr;

	srv_open(true, &sl, 64);
	srv_open(false, &sr, 64);
	t->lib = t->raw = 0;
	for (i = 0; i < 2 * n; i++) {
		bool lib = order_next(&o);

		if (only_path >= 0 && lib != (only_path == 1))
			continue;
		if (lib)
			t->lib += ol[nl++] = timed_connect(true, &sl, &c);
		else
			t->raw += or[nr++] = timed_connect(false, &sr, &c);
	}
	srv_close(&sl);
	srv_close(&sr);
	free(mem);
	t->lib_op = nl ? median(ol, (int) nl) : 0;
	t->raw_op = nr ? median(or, (int) nr) : 0;
}

static void print_spread(const char *what, const struct result *r)
{
	printf("  %-30s median %.3f, 95%% CI %.3f to %.3f (bootstrap); quartiles %.3f to %.3f; "
	       "min %.3f, max %.3f\n", what, r->ratio, r->ci_lo, r->ci_hi, r->ratio_q1,
	       r->ratio_q3, r->ratio_min, r->ratio_max);
}

void connect_rate(void)
{
	static double qs[MAX_ROUNDS], qm[MAX_ROUNDS], l[MAX_ROUNDS], r[MAX_ROUNDS];
	struct result sum = { 0 }, op = { 0 };
	struct connect_times t;
	int i;

	connect_round(&t); /* warm-up */
	for (i = 0; i < rounds; i++) {
		connect_round(&t);
		l[i] = t.lib_op;
		r[i] = t.raw_op;
		qs[i] = t.lib / t.raw;
		qm[i] = t.lib_op / t.raw_op;
		if (verbose)
			fprintf(stderr, "    round %2d: library %.6f s (op %.2f us), raw %.6f s "
			        "(op %.2f us)\n", i, t.lib, t.lib_op * 1e6, t.raw, t.raw_op * 1e6);
	}
	ratio_spread(qs, rounds, &sum);
	ratio_spread(qm, rounds, &op);
	/* On a loaded machine the median alone hides whether 1.02 and 1.05
	 * can be told apart: the interval says. */
	printf("  %-30s %10.2f us %10.2f us %7.3f", "connect+accept+close", median(l, rounds) * 1e6,
	       median(r, rounds) * 1e6, op.ratio);
	verdict(op.ratio, 1.02);
	print_spread("  ratio of round totals:", &sum);
	print_spread("  ratio of median ops:", &op);
	printf("  %-30s %d rounds of %u each way, interleaved\n", "", rounds, connect_count());
}
