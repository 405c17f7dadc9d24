/* SPDX-License-Identifier: MIT */
/*
 * A failure that repeats while its cause lasts (a full fd table: EMFILE at
 * every accept; a stranger reconnecting to a relay that refuses it): the
 * first is said at once, its repeats are counted and said as one line at
 * most every UDO_CLI_REPEAT_SECONDS, when they go on or once things work
 * again. A different failure is said at once.
 */
#ifndef UDO_CLI_REPEAT_H
#define UDO_CLI_REPEAT_H

#include <time.h>

#include "endpoint.h"

/* Repeats of one failure are summed up at most this often. */
#define UDO_CLI_REPEAT_SECONDS 5

struct udo_cli_repeat {
	const char *prefix;    /* before every line: "relay: " */
	const char *then_ok;   /* after a summary said once things work again */
	char last[UDO_CLI_ERR_MAX + 64]; /* the failure being counted */
	unsigned long count;   /* repeats not said yet */
	struct timespec said;  /* when last (or a summary of it) was said */
};

/*
 * A failure of kind key happened: line (key when NULL) is said when key is
 * new, else it is counted. key NULL: things worked; a pending count is said
 * once UDO_CLI_REPEAT_SECONDS have passed. Not locked: one thread per r.
 */
void udo_cli_repeat_note(struct udo_cli_repeat *r, const char *key, const char *line);

#endif /* UDO_CLI_REPEAT_H */
