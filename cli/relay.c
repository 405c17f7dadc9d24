/* SPDX-License-Identifier: MIT */
/*
 * The relay's workers: a fixed set of threads, each an epoll loop of its
 * own over every listener (EPOLLEXCLUSIVE: one worker is woken per client,
 * so accepts spread) and over the connections it accepted, which stay
 * with it to the end: no thread per connection, and no lock on a
 * connection. Time is kept here too: the epoll_wait timeout is the nearest
 * of the idle timeout (the head of a list ordered by last activity), the
 * connects' deadlines and a paused listener's return.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "allow.h"
#include "relay-int.h"
#include "say.h"

/* Accepts per wake-up before the worker's connections get their turn. */
#define ACCEPTS 16
/* A listener whose accepts fail (a full fd table) pauses this long. */
#define BACKOFF_MS 50
/* With the pool empty, directions waiting for it try again this often. */
#define STARVED_MS 5
#define EVENTS 64

uint64_t relay_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t) t.tv_sec * 1000 + (uint64_t) t.tv_nsec / 1000000;
}

void relay_wake(int efd)
{
	uint64_t one = 1;

	while (write(efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

void relay_pending_add(struct relay_conn *c, uint64_t deadline)
{
	struct relay_worker *w = c->w;

	c->deadline_ms = deadline;
	link_tail(&w->pending, &c->link);
	if (deadline < w->next_timer_ms)
		w->next_timer_ms = deadline;
}

static int listen_all(struct relay_worker *w, int op)
{
	size_t i;

	for (i = 0; i < w->r->nls; i++)
		if (relay_listen_one(w, op, i) < 0 && op == EPOLL_CTL_ADD)
			return -errno;
	w->listening = op == EPOLL_CTL_ADD;
	return 0;
}

/* A cause that lasts a while (fds are short): let the connections run,
 * try again after a pause. */
void relay_accept_pause(struct relay_worker *w)
{
	if (!w->listening)
		return;
	listen_all(w, EPOLL_CTL_DEL);
	w->relisten_ms = w->now + BACKOFF_MS;
}

int relay_worker_init(struct relay *r, struct relay_worker *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = RELAY_TAG_WAKE };

	w->r = r;
	link_init(&w->lru);
	link_init(&w->pending);
	link_init(&w->ready);
	link_init(&w->dead);
	link_init(&w->handed);
	w->next_timer_ms = UINT64_MAX;
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->ep < 0 || w->efd < 0 || pthread_mutex_init(&w->lock, NULL) ||
	    epoll_ctl(w->ep, EPOLL_CTL_ADD, w->efd, &ev) < 0)
		return -errno;
	return listen_all(w, EPOLL_CTL_ADD);
}

/*
 * Whether to relay a client just accepted: the one place where a client is
 * let in or refused before anything is spent on it. 0 to relay it; else it
 * was counted as refused and its refusal said (rate-limited): -1 with fd
 * still open, 1 with fd closed.
 */
static int relay_admit(struct relay_worker *w, int fd, const struct udo_cli_listener *l,
                       const struct udo_cli_peer *who, const char *peer)
{
	struct relay *r = w->r;
	char key[UDO_CLI_ERR_MAX], msg[UDO_CLI_ERR_MAX];

	/* Not on --allow-from: closed at once (a reset), before any connect. */
	if (r->o.allow && !udo_cli_allow_admit(r->o.allow, fd, who, peer, l->where)) {
		atomic_fetch_add(&r->stats.refused, 1);
		return 1;
	}
	if (r->o.max_conns && atomic_load(&r->stats.open) >= r->o.max_conns) {
		atomic_fetch_add(&r->stats.refused, 1);
		snprintf(key, sizeof(key), "refused clients: %u connections open "
		         "(--max-connections)", r->o.max_conns);
		snprintf(msg, sizeof(msg), "refused %s: %u connections open (--max-connections)",
		         peer, r->o.max_conns);
		relay_limiter_note(&r->refusals, key, msg);
		return -1;
	}
	return 0;
}

static void accept_one(struct relay_worker *w, size_t li)
{
	struct relay *r = w->r;
	struct udo_cli_listener *l = &r->ls[li];
	char err[UDO_CLI_ERR_MAX], peer[UDO_CLI_ADDR_TEXT_MAX + 16];
	struct udo_cli_peer who;
	struct relay_worker *to;
	struct relay_conn *c;
	size_t n_peer;
	int n, fd, e, took = 0;

	for (n = 0; n < ACCEPTS; n++, took++) {
		if (l->ctx)
			pthread_mutex_lock(&r->accept_lock[li]);
		fd = udo_cli_accept(l, peer, sizeof(peer), &who, SOCK_NONBLOCK, err, sizeof(err));
		e = errno;
		if (l->ctx)
			pthread_mutex_unlock(&r->accept_lock[li]);
		if (fd < 0 && (e == EAGAIN || e == EWOULDBLOCK || e == EINTR))
			break;
		if (fd < 0 && (e == ECONNABORTED || e == EPROTO))
			continue;
		if (fd < 0) {
			relay_limiter_note(&r->accept_errors, err, NULL);
			relay_accept_pause(w);
			return;
		}
		relay_limiter_clear(&r->accept_errors);
		switch (relay_admit(w, fd, l, &who, peer)) {
		case -1:
			close(fd);
			continue;
		case 1:
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			udo_cli_say("relay %s -> %s: %s", peer, r->t->where, strerror(ENOMEM));
			atomic_fetch_add(&r->stats.failed, 1);
			close(fd);
			continue;
		}
		c->w = w;
		c->fd[0] = fd;
		c->fd[1] = -1;
		c->start_ms = c->last_ms = w->now;
		/* Room for any address this tool prints as a peer. */
		n_peer = strnlen(peer, sizeof(c->peer) - 1);
		memcpy(c->peer, peer, n_peer);
		c->peer[n_peer] = '\0';
		atomic_fetch_add(&r->stats.open, 1);
		atomic_fetch_add(&r->stats.total, 1);
		to = relay_pick(w);
		if (to != w) {
			if (relay_hand_over(to, c))
				continue;
			atomic_fetch_sub(&to->load, 1);
			atomic_fetch_add(&w->load, 1);
		}
		w->conns++;
		relay_connect_start(c);
		if (!w->listening)
			return; /* paused by that connect */
	}
	if (took)
		relay_listen_requeue(w, li);
}

static void on_event(struct relay_worker *w, struct epoll_event *ev)
{
	unsigned int tag = (unsigned int) (ev->data.u64 & RELAY_TAG_MASK);
	struct relay_conn *c;
	uint64_t v;

	if (tag == RELAY_TAG_WAKE) {
		while (read(w->efd, &v, sizeof(v)) < 0 && errno == EINTR)
			;
		relay_resolved_take(w);
		relay_handed_take(w);
		return;
	}
	if (tag == RELAY_TAG_LISTENER) {
		if (w->listening)
			accept_one(w, (size_t) (ev->data.u64 >> 2));
		return;
	}
	c = (struct relay_conn *) (uintptr_t) (ev->data.u64 & ~(uint64_t) RELAY_TAG_MASK);
	if (c->state == RELAY_DEAD) /* ended by an earlier event of this batch */
		return;
	if (c->state != RELAY_COPYING) {
		if (tag == RELAY_TAG_CLIENT)
			relay_client_event(c, ev->events);
		else
			relay_connect_event(c);
		return;
	}
	if (ev->events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->rd[tag] = true;
	if (ev->events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		c->wr[tag] = true;
	link_del(&c->ready);
	relay_pump(c);
}

/* Free the connections ended in this round, once no event refers to them. */
static void bury(struct relay_worker *w)
{
	while (!link_empty(&w->dead)) {
		struct relay_conn *c = link_of(w->dead.next, struct relay_conn, link);

		link_del(&c->link);
		free(c);
	}
}

/* The connections with more to do than their budget allowed. */
static void run_ready(struct relay_worker *w)
{
	struct relay_link todo;

	if (link_empty(&w->ready))
		return;
	/* Take the list: a pump may put its connection back on it. */
	link_move(&todo, &w->ready);
	w->starved = false;
	while (!link_empty(&todo)) {
		struct relay_conn *c = link_of(todo.next, struct relay_conn, ready);

		link_del(&c->ready);
		relay_pump(c);
	}
}

/* Deadlines passed: connects, pauses, idle connections, a paused listener. */
static void run_timers(struct relay_worker *w)
{
	struct relay *r = w->r;
	struct relay_link *l, *next;
	char why[64];

	if (w->relisten_ms && w->now >= w->relisten_ms && !w->stopping) {
		w->relisten_ms = 0;
		listen_all(w, EPOLL_CTL_ADD);
	}
	if (w->now >= w->next_timer_ms) {
		w->next_timer_ms = UINT64_MAX;
		for (l = w->pending.next; l != &w->pending; l = next) {
			struct relay_conn *c = link_of(l, struct relay_conn, link);

			next = l->next;
			if (c->deadline_ms <= w->now)
				relay_connect_timer(c);
		}
		/* Recompute from those left (and those just added). */
		for (l = w->pending.next; l != &w->pending; l = l->next) {
			struct relay_conn *c = link_of(l, struct relay_conn, link);

			if (c->deadline_ms < w->next_timer_ms)
				w->next_timer_ms = c->deadline_ms;
		}
	}
	while (r->o.idle_ms && !link_empty(&w->lru)) {
		struct relay_conn *c = link_of(w->lru.next, struct relay_conn, link);

		if (c->last_ms + r->o.idle_ms > w->now)
			break;
		snprintf(why, sizeof(why), "idle for %u ms", r->o.idle_ms);
		relay_close(c, why);
	}
}

static int timeout_ms(struct relay_worker *w)
{
	uint64_t next = w->next_timer_ms;

	if (!link_empty(&w->ready))
		return w->starved ? STARVED_MS : 0;
	if (w->relisten_ms && w->relisten_ms < next)
		next = w->relisten_ms;
	if (w->r->o.idle_ms && !link_empty(&w->lru)) {
		struct relay_conn *c = link_of(w->lru.next, struct relay_conn, link);

		if (c->last_ms + w->r->o.idle_ms < next)
			next = c->last_ms + w->r->o.idle_ms;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= w->now ? 0 : next - w->now > 60000 ? 60000 : (int) (next - w->now);
}

/* Stop accepting: told to the main thread, which then closes the listeners. */
static void stop_listening(struct relay_worker *w)
{
	w->stopping = true;
	if (w->listening)
		listen_all(w, EPOLL_CTL_DEL);
	w->relisten_ms = 0;
	atomic_fetch_add(&w->r->unlistened, 1);
	relay_wake(w->r->main_efd);
}

/* Past --stop-timeout: end every connection left. */
static void close_all(struct relay_worker *w)
{
	struct relay_link *lists[] = { &w->lru, &w->pending };
	size_t i;

	for (i = 0; i < 2; i++)
		while (!link_empty(lists[i])) {
			struct relay_conn *c = link_of(lists[i]->next, struct relay_conn, link);

			/* A lookup under way still refers to it: it ends there. */
			if (c->state == RELAY_RESOLVING) {
				link_del(&c->link);
				continue;
			}
			relay_close(c, "the relay stopped");
		}
}

void *relay_worker_main(void *arg)
{
	struct relay_worker *w = arg;
	struct relay *r = w->r;
	struct epoll_event ev[EVENTS];
	int n, i;

	w->now = relay_now_ms();
	for (;;) {
		if (atomic_load(&r->stop) && !w->stopping)
			stop_listening(w);
		if (w->stopping && (!w->conns || atomic_load(&r->abort)) && relay_worker_leave(w))
			break;
		n = epoll_wait(w->ep, ev, EVENTS, timeout_ms(w));
		w->now = relay_now_ms();
		for (i = 0; i < n; i++)
			on_event(w, &ev[i]);
		run_ready(w);
		run_timers(w);
		bury(w);
	}
	if (atomic_load(&r->abort))
		close_all(w);
	bury(w);
	atomic_fetch_add(&r->exited, 1);
	relay_wake(r->main_efd);
	return NULL;
}
