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

#endif
