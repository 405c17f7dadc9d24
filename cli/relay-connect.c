/* SPDX-License-Identifier: MIT */
/*
 * A relayed connection's connect to the target, never blocking its worker:
 * library kinds (vsock:, unix:, hybrid:) through a non-blocking context of
 * the library, whose fd may change between steps; tcp: targets by
 * connect(2) on each address in turn. The time is the worker's: a deadline
 * per try (--connect-timeout; for tcp one for all addresses together), and
 * with --wait, tries again after growing pauses while the answer means
 * "nobody listens there yet", as the library's blocking connect does.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "relay-int.h"

#define PAUSE_FIRST_MS 4
#define PAUSE_MAX_MS 1000

struct relay_connecting {
	struct udo_cli_conn out;       /* library kinds: the context */
	struct addrinfo *owned;        /* tcp: this connection's lookup */
	const struct addrinfo *cur;    /* tcp: the address being tried */
	uint64_t begin_ms, try_ms;     /* first try, this try */
	unsigned int pause_ms, attempts, n_tried;
	int fd;                        /* registered with the worker's epoll, or -1 */
	size_t used;
	char tried[UDO_CLI_ERR_MAX - 64];
};

static const struct udo_cli_target *target(struct relay_conn *c)
{
	return c->w->r->t;
}

static void unregister(struct relay_conn *c)
{
	if (c->cg->fd >= 0)
		epoll_ctl(c->w->ep, EPOLL_CTL_DEL, c->cg->fd, NULL);
	c->cg->fd = -1;
}

/* Wait (level-triggered) for events on fd, the target's socket. */
static int watch(struct relay_conn *c, int fd, uint32_t events)
{
	struct epoll_event ev = {
		.events = events, .data.u64 = (uint64_t) (uintptr_t) c | RELAY_TAG_TARGET,
	};

	unregister(c);
	if (epoll_ctl(c->w->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	c->cg->fd = fd;
	return 0;
}

void relay_connecting_free(struct relay_conn *c)
{
	struct relay_connecting *cg = c->cg;

	int fd;

	if (!cg)
		return;
	fd = cg->fd;
	unregister(c);
	/* tcp: the socket being connected is ours; a context closes its own. */
	if (!cg->out.ctx && fd >= 0)
		close(fd);
	udo_cli_conn_close(&cg->out);
	if (cg->owned)
		freeaddrinfo(cg->owned);
	free(cg);
	c->cg = NULL;
}

/* Connected on fd (owned by c from now on): copy. */
static void connected(struct relay_conn *c, int fd)
{
	link_del(&c->link);
	c->fd[1] = fd;
	relay_limiter_clear(&c->w->r->short_fds);
	relay_connecting_free(c);
	relay_copy_start(c);
}

/* ---- library kinds ---- */

static bool worth_retrying(struct relay_conn *c, int e)
{
	return e == ECONNREFUSED || e == ECONNRESET || e == ETIMEDOUT ||
	       (e == ENOENT && target(c)->addr.kind == UDO_CLI_ADDR_HYBRID);
}

static void lib_try(struct relay_conn *c);

/* A try failed with e (msg says how): again after a pause, or the end. */
static void lib_failed(struct relay_conn *c, int e, const char *msg)
{
	struct relay_connecting *cg = c->cg;
	unsigned int wait = c->w->r->wait_ms;
	uint64_t waited = c->w->now - cg->begin_ms;

	unregister(c);
	if (wait && worth_retrying(c, e) && waited < wait) {
		uint64_t left = wait - waited;

		cg->pause_ms = cg->pause_ms ? cg->pause_ms * 2 : PAUSE_FIRST_MS;
		if (cg->pause_ms > PAUSE_MAX_MS)
			cg->pause_ms = PAUSE_MAX_MS;
		c->state = RELAY_PAUSED;
		relay_pending_add(c, c->w->now + (cg->pause_ms < left ? cg->pause_ms : left));
		return;
	}
	if (wait && worth_retrying(c, e))
		relay_fail(c, "%s; gave up after %llu ms and %u attempt%s (connect wait %u ms)",
		           msg, (unsigned long long) waited, cg->attempts,
		           cg->attempts == 1 ? "" : "s", wait);
	else
		relay_fail_connect(c, e, msg);
}

/* One step of a library connect: a new try when no context is left. */
static void lib_step(struct relay_conn *c)
{
	struct relay_connecting *cg = c->cg;
	char err[UDO_CLI_ERR_MAX];
	int r, e, fd;
	short ev;

	unregister(c); /* the context may close or replace its socket */
	if (!cg->out.ctx) {
		r = udo_cli_connect_start(target(c), &cg->out, err, sizeof(err));
	} else {
		r = udo_cli_connect_step(&cg->out, err, sizeof(err));
	}
	e = errno;
	if (r < 0) {
		/* A context that failed to create is gone; one that failed to
		 * connect is ready for another try. */
		lib_failed(c, e, err);
		return;
	}
	if (r == 0) {
		/* Keep the socket, not the context: 800 bytes less per connection. */
		fd = fcntl(cg->out.fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			relay_fail(c, "connect to %s: keep the socket: %s", target(c)->where,
			           strerror(errno));
			return;
		}
		udo_cli_conn_close(&cg->out);
		connected(c, fd);
		return;
	}
	ev = udo_vsock_tcp_get_poll_events(cg->out.ctx);
	r = watch(c, cg->out.fd, (ev & POLLIN) ? EPOLLIN : EPOLLOUT);
	if (r < 0) {
		relay_fail(c, "connect to %s: watch the socket: %s", target(c)->where, strerror(-r));
		return;
	}
	c->state = RELAY_CONNECTING;
	relay_pending_add(c, target(c)->timeout_ms ? cg->try_ms + target(c)->timeout_ms
	                                         : UINT64_MAX);
}

/* A new try: a fresh bound. */
static void lib_try(struct relay_conn *c)
{
	c->cg->attempts++;
	c->cg->try_ms = c->w->now;
	lib_step(c);
}

/* The try's bound passed: this context's connect is abandoned. */
static void lib_timeout(struct relay_conn *c)
{
	struct relay_connecting *cg = c->cg;
	const char *tr = udo_vsock_tcp_get_transport(cg->out.ctx);
	char msg[UDO_CLI_ERR_MAX];

	snprintf(msg, sizeof(msg), "connect to %s %u:%u: no answer within %u ms", tr ? tr : "vsock",
	         target(c)->addr.cid, (unsigned int) target(c)->addr.port, target(c)->timeout_ms);
	unregister(c);
	udo_cli_conn_close(&cg->out);
	lib_failed(c, ETIMEDOUT, msg);
}

/* ---- tcp: targets ---- */

static void tcp_try(struct relay_conn *c);

/* "ADDRESS: reason", after those before it ("; "), as far as it fits. */
static void add_tried(struct relay_connecting *cg, const char *why)
{
	char where[UDO_CLI_ADDR_TEXT_MAX];
	size_t len = sizeof(cg->tried);
	int n;

	udo_cli_sa_text(cg->cur->ai_addr, cg->cur->ai_addrlen, where, sizeof(where));
	n = snprintf(cg->tried + cg->used, len - cg->used, "%s%s: %s", cg->used ? "; " : "",
	             where, why);
	if (n > 0)
		cg->used += (size_t) n < len - cg->used ? (size_t) n : len - cg->used - 1;
	cg->n_tried++;
}

static void tcp_give_up(struct relay_conn *c, int e)
{
	struct relay_connecting *cg = c->cg;
	char text[2 * UDO_CLI_ERR_MAX];

	/* One address: "connect to tcp 127.0.0.1:80: ..."; several: each named. */
	if (cg->n_tried == 1)
		snprintf(text, sizeof(text), "connect to tcp %s", cg->tried);
	else
		snprintf(text, sizeof(text), "connect to %s: %s", target(c)->where, cg->tried);
	relay_fail_connect(c, e, text);
}

/* The address being tried failed with e: the next one, or the end. */
static void tcp_next(struct relay_conn *c, int e)
{
	struct relay_connecting *cg = c->cg;
	int fd = cg->fd;

	unregister(c);
	if (fd >= 0)
		close(fd);
	add_tried(cg, strerror(e));
	cg->cur = cg->cur->ai_next;
	if (!cg->cur) {
		tcp_give_up(c, e);
		return;
	}
	tcp_try(c);
}

/* The connect on fd (not watched) has its answer: copy, or the next address. */
static void tcp_answered(struct relay_conn *c, int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e) {
		close(fd);
		tcp_next(c, e);
		return;
	}
	connected(c, fd);
}

/*
 * A connect that said EINPROGRESS may have its answer already: over
 * loopback the handshake is done by the time connect(2) returns. Then
 * take it now, rather than after a round through epoll (a relayed
 * connection opens sooner, with four system calls fewer); else false.
 */
static bool tcp_settled(struct relay_conn *c, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (poll(&p, 1, 0) != 1)
		return false;
	/* Writable with no error and no hang-up: connected, no SO_ERROR to ask. */
	if (p.revents == POLLOUT)
		connected(c, fd);
	else
		tcp_answered(c, fd);
	return true;
}

static void tcp_try(struct relay_conn *c)
{
	struct relay_connecting *cg = c->cg;
	int fd = socket(cg->cur->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), r;

	if (fd < 0) {
		tcp_next(c, errno);
		return;
	}
	if (connect(fd, cg->cur->ai_addr, cg->cur->ai_addrlen) == 0) {
		connected(c, fd);
		return;
	}
	r = errno;
	if (r == EINPROGRESS && tcp_settled(c, fd))
		return;
	if (r != EINPROGRESS || (r = -watch(c, fd, EPOLLOUT)) != 0) {
		close(fd);
		cg->fd = -1;
		tcp_next(c, r);
		return;
	}
	c->state = RELAY_CONNECTING;
}

static void tcp_begin(struct relay_conn *c, const struct addrinfo *ai)
{
	unsigned int bound = target(c)->timeout_ms;

	c->cg->cur = ai;
	/* One bound for the whole target: every address tried within it. */
	relay_pending_add(c, bound ? c->w->now + bound : UINT64_MAX);
	tcp_try(c);
}

static void tcp_timeout(struct relay_conn *c)
{
	struct relay_connecting *cg = c->cg;
	int fd = cg->fd;
	char why[64];

	unregister(c);
	if (fd >= 0)
		close(fd);
	snprintf(why, sizeof(why), "no answer within %u ms", target(c)->timeout_ms);
	add_tried(cg, why);
	tcp_give_up(c, ETIMEDOUT);
}

/* ---- the worker's entry points ---- */

void relay_connect_start(struct relay_conn *c)
{
	const struct udo_cli_target *t = target(c);
	int r;

	c->cg = calloc(1, sizeof(*c->cg));
	if (!c->cg) {
		relay_fail(c, "connect to %s: %s", t->where, strerror(ENOMEM));
		return;
	}
	c->cg->fd = -1;
	c->cg->out.fd = -1;
	c->cg->begin_ms = c->w->now;
	relay_watch_client(c);
	if (UDO_CLI_ADDR_IS_LIB(&t->addr)) {
		relay_pending_add(c, UINT64_MAX);
		lib_try(c);
		return;
	}
	if (c->w->r->numeric) {
		tcp_begin(c, t->ai);
		return;
	}
	c->state = RELAY_RESOLVING;
	relay_pending_add(c, UINT64_MAX);
	r = relay_resolve(c->w->r->resolver, c);
	if (r < 0)
		relay_fail(c, "connect to %s: look up \"%s\": %s", t->where, t->addr.host,
		           strerror(-r));
}

void relay_connect_resolved(struct relay_conn *c, struct addrinfo *ai, int gai_error)
{
	const struct udo_cli_target *t = target(c);

	if (!ai) {
		relay_fail(c, "connect to tcp %s:%d: cannot resolve \"%s\": %s", t->addr.host,
		           t->addr.port, t->addr.host,
		           gai_error < 0 ? strerror(-gai_error) : gai_strerror(gai_error));
		return;
	}
	c->cg->owned = ai;
	tcp_begin(c, ai);
}

void relay_connect_event(struct relay_conn *c)
{
	int fd;

	if (c->state != RELAY_CONNECTING)
		return;
	if (UDO_CLI_ADDR_IS_LIB(&target(c)->addr)) {
		lib_step(c);
		return;
	}
	fd = c->cg->fd;
	unregister(c);
	tcp_answered(c, fd);
}

void relay_connect_timer(struct relay_conn *c)
{
	if (c->state == RELAY_PAUSED) {
		lib_try(c);
		return;
	}
	if (c->state != RELAY_CONNECTING)
		return;
	if (UDO_CLI_ADDR_IS_LIB(&target(c)->addr))
		lib_timeout(c);
	else
		tcp_timeout(c);
}
