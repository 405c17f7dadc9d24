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

/* The value below which a fraction p of the sorted v lies (interpolated). */
static double quantile(const double *v, int n, double p)
{
	double x = p * (n - 1);
	int i = (int) x;

	return i + 1 < n ? v[i] + (x - i) * (v[i + 1] - v[i]) : v[n - 1];
}

/*
 * How far the median of the rounds' ratios can be trusted: the median of
 * rounds drawn again at random, with replacement, from those measured, 2000
 * times; the middle 95% of those medians (the percentile bootstrap). The
 * generator is fixed, so one set of rounds always gives one interval.
 */
#define BOOTSTRAP 2000
static void bootstrap(const double *q, int n, double *lo, double *hi)
{
	static double m[BOOTSTRAP], s[MAX_ROUNDS];
	uint64_t x = ORDER_SEED;
	int b, i;

	for (b = 0; b < BOOTSTRAP; b++) {
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[i] = q[x % (uint64_t) n];
		}
		m[b] = median(s, n);
	}
	qsort(m, BOOTSTRAP, sizeof(*m), cmp_double);
	*lo = quantile(m, BOOTSTRAP, 0.025);
	*hi = quantile(m, BOOTSTRAP, 0.975);
}

void ratio_spread(double *q, int n, struct result *res)
{
	bootstrap(q, n, &res->ci_lo, &res->ci_hi);
	res->ratio = median(q, n); /* sorts q */
	res->ratio_min = q[0];
	res->ratio_max = q[n - 1];
	res->ratio_q1 = quantile(q, n, 0.25);
	res->ratio_q3 = quantile(q, n, 0.75);
}

struct result measure_mixed(void (*round)(double *lib_s, double *raw_s))
{
	static double l[MAX_ROUNDS], r[MAX_ROUNDS], q[MAX_ROUNDS];
	struct result res = { 0 };
	int i;

	round(&l[0], &r[0]); /* warm-up */
	for (i = 0; i < rounds; i++) {
		round(&l[i], &r[i]);
		q[i] = l[i] / r[i];
		if (verbose)
			fprintf(stderr, "    round %2d: library %.6f s, raw %.6f s\n", i, l[i], r[i]);
	}
	ratio_spread(q, rounds, &res);
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
