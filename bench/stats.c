/* SPDX-License-Identifier: MIT */
/* Clocks, medians, the interleaved rounds and the verdicts. */
#include "config.h"

#include <time.h>

#include "bench.h"

int misses;

void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err));
	exit(2);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

double median(double *v, int n)
{
	qsort(v, (size_t) n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

bool order_next(struct order *o)
{
	bool lib;

	if (o->second) {
		o->second = false;
		return o->next;
	}
	o->s ^= o->s << 13;
	o->s ^= o->s >> 7;
	o->s ^= o->s << 17;
	lib = o->s & 1;
	o->second = true;
	o->next = !lib;
	return lib;
}

struct result measure_mixed(void (*round)(double *lib_s, double *raw_s))
{
	double l[MAX_ROUNDS], r[MAX_ROUNDS], q[MAX_ROUNDS];
	struct result res = { 0 };
	int i;

	round(&l[0], &r[0]); /* warm-up */
	for (i = 0; i < rounds; i++) {
		round(&l[i], &r[i]);
		q[i] = l[i] / r[i];
		if (!i || q[i] < res.ratio_min)
			res.ratio_min = q[i];
		if (!i || q[i] > res.ratio_max)
			res.ratio_max = q[i];
		if (verbose)
			fprintf(stderr, "    round %2d: library %.6f s, raw %.6f s\n", i, l[i], r[i]);
	}
	res.ratio = median(q, rounds);
	res.lib = median(l, rounds);
	res.raw = median(r, rounds);
	return res;
}

void verdict(double ratio, double target)
{
	bool ok = ratio <= target;

	printf("  <= %.2f %s\n", target, ok ? "ok" : "MISSED");
	if (!ok)
		misses++;
}
