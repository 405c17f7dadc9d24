/* SPDX-License-Identifier: MIT */
/* The seqpacket figures of the benchmark (bench/seqpacket.c). */
#ifndef UDO_BENCH_SEQPACKET_H
#define UDO_BENCH_SEQPACKET_H

#include <stdbool.h>

struct udo_bench_sp_opts {
	const char *transport; /* "vsock" or "unix" */
	int rounds;
	unsigned int scale;    /* work divisor (10: quick) */
	int cpu_peer;          /* CPU for the peer thread, -1: any */
	bool verbose;          /* every round's times on stderr */
};

/* Print the figures; returns how many ratios missed their target. */
int udo_bench_seqpacket(const struct udo_bench_sp_opts *o);

#endif
