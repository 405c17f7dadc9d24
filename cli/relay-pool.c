/* SPDX-License-Identifier: MIT */
/*
 * The relay's buffers (read/write) or pipes (splice): taken by a direction
 * only while its bytes are in flight, so an idle connection holds none.
 * Made on first need, up to a bound, and kept for reuse (never given back
 * to the system: a busy relay would map and unmap them at every read).
 * Each worker keeps one spare without the lock: a direction that writes
 * all it read hands its buffer straight to the next read. What is taken
 * is counted, so that no peer can hold the whole pool (cli/relay-conn.c).
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "relay-int.h"

int relay_pool_init(struct relay_pool *p, size_t size, bool pipes, unsigned int max)
{
	p->free = NULL;
	p->made = 0;
	p->max = max;
	p->size = size;
	p->pipes = pipes;
	atomic_init(&p->held, 0);
	return pthread_mutex_init(&p->lock, NULL) ? -1 : 0;
}

static struct relay_buf *make(struct relay_pool *p)
{
	struct relay_buf *b = malloc(sizeof(*b) + (p->pipes ? 0 : p->size));

	if (!b)
		return NULL;
	b->next = NULL;
	b->pipe[0] = b->pipe[1] = -1;
	if (p->pipes) {
		if (pipe2(b->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
			free(b);
			return NULL;
		}
		/* As large as allowed: fewer, larger moves. */
		if (fcntl(b->pipe[1], F_SETPIPE_SZ, (int) p->size) < 0)
			fcntl(b->pipe[1], F_SETPIPE_SZ, 1 << 20);
	}
	return b;
}

struct relay_buf *relay_pool_get(struct relay_worker *w, bool pipe)
{
	struct relay_pool *p = pipe ? &w->r->pipes : &w->r->pool;
	struct relay_buf *b = w->spare[pipe];
	bool full = false;

	if (b) {
		w->spare[pipe] = NULL;
		atomic_fetch_add(&p->held, 1);
		return b;
	}

	pthread_mutex_lock(&p->lock);
	b = p->free;
	if (b)
		p->free = b->next;
	else if (p->made < p->max)
		p->made++;
	else
		full = true;
	pthread_mutex_unlock(&p->lock);
	if (b) {
		atomic_fetch_add(&p->held, 1);
		return b;
	}
	if (full) {
		w->starved = true;
		return NULL;
	}
	b = make(p);
	if (!b) {
		pthread_mutex_lock(&p->lock);
		p->made--;
		pthread_mutex_unlock(&p->lock);
		w->starved = true;
		return NULL;
	}
	atomic_fetch_add(&p->held, 1);
	return b;
}

bool relay_pool_tight(struct relay_worker *w, bool pipe)
{
	struct relay_pool *p = pipe ? &w->r->pipes : &w->r->pool;

	return 2 * atomic_load(&p->held) >= p->max;
}

void relay_pool_put(struct relay_worker *w, struct relay_buf *b)
{
	bool pipe = b->pipe[0] >= 0;
	struct relay_pool *p = pipe ? &w->r->pipes : &w->r->pool;

	atomic_fetch_sub(&p->held, 1);
	if (!w->spare[pipe]) {
		w->spare[pipe] = b;
		return;
	}
	pthread_mutex_lock(&p->lock);
	b->next = p->free;
	p->free = b;
	pthread_mutex_unlock(&p->lock);
}

void relay_pool_drop(struct relay_worker *w, struct relay_buf *b)
{
	struct relay_pool *p = b->pipe[0] >= 0 ? &w->r->pipes : &w->r->pool;

	atomic_fetch_sub(&p->held, 1);
	relay_buf_free(b);
	pthread_mutex_lock(&p->lock);
	p->made--;
	pthread_mutex_unlock(&p->lock);
}

void relay_buf_free(struct relay_buf *b)
{
	if (!b)
		return;
	if (b->pipe[0] >= 0) {
		close(b->pipe[0]);
		close(b->pipe[1]);
	}
	free(b);
}

void relay_pool_free(struct relay_pool *p)
{
	while (p->free) {
		struct relay_buf *b = p->free;

		p->free = b->next;
		relay_buf_free(b);
	}
	pthread_mutex_destroy(&p->lock);
}
