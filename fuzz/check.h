/* SPDX-License-Identifier: MIT */
/* What the fuzz harnesses check: a broken promise aborts, naming the line,
 * so libFuzzer keeps the input and the corpus replay fails. */
#ifndef UDO_FUZZ_CHECK_H
#define UDO_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
			        __LINE__, #cond);                                \
			abort();                                                 \
		}                                                                \
	} while (0)

/* A message is one line of printable text: no byte below 0x20, no 0x7f. */
static inline int printable_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 || (unsigned char) *s == 0x7f)
			return 0;
	return 1;
}

#endif
