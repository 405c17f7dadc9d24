/* SPDX-License-Identifier: MIT */
/*
 * Spreading the clients over the workers. Every worker waits on every
 * listener (EPOLLEXCLUSIVE), but the kernel wakes the first waiter it
 * finds, and a worker accepts what is queued: a burst of clients landed on
 * one worker (14 of 16 here), and that worker's CPU carried all their
 * bytes. So the worker that accepts a client gives it to the worker with
 * the fewest connections, itself on a tie (as HAProxy's listeners hand
 * accepted connections to the least loaded thread): a list under the
 * taker's lock, and its eventfd to wake it. That hand-off costs a wake-up
 * of the taker, so one client after another is spread by the kernel
 * instead: the worker that accepted goes to the back of the listener's
 * queue (relay_listen_requeue), and the next client wakes the next idle
 * worker; the hand-off is left for bursts.
 */
#include "config.h"

#include <sys/epoll.h>

#include "relay-int.h"

int relay_listen_one(struct relay_worker *w, int op, size_t i)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLEXCLUSIVE,
		.data.u64 = (uint64_t) i << 2 | RELAY_TAG_LISTENER,
	};

	return epoll_ctl(w->ep, op, w->r->ls[i].fd, op == EPOLL_CTL_DEL ? NULL : &ev);
}

/*
 * To the back of the listener's queue of workers. The kernel wakes the
 * first worker on that queue that is waiting (EPOLLEXCLUSIVE), so the
 * first to wait took every client while all were idle, and handed half
 * of them on: a wake-up of the other worker for each. Registered again
 * (at the back, as epoll adds), the worker that just accepted lets the
 * next client wake the next idle worker directly. If it is the only one
 * registered, the ADD finds a client queued meanwhile ready: none is lost.
 */
void relay_listen_requeue(struct relay_worker *w, size_t li)
{
	if (w->r->nw < 2 || !w->listening || relay_listen_one(w, EPOLL_CTL_DEL, li) < 0)
		return;
	/* Not registered now: registered again with the others after a pause. */
	if (relay_listen_one(w, EPOLL_CTL_ADD, li) < 0)
		relay_accept_pause(w);
}

struct relay_worker *relay_pick(struct relay_worker *w)
{
	struct relay *r = w->r;
	struct relay_worker *best = w;
	unsigned long least = atomic_load(&w->load);
	unsigned int i;

	for (i = 0; i < r->nw && least; i++) {
		unsigned long load = atomic_load(&r->w[i].load);

		if (load < least) {
			best = &r->w[i];
			least = load;
		}
	}
	atomic_fetch_add(&best->load, 1);
	return best;
}

bool relay_hand_over(struct relay_worker *to, struct relay_conn *c)
{
	bool taken;

	pthread_mutex_lock(&to->lock);
	taken = !to->gone;
	if (taken)
		link_tail(&to->handed, &c->link);
	pthread_mutex_unlock(&to->lock);
	if (taken)
		relay_wake(to->efd);
	return taken;
}

void relay_handed_take(struct relay_worker *w)
{
	struct relay_link got;

	pthread_mutex_lock(&w->lock);
	link_move(&got, &w->handed);
	pthread_mutex_unlock(&w->lock);
	while (!link_empty(&got)) {
		struct relay_conn *c = link_of(got.next, struct relay_conn, link);

		link_del(&c->link);
		c->w = w;
		w->conns++;
		relay_connect_start(c);
	}
}

bool relay_worker_leave(struct relay_worker *w)
{
	bool leave;

	pthread_mutex_lock(&w->lock);
	leave = link_empty(&w->handed);
	if (leave)
		w->gone = true;
	pthread_mutex_unlock(&w->lock);
	return leave;
}
