/* SPDX-License-Identifier: MIT */
/*
 * Host names of a tcp: target, looked up again for each new connection
 * (a DNS or /etc/hosts change takes effect without a restart), never in a
 * worker's loop: getaddrinfo blocks. One thread takes the lookups in turn
 * from a queue and hands each result back to the worker of its connection
 * (a list under the worker's lock, and its eventfd to wake it).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "relay-int.h"

struct relay_resolved {
	struct relay_resolved *next;
	struct relay_conn *c;
	struct addrinfo *ai;
	int gai_error;
};

struct relay_resolver {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct relay_resolved *head, **tail;
	bool busy;      /* in a lookup */
	bool stopping;  /* relay_resolver_stop: end at the next wait */
};

static void *resolver_main(void *arg)
{
	struct relay_resolver *res = arg;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };

	for (;;) {
		struct relay_resolved *q;
		struct relay_worker *w;
		char port[16];

		pthread_mutex_lock(&res->lock);
		res->busy = false;
		while (!res->head && !res->stopping)
			pthread_cond_wait(&res->more, &res->lock);
		if (res->stopping) {
			pthread_mutex_unlock(&res->lock);
			return NULL;
		}
		q = res->head;
		res->head = q->next;
		if (!res->head)
			res->tail = &res->head;
		res->busy = true;
		pthread_mutex_unlock(&res->lock);

		w = q->c->w;
		snprintf(port, sizeof(port), "%d", w->r->t->addr.port);
		q->gai_error = getaddrinfo(w->r->t->addr.host, port, &hints, &q->ai);
		if (q->gai_error)
			q->ai = NULL;
		if (q->gai_error == EAI_SYSTEM)
			q->gai_error = -errno;
		pthread_mutex_lock(&w->lock);
		q->next = w->resolved;
		w->resolved = q;
		pthread_mutex_unlock(&w->lock);
		relay_wake(w->efd);
	}
	return NULL;
}

struct relay_resolver *relay_resolver_start(char *err, size_t errlen)
{
	struct relay_resolver *res = calloc(1, sizeof(*res));
	int e;

	if (!res) {
		fail(err, errlen, "relay: start the name lookups: %s", strerror(ENOMEM));
		return NULL;
	}
	pthread_mutex_init(&res->lock, NULL);
	pthread_cond_init(&res->more, NULL);
	res->tail = &res->head;
	e = pthread_create(&res->thread, NULL, resolver_main, res);
	if (e) {
		fail(err, errlen, "relay: start the name lookups: %s", strerror(e));
		free(res);
		return NULL;
	}
	return res;
}

int relay_resolve(struct relay_resolver *res, struct relay_conn *c)
{
	struct relay_resolved *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->c = c;
	pthread_mutex_lock(&res->lock);
	*res->tail = q;
	res->tail = &q->next;
	pthread_cond_signal(&res->more);
	pthread_mutex_unlock(&res->lock);
	return 0;
}

void relay_resolved_take(struct relay_worker *w)
{
	struct relay_resolved *q, *next;

	pthread_mutex_lock(&w->lock);
	q = w->resolved;
	w->resolved = NULL;
	pthread_mutex_unlock(&w->lock);
	for (; q; q = next) {
		next = q->next;
		relay_connect_resolved(q->c, q->ai, q->gai_error);
		free(q);
	}
}

int relay_resolver_stop(struct relay_resolver *res)
{
	bool busy;

	if (!res)
		return 0;
	pthread_mutex_lock(&res->lock);
	res->stopping = true;
	busy = res->busy;
	pthread_cond_signal(&res->more);
	pthread_mutex_unlock(&res->lock);
	/* A lookup may take the resolver's own timeouts: not worth the wait
	 * at exit (the process ends and takes the thread with it). */
	if (busy)
		return -1;
	pthread_join(res->thread, NULL);
	while (res->head) {
		struct relay_resolved *q = res->head;

		res->head = q->next;
		free(q);
	}
	free(res);
	return 0;
}
