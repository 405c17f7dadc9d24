/* SPDX-License-Identifier: MIT */
/*
 * The relay's figures and its rate-limited messages. The counters are
 * shared atomics: every worker adds to them, the main thread reads them
 * for SIGUSR1, the line at exit and STATUS=. A message that repeats while
 * its cause lasts (a full fd table, a flood of refused clients) is said
 * once, then summed up at most every LIMIT_SECONDS.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "relay-int.h"
#include "say.h"

#define LIMIT_SECONDS 5

void relay_stats_line(struct relay_stats *s, char *buf, size_t len)
{
	snprintf(buf, len, "relay: %lu connections open, %lu in total, %lu refused, %lu failed; "
	         "%llu bytes in, %llu bytes out",
	         atomic_load(&s->open), atomic_load(&s->total), atomic_load(&s->refused),
	         atomic_load(&s->failed), atomic_load(&s->bytes_in), atomic_load(&s->bytes_out));
}

void relay_limiter_init(struct relay_limiter *l)
{
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
}

static long seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long) (now.tv_sec - t->tv_sec) - (now.tv_nsec < t->tv_nsec);
}

static void summary(struct relay_limiter *l, const char *then)
{
	udo_cli_say("%s (%lu more times in %ld s%s)", l->last, atomic_load(&l->count),
	            seconds_since(&l->said), then);
	atomic_store(&l->count, 0);
	clock_gettime(CLOCK_MONOTONIC, &l->said);
}

void relay_limiter_note(struct relay_limiter *l, const char *key, const char *msg)
{
	pthread_mutex_lock(&l->lock);
	if (strcmp(key, l->key) != 0) {
		if (atomic_load(&l->count))
			summary(l, "");
		snprintf(l->key, sizeof(l->key), "%s", key);
		snprintf(l->last, sizeof(l->last), "%s", msg);
		udo_cli_say("%s", msg);
		clock_gettime(CLOCK_MONOTONIC, &l->said);
	} else {
		atomic_fetch_add(&l->count, 1);
		if (seconds_since(&l->said) >= LIMIT_SECONDS)
			summary(l, "");
	}
	pthread_mutex_unlock(&l->lock);
}

void relay_limiter_clear(struct relay_limiter *l, const char *then)
{
	/* The usual case, on every accept: nothing to say, no lock taken. */
	if (!atomic_load(&l->count))
		return;
	pthread_mutex_lock(&l->lock);
	if (atomic_load(&l->count) && seconds_since(&l->said) >= LIMIT_SECONDS)
		summary(l, then);
	pthread_mutex_unlock(&l->lock);
}
