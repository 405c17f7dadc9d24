/* SPDX-License-Identifier: MIT */
/*
 * The relay's insides, shared by its files: cli/relay.c (the worker loops
 * and accepting), cli/relay-connect.c (connecting to the target without
 * blocking), cli/relay-conn.c (copying), cli/relay-pool.c (buffers and
 * pipes), cli/relay-resolve.c (host names), cli/relay-stats.c (counters),
 * cli/relay-service.c (the main thread), cli/relay-guard.c (peers that
 * do it no favours).
 */
#ifndef UDO_CLI_RELAY_INT_H
#define UDO_CLI_RELAY_INT_H

#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "relay.h"
#include "repeat.h"

/* An intrusive doubly-linked list: a head is a link pointing at itself. */
struct relay_link {
	struct relay_link *prev, *next;
};

static inline void link_init(struct relay_link *h)
{
	h->prev = h->next = h;
}

static inline bool link_empty(const struct relay_link *h)
{
	return h->next == h;
}

static inline bool link_linked(const struct relay_link *l)
{
	return l->next != NULL && l->next != l;
}

static inline void link_del(struct relay_link *l)
{
	if (!l->next)
		return;
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->prev = l->next = NULL;
}

/* Move every entry of list from onto the empty list to (a head, maybe on
 * the stack); from is left empty. */
static inline void link_move(struct relay_link *to, struct relay_link *from)
{
	link_init(to);
	if (link_empty(from))
		return;
	*to = *from;
	to->next->prev = to;
	to->prev->next = to;
	link_init(from);
}

static inline void link_tail(struct relay_link *h, struct relay_link *l)
{
	link_del(l);
	l->prev = h->prev;
	l->next = h;
	h->prev->next = l;
	h->prev = l;
}

#define link_of(ptr, type, member) ((type *) (void *) ((char *) (ptr) - offsetof(type, member)))

/* Shared counters: the statistics line, STATUS=, --max-connections. */
struct relay_stats {
	atomic_ulong open, total, refused, failed;
	atomic_ullong bytes_in, bytes_out; /* client to target, target to client */
};

/* cli/repeat.c's summed-up repeats, shared by the workers: locked. */
struct relay_limiter {
	pthread_mutex_t lock;
	atomic_bool counting;       /* repeats not said yet: clear takes the lock */
	struct udo_cli_repeat said;
};

/* A buffer or pipe of the pool, while it carries a direction's bytes. */
struct relay_buf {
	struct relay_buf *next; /* in a free list */
	int pipe[2];            /* splice: the pipe; else -1 */
	char data[];            /* read: the bytes */
};

struct relay_pool {
	pthread_mutex_t lock;
	struct relay_buf *free;
	unsigned int made, max;
	atomic_uint held;       /* taken by directions, not given back yet */
	size_t size;
	bool pipes;
};

enum relay_state {
	RELAY_RESOLVING,  /* a name lookup is under way */
	RELAY_CONNECTING, /* a connect is under way */
	RELAY_PAUSED,     /* --wait: the next try is due at deadline */
	RELAY_COPYING,
	RELAY_DEAD,       /* ended: freed once the current events are handled */
};

/* One direction: bytes read from one socket, not yet all written to the other. */
struct relay_dir {
	struct relay_buf *buf;    /* held only while bytes are in flight */
	uint32_t off, len;        /* buf->data[off, len), or len bytes in the pipe */
	bool pending;             /* something to write (an empty message too) */
	bool eof;                 /* the source ended */
	bool shut;                /* ... and the end was passed on */
	bool spliceless;          /* splice refused: read/write from now on */
	bool peek;                /* buf's bytes are still queued at the source */
	bool peekless;            /* MSG_PEEK refused: read from now on */
	unsigned long long bytes;
	size_t cut;               /* a message longer than the buffer: its length */
};

struct relay_connecting; /* cli/relay-connect.c: only while connecting */
struct relay_worker;

struct relay_conn {
	struct relay_link link;  /* the worker's idle LRU, or its pending list */
	struct relay_link ready; /* the worker's list to pump again */
	struct relay_worker *w;
	struct relay_connecting *cg;
	int fd[2];                /* 0: the client, 1: the target */
	bool rd[2], wr[2];        /* readiness seen (edge-triggered) */
	bool failed;
	bool watched;             /* fd[0] in the epoll already, for the copy */
	uint8_t state;
	struct relay_dir dir[2];  /* 0: client to target, 1: target to client */
	uint64_t start_ms, last_ms, deadline_ms;
	char peer[72];
};

struct relay;

struct relay_worker {
	struct relay *r;
	pthread_t thread;
	int ep, efd;             /* epoll, and the eventfd that wakes it */
	bool listening, stopping;
	uint64_t now, relisten_ms, next_timer_ms;
	struct relay_link lru;     /* copying, least recently active first */
	struct relay_link pending; /* resolving, connecting, paused */
	struct relay_link ready;   /* with more to do at once */
	struct relay_link dead;    /* ended, to be freed */
	bool starved;              /* a direction waits for the pool */
	unsigned long conns;
	atomic_ulong load;         /* conns, and those handed to it not taken yet */
	struct relay_buf *spare[2]; /* one free buffer, one pipe, kept without the lock */
	pthread_mutex_t lock;      /* guards resolved, handed and gone */
	struct relay_resolved *resolved;
	struct relay_link handed;  /* clients another worker accepted for it */
	bool gone;                 /* left its loop: takes no more */
};

struct relay {
	struct udo_cli_listener *ls;
	pthread_mutex_t *accept_lock; /* per listener: a library context's error */
	size_t nls;
	const struct udo_cli_target *t;
	struct udo_cli_relay_opts o;
	unsigned int wait_ms;         /* library kinds: --wait or the variable */
	bool numeric;                 /* a tcp target's host is an address */
	struct relay_stats stats;
	struct relay_limiter accept_errors, refusals;
	struct relay_limiter short_fds; /* targets not connected for want of fds */
	struct relay_pool pool, pipes; /* buffers; pipes for --copy=splice */
	struct relay_worker *w;
	unsigned int nw;
	atomic_bool stop, abort;
	atomic_uint unlistened, exited;
	int main_efd;                 /* workers wake the main thread */
	struct relay_resolver *resolver;
};

/* Tags in epoll_event.data.u64, below a connection's (aligned) address. */
/* What a copying connection's two sockets are watched for. */
#define RELAY_COPY_EVENTS (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)
#define RELAY_TAG_CLIENT 0u
#define RELAY_TAG_TARGET 1u
#define RELAY_TAG_LISTENER 2u
#define RELAY_TAG_WAKE 3u
#define RELAY_TAG_MASK 3u

uint64_t relay_now_ms(void);
void relay_wake(int efd);

/* cli/relay-stats.c */
void relay_stats_line(struct relay_stats *s, char *buf, size_t len);
/* prefix goes before every line said ("relay: "), then_ok after a summary
 * said once the condition ended. */
void relay_limiter_init(struct relay_limiter *l, const char *prefix, const char *then_ok);
/* Say line (key when NULL; key names the kind of message, and is what a
 * summary of its repeats says), or count it as a repeat. */
void relay_limiter_note(struct relay_limiter *l, const char *key, const char *line);
/* The condition ended: say the repeats not said yet (at most every
 * UDO_CLI_REPEAT_SECONDS). */
void relay_limiter_clear(struct relay_limiter *l);

/* cli/relay-pool.c */
int relay_pool_init(struct relay_pool *p, size_t size, bool pipes, unsigned int max);
/* A buffer (pipe: a pipe), or NULL with w->starved set: none free now. */
struct relay_buf *relay_pool_get(struct relay_worker *w, bool pipe);
void relay_pool_put(struct relay_worker *w, struct relay_buf *b);
/* Half of the pool (pipe: of the pipes) or more is taken: what is taken
 * now may be kept by directions whose destination does not read. */
bool relay_pool_tight(struct relay_worker *w, bool pipe);
/* A pipe with bytes left in it: closed, not reused. */
void relay_pool_drop(struct relay_worker *w, struct relay_buf *b);
/* Once the workers are gone: free what p holds (w's spares included). */
void relay_pool_free(struct relay_pool *p);
void relay_buf_free(struct relay_buf *b);

/* cli/relay-resolve.c */
struct relay_resolved;
struct relay_resolver *relay_resolver_start(char *err, size_t errlen);
/* Look up the target's name for c; the result comes back to c's worker. */
int relay_resolve(struct relay_resolver *res, struct relay_conn *c);
/* Once the workers are gone: end the lookups thread and free it (0), or
 * -1 when a lookup is under way (the thread and res are left to the exit). */
int relay_resolver_stop(struct relay_resolver *res);
/* The lookups finished for w: each handed to relay_connect_resolved. */
void relay_resolved_take(struct relay_worker *w);

/* cli/relay-connect.c */
void relay_connect_start(struct relay_conn *c);
void relay_connect_event(struct relay_conn *c);
void relay_connect_resolved(struct relay_conn *c, struct addrinfo *ai, int gai_error);
void relay_connect_timer(struct relay_conn *c);
void relay_connecting_free(struct relay_conn *c);

/* cli/relay-conn.c */
void relay_copy_start(struct relay_conn *c);
void relay_pump(struct relay_conn *c);
/* End c cleanly (why: for -v), or with a failure said in one line. */
void relay_close(struct relay_conn *c, const char *why);
void relay_fail(struct relay_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End c, whose target could not be connected with error e (text says so):
 * relay_fail, but when fds ran short (EMFILE, ENFILE) said rate-limited,
 * as a failed accept is, and accepting pauses while they are short. */
void relay_fail_connect(struct relay_conn *c, int e, const char *text);
void relay_touch(struct relay_conn *c);

/* cli/relay-guard.c: watch c's client for a reset while its target is
 * being connected; a send buffer on fd that takes a message of size. */
void relay_watch_client(struct relay_conn *c);
void relay_client_event(struct relay_conn *c, uint32_t events);
void relay_msg_room(int fd, size_t size);

/* cli/relay.c */
void *relay_worker_main(void *arg);
/* Stop accepting a while: fds are short (the connections go on). */
void relay_accept_pause(struct relay_worker *w);

/* cli/relay-handoff.c: register w for listener i, or not (op: epoll's ADD
 * or DEL); w to the back of listener li's queue of workers. */
int relay_listen_one(struct relay_worker *w, int op, size_t i);
void relay_listen_requeue(struct relay_worker *w, size_t li);
/* The worker a client just accepted by w goes to (the
 * least loaded; w on a tie), its load counted already. */
struct relay_worker *relay_pick(struct relay_worker *w);
/* Give c to another worker: false when that one has left (keep c). */
bool relay_hand_over(struct relay_worker *to, struct relay_conn *c);
/* Start the connections handed to w. */
void relay_handed_take(struct relay_worker *w);
/* w has nothing to do and stops: true, and it takes no more; false when
 * connections were handed to it meanwhile (take them first). */
bool relay_worker_leave(struct relay_worker *w);
int relay_worker_init(struct relay *r, struct relay_worker *w);
void relay_pending_add(struct relay_conn *c, uint64_t deadline);

#endif /* UDO_CLI_RELAY_INT_H */
