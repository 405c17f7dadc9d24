/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "repeat.h"
#include "say.h"

static long seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long) (now.tv_sec - t->tv_sec) - (now.tv_nsec < t->tv_nsec);
}

static void summary(struct udo_cli_repeat *r, const char *then)
{
	udo_cli_say("%s%s (%lu more times in %ld s%s)", r->prefix, r->last, r->count,
	            seconds_since(&r->said), then);
	r->count = 0;
	clock_gettime(CLOCK_MONOTONIC, &r->said);
}

void udo_cli_repeat_note(struct udo_cli_repeat *r, const char *key, const char *line)
{
	if (key && strcmp(key, r->last) != 0) {
		if (r->count)
			summary(r, "");
		snprintf(r->last, sizeof(r->last), "%s", key);
		udo_cli_say("%s%s", r->prefix, line ? line : key);
		clock_gettime(CLOCK_MONOTONIC, &r->said);
		return;
	}
	if (key)
		r->count++;
	if (r->count && seconds_since(&r->said) >= UDO_CLI_REPEAT_SECONDS)
		summary(r, key ? "" : r->then_ok);
}
