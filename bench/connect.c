/* SPDX-License-Identifier: MIT */
/*
 * Connect rate: create + connect, accept, close both; one thread. Each
 * path has its own listening socket (the library's, and one made by hand);
 * the connects alternate between them in random pairs.
 */
#include "config.h"

#include "bench.h"

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
	return 2000 / scale;
}

static void connect_round(double *lib_s, double *raw_s)
{
	struct order o = { .s = ORDER_SEED };
	struct cli c = { 0 };
	void *mem = cli_memory(&c, 1);
	unsigned int i, n = connect_count();
	double tl = 0, tr = 0;
	struct srv sl, sr;

	srv_open(true, &sl, 64);
	srv_open(false, &sr, 64);
	for (i = 0; i < 2 * n; i++) {
		if (order_next(&o))
			tl += timed_connect(true, &sl, &c);
		else
			tr += timed_connect(false, &sr, &c);
	}
	srv_close(&sl);
	srv_close(&sr);
	free(mem);
	*lib_s = tl;
	*raw_s = tr;
}

void connect_rate(void)
{
	struct result r = measure_mixed(connect_round);

	printf("  %-30s %10.2f us %10.2f us %7.3f", "connect+accept+close",
	       r.lib / connect_count() * 1e6, r.raw / connect_count() * 1e6, r.ratio);
	verdict(r.ratio, 1.02);
	/* On a loaded machine the median alone hides whether 1.02 and 1.05
	 * can be told apart: the spread says. */
	printf("  %-30s %s %.3f to %.3f over %d rounds\n", "", "ratio per round:", r.ratio_min,
	       r.ratio_max, rounds);
}
