/* SPDX-License-Identifier: MIT */
/* Round trips by message size: the ping-pong of bench/latency.c, from 1 B
 * to 1 MiB each way. */
#include "config.h"

#include "bench.h"

void sizes(void)
{
	static const size_t sz[] = { 1, 16, 256, 4096, 65536, 262144, MiB };
	size_t i;

	printf("  message size: ping-pong through an echo thread (size each way)\n");
	printf("  %-30s %13s %13s %7s\n", "", "library", "raw", "ratio");
	for (i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		struct result r;
		char label[64];
		size_t it = (256u * MiB / scale) / sz[i];

		if (it > 10000 / scale)
			it = 10000 / scale;
		if (it < 32)
			it = 32;
		r = pingpong_measure(sz[i], (unsigned int) it);
		if (sz[i] >= 1024)
			snprintf(label, sizeof(label), "%zu KiB, round trip", sz[i] / 1024);
		else
			snprintf(label, sizeof(label), "%zu B, round trip", sz[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f\n", label, r.lib / it * 1e6,
		       r.raw / it * 1e6, r.ratio);
	}
}
