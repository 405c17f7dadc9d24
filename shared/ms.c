/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <limits.h>

#include "ms.h"

int udo_parse_ms(const char *text, unsigned int *ms)
{
	unsigned long v = 0;
	const char *p;

	for (p = text; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long) (*p - '0');
		/* Stop at once: a long run of digits must not wrap v. */
		if (v > INT_MAX)
			return -1;
	}
	if (p == text || *p)
		return -1;
	*ms = (unsigned int) v;
	return 0;
}
