/* SPDX-License-Identifier: MIT */
/*
 * The relay's figures and its rate-limited messages. The counters are
 * shared atomics: every worker adds to them, the main thread reads them
 * for SIGUSR1, the line at exit and STATUS=. A message that repeats while
 * its cause lasts (a full fd table, a flood of refused clients) is said
 * once, then summed up (cli/repeat.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "relay-int.h"
#include "say.h"

void relay_stats_line(struct relay_stats *s, char *buf, size_t len)
{
	snprintf(buf, len, "relay: %lu connections open, %lu in total, %lu refused, %lu failed; "
	         "%llu bytes in, %llu bytes out",
	         atomic_load(&s->open), atomic_load(&s->total), atomic_load(&s->refused),
	         atomic_load(&s->failed), atomic_load(&s->bytes_in), atomic_load(&s->bytes_out));
}

void relay_limiter_init(struct relay_limiter *l, const char *prefix, const char *then_ok)
{
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	l->said.prefix = prefix;
	l->said.then_ok = then_ok;
}

void relay_limiter_note(struct relay_limiter *l, const char *key, const char *line)
{
	pthread_mutex_lock(&l->lock);
	udo_cli_repeat_note(&l->said, key, line);
	atomic_store(&l->counting, l->said.count != 0);
	pthread_mutex_unlock(&l->lock);
}

void relay_limiter_clear(struct relay_limiter *l)
{
	/* The usual case, on every accept: nothing to say, no lock taken. */
	if (!atomic_load(&l->counting))
		return;
	pthread_mutex_lock(&l->lock);
	udo_cli_repeat_note(&l->said, NULL, NULL);
	atomic_store(&l->counting, l->said.count != 0);
	pthread_mutex_unlock(&l->lock);
}
