/* SPDX-License-Identifier: MIT */
/*
 * The library against raw socket syscalls, in one process.
 *
 * Every figure is a median, over rounds, of per-round ratios: library time
 * divided by raw time (1.00: the library costs nothing).
 *
 * On a shared virtual machine the same 512 MiB transfer takes anywhere
 * from 0.1 to 0.25 s, and a round trip between two threads varies as much:
 * rounds that run one path after the other see different machines. So in
 * the bulk, latency, connect and message-size figures each round runs both
 * paths, one operation of each in random order, pair after pair, timing
 * every operation; the round's ratio is the library's total over the raw
 * total. (Rounds of 512 MiB each way then agree within a few percent.)
 * The scaling figures, where an operation is too short to time alone,
 * alternate whole rounds: library, raw, library, raw ... and give two
 * ratios, of wall-clock time and of the process's CPU time.
 *
 * The raw path is what a program would write by hand: socket, bind,
 * listen, connect, accept4, send and recv, on 127.0.0.1 for tcp and on
 * CID 1 (vsock loopback) for vsock.
 *
 * Usage: bench [-r ROUNDS] [-q] [-t tcp|vsock|all] [-s FIGURES] [-m] [-u] [-v] [-c] [-T]
 *   -r  rounds per figure (default 9)
 *   -s  which figures, comma-separated: bulk,latency,connect,scaling,sizes,
 *       seqpacket (default all; seqpacket: bench/seqpacket.c, on vsock in
 *       the vsock run and on the unix transport in the tcp run)
 *   -q  quick: a tenth of the work per round (a smoke test, noisy)
 *   -t  transports to measure (default all: vsock is skipped where the
 *       machine has no vsock loopback)
 *   -m  client contexts in memory the caller provides (allocated outside
 *       the timing), instead of contexts the library allocates
 *   -u  leave threads unpinned (default: this thread on one CPU, the
 *       receiving or echoing thread on another)
 *   -v  print every round's times (on stderr)
 *   -c  exit 1 when a headline ratio misses its target
 *   -T  TAP: a plan first and one result last (for make bench-vm)
 * Without arguments, the options come from BENCH_ARGS in the environment
 * when it is set (where only the environment can be passed, as in a VM).
 * The plugin directory comes from UDO_VSOCK_TCP_PLUGIN_PATH (make bench
 * sets it to the build tree).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "seqpacket.h"

#define MiB (1024u * 1024u)
#define MAX_ROUNDS 101
#define ALWAYS_INLINE static inline __attribute__((always_inline))

static int rounds = 9;
static unsigned int scale = 1;     /* work divisor: 10 with -q */
static bool vsock_mode;            /* raw path: AF_VSOCK on CID 1 */
static int misses;
static int cpu_main = -1, cpu_peer = -1; /* pinned CPUs, -1: not pinned */
static bool verbose;               /* -v: every round's time */
static bool caller_memory;         /* -m: client contexts in the caller's memory */

static const char *figures = "bulk,latency,connect,scaling,sizes,seqpacket";

static bool wanted(const char *figure)
{
	size_t n = strlen(figure);
	const char *p;

	for (p = figures; (p = strstr(p, figure)); p += n)
		if ((p == figures || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err));
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/*
 * The peer thread (receiver, echo) runs on its own CPU and this thread on
 * another, fixed for the whole run: left to the scheduler, the two land on
 * one CPU in some rounds and on two in others, which moves throughput by
 * 20% and latency by a factor of four, far more than anything measured here.
 */
static void pin_threads(bool pin)
{
	cpu_set_t set;
	int cpu;

	if (!pin || sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (cpu_main < 0)
			cpu_main = cpu;
		else if (cpu_peer < 0)
			cpu_peer = cpu;
	}
	if (cpu_peer < 0) {
		cpu_main = -1; /* one CPU: nothing to choose */
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu_main, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		cpu_main = cpu_peer = -1;
}

static void start_peer(pthread_t *th, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;

	pthread_attr_init(&attr);
	if (cpu_peer >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu_peer, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (pthread_create(th, &attr, fn, arg))
		die("pthread_create", EAGAIN);
	pthread_attr_destroy(&attr);
}

/* CPU time of the whole process (all threads), user and system. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* ---- endpoints: the same operations, by the library or by hand ---- */

struct srv {
	struct udo_vsock_tcp *ctx; /* library */
	int fd;                    /* raw */
	int port;
};

struct cli {
	struct udo_vsock_tcp *ctx;
	void *mem; /* caller memory for the context, or NULL: the library allocates */
	int fd;
};

/* With -m, memory for n client contexts, set up outside the timing. */
static void *cli_memory(struct cli *c, unsigned int n)
{
	char *mem;
	size_t size = (size_t) udo_vsock_tcp_get_sizeof();
	unsigned int i;

	if (!caller_memory)
		return NULL;
	size = (size + 15) & ~(size_t) 15;
	mem = calloc(n, size);
	if (!mem)
		die("calloc", ENOMEM);
	for (i = 0; i < n; i++)
		c[i].mem = mem + i * size;
	return mem;
}

static socklen_t raw_addr(struct sockaddr_storage *ss, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (vsock_mode) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *) ss;

		vm->svm_family = AF_VSOCK;
		vm->svm_cid = VMADDR_CID_LOCAL;
		/* vsock ports are 32-bit: the kernel's may not fit in an int */
		vm->svm_port = port == -1 ? VMADDR_PORT_ANY : (unsigned int) port;
		return sizeof(*vm);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *) ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons((uint16_t) (port < 0 ? 0 : port));
		return sizeof(*in);
	}
}

static int raw_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_VSOCK)
		return (int) ((const struct sockaddr_vm *) ss)->svm_port;
	return ntohs(((const struct sockaddr_in *) ss)->sin_port);
}

static int raw_family(void)
{
	return vsock_mode ? AF_VSOCK : AF_INET;
}

static void srv_open(bool lib, struct srv *s, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	memset(s, 0, sizeof(*s));
	if (lib) {
		struct udo_vsock_tcp_server_create_info info = {
			.vcid = VMADDR_CID_LOCAL, .port = -1, .connections = backlog,
		};

		s->ctx = udo_vsock_tcp_server_create(NULL, &info);
		if (!s->ctx)
			die("library server on CID 1", errno);
		s->fd = udo_vsock_tcp_get_fd(s->ctx);
		s->port = udo_vsock_tcp_get_port(s->ctx);
		return;
	}
	s->fd = socket(raw_family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		die("raw socket", errno);
	if (!vsock_mode)
		setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	len = raw_addr(&ss, -1);
	if (bind(s->fd, (struct sockaddr *) &ss, len) < 0)
		die("raw bind", errno);
	if (listen(s->fd, backlog) < 0)
		die("raw listen", errno);
	if (getsockname(s->fd, (struct sockaddr *) &ss, &len) < 0)
		die("raw getsockname", errno);
	s->port = raw_port(&ss);
}

static void srv_close(struct srv *s)
{
	if (s->ctx)
		udo_vsock_tcp_destroy(s->ctx);
	else
		close(s->fd);
}

/* create + connect: what a connect costs, by each path. */
ALWAYS_INLINE void cli_open(const bool lib, const struct srv *s, struct cli *c)
{
	if (lib) {
		struct udo_vsock_tcp_client_create_info info = {
			.vcid = VMADDR_CID_LOCAL, .port = s->port,
		};

		c->ctx = udo_vsock_tcp_client_create(c->mem, &info);
		if (!c->ctx)
			die("library client create", errno);
		if (udo_vsock_tcp_client_connect(c->ctx) != 0) {
			fprintf(stderr, "bench: %s\n", udo_log_get_error(c->ctx));
			exit(2);
		}
		c->fd = udo_vsock_tcp_get_fd(c->ctx);
	} else {
		struct sockaddr_storage ss;
		socklen_t len = raw_addr(&ss, s->port);

		c->ctx = NULL;
		c->fd = socket(raw_family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			die("raw socket", errno);
		if (connect(c->fd, (struct sockaddr *) &ss, len) < 0)
			die("raw connect", errno);
	}
}

ALWAYS_INLINE void cli_close(const bool lib, struct cli *c)
{
	if (lib)
		udo_vsock_tcp_destroy(c->ctx);
	else
		close(c->fd);
}

ALWAYS_INLINE int srv_accept(const bool lib, const struct srv *s)
{
	int fd = lib ? udo_vsock_tcp_server_accept(s->ctx, NULL)
	             : accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		die("accept", errno);
	return fd;
}

ALWAYS_INLINE ssize_t xsend(const bool lib, int fd, const void *p, size_t n)
{
	ssize_t r;

	if (lib)
		return udo_vsock_tcp_send_data(fd, p, n, NULL);
	r = send(fd, p, n, MSG_NOSIGNAL);
	return r < 0 ? -errno : r;
}

ALWAYS_INLINE ssize_t xrecv(const bool lib, int fd, void *p, size_t n)
{
	ssize_t r;

	if (lib)
		return udo_vsock_tcp_recv_data(fd, p, n, NULL);
	r = recv(fd, p, n, 0);
	return r < 0 ? -errno : r;
}

ALWAYS_INLINE void send_all(const bool lib, int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = xsend(lib, fd, p, n);

		if (r == -EINTR)
			continue;
		if (r < 0)
			die("send", (int) -r);
		p += r;
		n -= (size_t) r;
	}
}

/* false when the peer closed before anything arrived */
ALWAYS_INLINE bool recv_all(const bool lib, int fd, char *p, size_t n)
{
	size_t want = n;

	while (n) {
		ssize_t r = xrecv(lib, fd, p, n);

		if (r == -EINTR)
			continue;
		if (r < 0)
			die("recv", (int) -r);
		if (r == 0) {
			if (n == want)
				return false;
			die("recv", EPIPE);
		}
		p += r;
		n -= (size_t) r;
	}
	return true;
}

/* A connected pair: client (this thread) and accepted fd (a peer thread). */
struct pair {
	struct srv s;
	struct cli c;
	int peer;
};

static void pair_open(bool lib, struct pair *p)
{
	memset(p, 0, sizeof(*p)); /* the client context: library-allocated */
	srv_open(lib, &p->s, 16);
	if (lib)
		cli_open(true, &p->s, &p->c);
	else
		cli_open(false, &p->s, &p->c);
	p->peer = lib ? srv_accept(true, &p->s) : srv_accept(false, &p->s);
}

static void pair_close(bool lib, struct pair *p)
{
	close(p->peer);
	if (lib)
		cli_close(true, &p->c);
	else
		cli_close(false, &p->c);
	srv_close(&p->s);
}

/* ---- the measurements: each returns seconds for one round ---- */

/*
 * The order of the two paths in an interleaved round: pairs of operations,
 * library then raw or raw then library at random. Two generators started
 * from the same seed give the same sequence, so the echo thread answers
 * each message by the path the client sent it by.
 */
struct order {
	uint64_t s;
	bool second; /* the next is the second of a pair */
	bool next;   /* and it is a library one */
};

static bool order_next(struct order *o)
{
	bool lib;

	if (o->second) {
		o->second = false;
		return o->next;
	}
	o->s ^= o->s << 13;
	o->s ^= o->s >> 7;
	o->s ^= o->s << 17;
	lib = o->s & 1;
	o->second = true;
	o->next = !lib;
	return lib;
}

#define ORDER_SEED 0x2545f4914f6cdd1du

/*
 * Bulk: 64 KiB writes from this thread, a receiver thread reads them. How
 * long a 512 MiB transfer takes on this machine varies by a factor of two
 * from one transfer to the next, whoever makes the calls (the memory copies
 * compete with everything else on the host), so rounds of whole transfers
 * cannot show a 2% difference. Instead each round is one connection (made
 * by the library) carrying 512 MiB through the library's send and 512 MiB
 * through send(2), the two interleaved 64 KiB by 64 KiB in a random order,
 * each write timed: both paths meet the same conditions at the same moment.
 * The receiver likewise alternates udo_vsock_tcp_recv_data() and recv(2).
 */
#define BULK_CHUNK (64u * 1024u)

struct bulk_rx {
	int fd;
	size_t total;
};

/* Both buffers at fixed addresses for every round, page aligned. */
static _Alignas(4096) char bulk_rx_buf[BULK_CHUNK];
static _Alignas(4096) char bulk_tx_buf[BULK_CHUNK];

static void *bulk_rx_thread(void *arg)
{
	struct bulk_rx *rx = arg;
	size_t got = 0;
	unsigned int k = 0;

	while (got < rx->total) {
		ssize_t r = (k++ & 1) ? xrecv(true, rx->fd, bulk_rx_buf, BULK_CHUNK)
		                      : xrecv(false, rx->fd, bulk_rx_buf, BULK_CHUNK);

		if (r == -EINTR)
			continue;
		if (r <= 0)
			die("bulk recv", r ? (int) -r : EPIPE);
		got += (size_t) r;
	}
	return NULL;
}

ALWAYS_INLINE double timed_send(const bool lib, int fd)
{
	double t = now();

	send_all(lib, fd, bulk_tx_buf, BULK_CHUNK);
	return now() - t;
}

/* One round: the seconds the library's writes took, and send(2)'s. */
static void bulk_round(size_t per_path, double *lib_s, double *raw_s)
{
	struct bulk_rx rx = { .total = 2 * per_path };
	struct order o = { .s = ORDER_SEED };
	double tl = 0, tr = 0;
	struct pair p;
	pthread_t th;
	size_t sent;

	pair_open(true, &p);
	rx.fd = p.peer;
	start_peer(&th, bulk_rx_thread, &rx);
	for (sent = 0; sent < 2 * per_path; sent += BULK_CHUNK) {
		if (order_next(&o))
			tl += timed_send(true, p.c.fd);
		else
			tr += timed_send(false, p.c.fd);
	}
	pthread_join(th, NULL);
	pair_close(true, &p);
	*lib_s = tl;
	*raw_s = tr;
}

static size_t bulk_bytes(void)
{
	return 512u * MiB / scale;
}


/* Ping-pong: size bytes there and back through an echo thread. */
struct echo {
	int fd;
	size_t size;
};

static void *echo_thread(void *arg)
{
	struct echo *e = arg;
	struct order o = { .s = ORDER_SEED };
	char *buf = malloc(e->size);
	bool more = true;

	if (!buf)
		die("malloc", ENOMEM);
	while (more) {
		if (order_next(&o)) {
			more = recv_all(true, e->fd, buf, e->size);
			if (more)
				send_all(true, e->fd, buf, e->size);
		} else {
			more = recv_all(false, e->fd, buf, e->size);
			if (more)
				send_all(false, e->fd, buf, e->size);
		}
	}
	free(buf);
	return NULL;
}

ALWAYS_INLINE double timed_rtt(const bool lib, int fd, char *buf, size_t size)
{
	double t = now();

	send_all(lib, fd, buf, size);
	if (!recv_all(lib, fd, buf, size))
		die("ping-pong recv", EPIPE);
	return now() - t;
}

/* One round: iters round trips by each path, interleaved, on one connection. */
static void pingpong_round(size_t size, unsigned int iters, double *lib_s, double *raw_s)
{
	struct echo e = { .size = size };
	struct order o = { .s = ORDER_SEED };
	char *buf = calloc(1, size);
	double tl = 0, tr = 0;
	struct pair p;
	pthread_t th;
	unsigned int i;
	int one = 1;

	if (!buf)
		die("calloc", ENOMEM);
	pair_open(true, &p);
	if (!vsock_mode) {
		/* Small messages go out at once. */
		setsockopt(p.c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(p.peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	e.fd = p.peer;
	start_peer(&th, echo_thread, &e);
	for (i = 0; i < 2 * iters; i++) {
		if (order_next(&o))
			tl += timed_rtt(true, p.c.fd, buf, size);
		else
			tr += timed_rtt(false, p.c.fd, buf, size);
	}
	shutdown(p.c.fd, SHUT_WR);
	pthread_join(th, NULL);
	pair_close(true, &p);
	free(buf);
	*lib_s = tl;
	*raw_s = tr;
}

static size_t pp_size;
static unsigned int pp_iters;

static void pingpong(double *lib_s, double *raw_s)
{
	pingpong_round(pp_size, pp_iters, lib_s, raw_s);
}

/*
 * Connect rate: create + connect, accept, close both; one thread. Each
 * path has its own listening socket (the library's, and one made by hand);
 * the connects alternate between them in random pairs.
 */
ALWAYS_INLINE double timed_connect(const bool lib, const struct srv *s, struct cli *c)
{
	double t = now();
	int fd;

	cli_open(lib, s, c);
	fd = srv_accept(lib, s);
	cli_close(lib, c);
	close(fd);
	return now() - t;
}

static unsigned int connect_count(void)
{
	return 2000 / scale;
}

static void connect_round(double *lib_s, double *raw_s)
{
	struct order o = { .s = ORDER_SEED };
	struct cli c = { 0 };
	void *mem = cli_memory(&c, 1);
	unsigned int i, n = connect_count();
	double tl = 0, tr = 0;
	struct srv sl, sr;

	srv_open(true, &sl, 64);
	srv_open(false, &sr, 64);
	for (i = 0; i < 2 * n; i++) {
		if (order_next(&o))
			tl += timed_connect(true, &sl, &c);
		else
			tr += timed_connect(false, &sr, &c);
	}
	srv_close(&sl);
	srv_close(&sr);
	free(mem);
	*lib_s = tl;
	*raw_s = tr;
}

/*
 * Scaling: n connections open at once, then 1-byte exchanges over all of
 * them (client i sends, accepted i echoes, client i reads), one thread.
 * Two figures: the time to open them, and the time per exchange. A round
 * opens at least 1024 connections in all (in cycles of n) so that small n
 * are timed over as many connections as large ones.
 */
static unsigned int sc_conns;
/* [lib]: per connection / per message, wall clock and CPU time */
static double sc_setup[2], sc_setup_cpu[2], sc_xchg_cpu[2];

ALWAYS_INLINE double scaling_round(const bool lib, unsigned int n)
{
	struct cli *cl = calloc(n, sizeof(*cl));
	int *peer = calloc(n, sizeof(*peer));
	unsigned int cycles = n >= 1024 / scale ? 1 : (1024 / scale) / n;
	unsigned int i, r, k, reps = (16384 / scale) / n / cycles;
	double t, c, setup = 0, xchg = 0, setup_cpu = 0, xchg_cpu = 0;
	char b = 'x';
	struct srv s;

	void *mem;

	if (!cl || !peer)
		die("calloc", ENOMEM);
	mem = cli_memory(cl, n);
	if (reps < 4)
		reps = 4;
	srv_open(lib, &s, 64);
	for (k = 0; k < cycles; k++) {
		c = cpu_now();
		t = now();
		for (i = 0; i < n; i++) {
			cli_open(lib, &s, &cl[i]);
			peer[i] = srv_accept(lib, &s);
		}
		setup += now() - t;
		setup_cpu += cpu_now() - c;
		if (!vsock_mode) {
			int one = 1;

			for (i = 0; i < n; i++) {
				setsockopt(cl[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				setsockopt(peer[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			}
		}
		c = cpu_now();
		t = now();
		for (r = 0; r < reps; r++) {
			for (i = 0; i < n; i++)
				send_all(lib, cl[i].fd, &b, 1);
			for (i = 0; i < n; i++) {
				recv_all(lib, peer[i], &b, 1);
				send_all(lib, peer[i], &b, 1);
			}
			for (i = 0; i < n; i++)
				recv_all(lib, cl[i].fd, &b, 1);
		}
		xchg += now() - t;
		xchg_cpu += cpu_now() - c;
		for (i = 0; i < n; i++) {
			close(peer[i]);
			cli_close(lib, &cl[i]);
		}
	}
	srv_close(&s);
	free(mem);
	free(cl);
	free(peer);
	sc_setup[lib] = setup / ((double) cycles * n);
	sc_setup_cpu[lib] = setup_cpu / ((double) cycles * n);
	sc_xchg_cpu[lib] = xchg_cpu / ((double) cycles * reps * n);
	return xchg / ((double) cycles * reps * n);
}

static double scaling_lib(void) { return scaling_round(true, sc_conns); }
static double scaling_raw(void) { return scaling_round(false, sc_conns); }

/* ---- rounds, medians, report ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t) n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct result {
	double lib, raw;             /* median seconds (wall clock) */
	double ratio, cpu_ratio;     /* median ratios: wall clock, CPU time */
	double setup_lib, setup_raw, setup_ratio, setup_cpu_ratio; /* scaling only */
};

/* Median of x[i]/y[i] and x[i+1]/y[i]: see measure(). */
static double neighbour_ratio(const double *x, const double *y, int n)
{
	double q[2 * MAX_ROUNDS];
	int i, k = 0;

	for (i = 0; i < n; i++) {
		q[k++] = x[i] / y[i];
		if (i + 1 < n)
			q[k++] = x[i + 1] / y[i];
	}
	return median(q, k);
}

/*
 * Rounds go library, raw, library, raw ... after one warm-up pair. Each
 * round is compared with both its neighbours (L1/R1, L2/R1, L2/R2, ...):
 * half the ratios have the library first and half have it second, so
 * whatever the first or second of two rounds pays (a cold cache, the other
 * round's TIME_WAIT sockets) cancels out. Two ratios: wall-clock time, and
 * the CPU time the process spent in the round (all threads, user and
 * system): the wall clock also counts the time other programs held the
 * CPUs, the CPU time only the work the round cost.
 */
static struct result measure(double (*lib)(void), double (*raw)(void))
{
	double l[MAX_ROUNDS], r[MAX_ROUNDS], lc[MAX_ROUNDS], rc[MAX_ROUNDS];
	double sl[MAX_ROUNDS], sr[MAX_ROUNDS], slc[MAX_ROUNDS], src[MAX_ROUNDS];
	struct result res = { 0 };
	int i;

	lib();
	raw();
	for (i = 0; i < rounds; i++) {
		l[i] = lib();
		sl[i] = sc_setup[1];
		slc[i] = sc_setup_cpu[1];
		lc[i] = sc_xchg_cpu[1];
		r[i] = raw();
		sr[i] = sc_setup[0];
		src[i] = sc_setup_cpu[0];
		rc[i] = sc_xchg_cpu[0];
		if (verbose)
			fprintf(stderr, "    round %2d: library %.6f s (cpu %.6f s), "
			        "raw %.6f s (cpu %.6f s)\n", i, l[i], lc[i], r[i], rc[i]);
	}
	res.ratio = neighbour_ratio(l, r, rounds);
	res.cpu_ratio = neighbour_ratio(lc, rc, rounds);
	res.setup_ratio = neighbour_ratio(sl, sr, rounds);
	res.setup_cpu_ratio = neighbour_ratio(slc, src, rounds);
	res.setup_lib = median(sl, rounds);
	res.setup_raw = median(sr, rounds);
	res.lib = median(l, rounds);
	res.raw = median(r, rounds);
	return res;
}

/*
 * Interleaved rounds: each carries both paths (see order_next()), and
 * returns the seconds each spent; the ratio is taken round by round.
 */
static void bulk(double *lib_s, double *raw_s)
{
	bulk_round(bulk_bytes(), lib_s, raw_s);
}

static struct result measure_mixed(void (*round)(double *lib_s, double *raw_s))
{
	double l[MAX_ROUNDS], r[MAX_ROUNDS], q[MAX_ROUNDS];
	struct result res = { 0 };
	int i;

	round(&l[0], &r[0]); /* warm-up */
	for (i = 0; i < rounds; i++) {
		round(&l[i], &r[i]);
		q[i] = l[i] / r[i];
		if (verbose)
			fprintf(stderr, "    round %2d: library %.6f s, raw %.6f s\n", i, l[i], r[i]);
	}
	res.ratio = median(q, rounds);
	res.lib = median(l, rounds);
	res.raw = median(r, rounds);
	return res;
}

static void verdict(double ratio, double target)
{
	bool ok = ratio <= target;

	printf("  <= %.2f %s\n", target, ok ? "ok" : "MISSED");
	if (!ok)
		misses++;
}

static void headline(void)
{
	struct result r;
	double gib = (double) bulk_bytes() / (1024.0 * MiB);

	printf("  %-30s %13s %13s %7s\n", "", "library", "raw", "ratio");
	if (!wanted("bulk"))
		goto latency;
	r = measure_mixed(bulk);
	printf("  %-30s %7.2f GiB/s %7.2f GiB/s %7.3f", "bulk 512 MiB, 64 KiB writes",
	       gib / r.lib, gib / r.raw, r.ratio);
	if (scale == 1)
		verdict(r.ratio, 1.02);
	else
		printf("  (quick: %zu MiB)\n", bulk_bytes() / MiB);
latency:
	if (!wanted("latency"))
		goto connect;
	pp_size = 1;
	pp_iters = 20000 / scale;
	r = measure_mixed(pingpong);
	printf("  %-30s %10.2f us %10.2f us %7.3f", "ping-pong 1 B, round trip",
	       r.lib / pp_iters * 1e6, r.raw / pp_iters * 1e6, r.ratio);
	verdict(r.ratio, 1.03);
connect:
	if (!wanted("connect"))
		return;
	r = measure_mixed(connect_round);
	printf("  %-30s %10.2f us %10.2f us %7.3f", "connect+accept+close",
	       r.lib / connect_count() * 1e6, r.raw / connect_count() * 1e6, r.ratio);
	verdict(r.ratio, 1.05);
}

static void scaling(void)
{
	static const unsigned int conns[] = { 1, 64, 1024 };
	size_t i;

	printf("  scaling: n connections open at once, 1-byte exchanges over all (one thread;\n"
	       "  alternating rounds: ratios of wall-clock and of CPU time)\n");
	printf("  %-30s %13s %13s %7s %7s\n", "", "library", "raw", "wall", "cpu");
	for (i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		struct result r;
		char label[64];

		sc_conns = conns[i];
		r = measure(scaling_lib, scaling_raw);
		snprintf(label, sizeof(label), "%u conn: open, per connection", conns[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f %7.3f\n", label,
		       r.setup_lib * 1e6, r.setup_raw * 1e6, r.setup_ratio, r.setup_cpu_ratio);
		snprintf(label, sizeof(label), "%u conn: exchange, per message", conns[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f %7.3f\n", label, r.lib * 1e6,
		       r.raw * 1e6, r.ratio, r.cpu_ratio);
	}
	memset(sc_setup, 0, sizeof(sc_setup));
	memset(sc_setup_cpu, 0, sizeof(sc_setup_cpu));
	memset(sc_xchg_cpu, 0, sizeof(sc_xchg_cpu));
}

static void sizes(void)
{
	static const size_t sz[] = { 1, 16, 256, 4096, 65536, 262144, MiB };
	size_t i;

	printf("  message size: ping-pong through an echo thread (size each way)\n");
	printf("  %-30s %13s %13s %7s\n", "", "library", "raw", "ratio");
	for (i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		struct result r;
		char label[64];
		size_t it = (256u * MiB / scale) / sz[i];

		if (it > 10000 / scale)
			it = 10000 / scale;
		if (it < 32)
			it = 32;
		pp_size = sz[i];
		pp_iters = (unsigned int) it;
		r = measure_mixed(pingpong);
		if (sz[i] >= 1024)
			snprintf(label, sizeof(label), "%zu KiB, round trip", sz[i] / 1024);
		else
			snprintf(label, sizeof(label), "%zu B, round trip", sz[i]);
		printf("  %-30s %10.2f us %10.2f us %7.3f\n", label, r.lib / it * 1e6,
		       r.raw / it * 1e6, r.ratio);
	}
}

/* vsock loopback exists when a bind to CID 1 works (never a connect). */
static int vsock_loopback(void)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_LOCAL, .svm_port = VMADDR_PORT_ANY,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		err = errno;
	close(fd);
	return err;
}

static void run_transport(const char *name)
{
	setenv("UDO_VSOCK_TCP_TRANSPORT", name, 1);
	vsock_mode = !strcmp(name, "vsock");
	if (vsock_mode) {
		int err = vsock_loopback();

		if (err) {
			printf("transport vsock: skipped: no vsock loopback on this host "
			       "(bind to CID 1: %s)\n", strerror(err));
			return;
		}
		printf("transport vsock (CID 1; raw path: AF_VSOCK)\n");
	} else {
		printf("transport tcp (CID 1 = 127.0.0.1; raw path: AF_INET)\n");
	}
	if (wanted("bulk") || wanted("latency") || wanted("connect"))
		headline();
	if (wanted("scaling"))
		scaling();
	if (wanted("sizes"))
		sizes();
	if (wanted("seqpacket")) {
		/* tcp carries no seqpacket: its local fallback is unix. */
		struct udo_bench_sp_opts sp = {
			.transport = vsock_mode ? "vsock" : "unix", .rounds = rounds,
			.scale = scale, .cpu_peer = cpu_peer, .verbose = verbose,
		};

		misses += udo_bench_seqpacket(&sp);
	}

}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* 1024 connections are 2048 fds at once. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < 2200)
			fprintf(stderr, "bench: only %ju fds: the 1024-connection figures will fail\n",
			        (uintmax_t) rl.rlim_cur);
	}
}

/* BENCH_ARGS="-q -t vsock" as an argument vector, when argv has none. */
static void args_from_env(int *argc, char ***argv)
{
	static char *v[32];
	const char *env = getenv("BENCH_ARGS");
	char *copy, *tok, *save;
	int n = 0;

	if (*argc > 1 || !env || !(copy = strdup(env)))
		return;
	v[n++] = (*argv)[0];
	for (tok = strtok_r(copy, " \t", &save); tok && n < 31; tok = strtok_r(NULL, " \t", &save))
		v[n++] = tok;
	v[n] = NULL;
	*argc = n;
	*argv = v;
}

int main(int argc, char **argv)
{
	const char *which = "all";
	bool check = false, pin = true, tap = false;
	int opt;

	args_from_env(&argc, &argv);
	while ((opt = getopt(argc, argv, "r:qt:s:muvcT")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'q':
			scale = 10;
			break;
		case 't':
			which = optarg;
			break;
		case 's':
			figures = optarg;
			break;
		case 'm':
			caller_memory = true;
			break;
		case 'u':
			pin = false;
			break;
		case 'v':
			verbose = true;
			break;
		case 'c':
			check = true;
			break;
		case 'T':
			tap = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-r ROUNDS] [-q] [-t tcp|vsock|all] "
			        "[-s bulk,latency,connect,scaling,sizes,seqpacket] [-m] [-u] [-v] [-c] [-T]\n",
			        argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "bench: -r takes 1 to %d\n", MAX_ROUNDS);
		return 2;
	}
	raise_fd_limit();
	pin_threads(pin);
	if (tap)
		printf("1..1\n");
	printf("udo-vsock-tcp bench: ratio = library time / raw syscall time, median of %d "
	       "rounds%s%s\n"
	       "(each round runs both paths, operation by operation in random order, each timed;\n"
	       " the scaling rounds alternate library and raw)\n", rounds,
	       scale > 1 ? " (quick)" : "",
	       caller_memory ? "; client contexts in caller memory" : "");
	if (cpu_main >= 0)
		printf("threads pinned: this one on CPU %d, the peer on CPU %d\n", cpu_main,
		       cpu_peer);
	if (!strcmp(which, "all") || !strcmp(which, "tcp"))
		run_transport("tcp");
	if (!strcmp(which, "all") || !strcmp(which, "vsock"))
		run_transport("vsock");
	if (check && misses)
		printf("bench: %d ratio(s) missed the target\n", misses);
	if (tap)
		printf("%sok 1 - bench%s\n", check && misses ? "not " : "",
		       check && misses ? ": a ratio missed its target" : "");
	return check && misses ? 1 : 0;
}
