/* SPDX-License-Identifier: MIT */
/*
 * What the measurements share (bench/main.c says how the bench measures):
 * the options, the endpoints that do one operation by the library or by
 * hand, and the timing and statistics helpers (bench/stats.c).
 *
 * The operations on both paths are inline here, so that the raw path pays
 * no call the library path does not pay too.
 */
#ifndef UDO_BENCH_H
#define UDO_BENCH_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#define MiB (1024u * 1024u)
#define MAX_ROUNDS 2001
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Options (bench/main.c). */
extern int rounds;                 /* rounds per figure */
extern unsigned int scale;         /* work divisor: 10 with -q */
extern bool vsock_mode;            /* raw path: AF_VSOCK on CID 1 */
extern bool unix_mode;             /* raw path: AF_UNIX, an abstract name */
extern bool verbose;               /* -v: every round's time */
extern bool caller_memory;         /* -m: client contexts in the caller's memory */
extern bool use_opts;              /* -O, -E: contexts made by *_create_opts */
extern unsigned int opts_flags;    /* -E: UDO_VSOCK_TCP_OPT_NO_ENV */
extern int only_path;              /* -P: 1 library only, 0 raw only, -1 both */

/* ---- timing and statistics (bench/stats.c) ---- */

void die(const char *what, int err) __attribute__((noreturn));
double now(void);     /* CLOCK_MONOTONIC, seconds */
double cpu_now(void); /* CPU time of the whole process (all threads) */
double median(double *v, int n);

struct result {
	double lib, raw;             /* median seconds (wall clock) */
	double ratio, cpu_ratio;     /* median ratios: wall clock, CPU time */
	double ratio_min, ratio_max; /* the spread of the rounds' ratios (interleaved) */
	double ratio_q1, ratio_q3;   /* their quartiles */
	double ci_lo, ci_hi;         /* 95% bootstrap interval of the median ratio */
	double setup_lib, setup_raw, setup_ratio, setup_cpu_ratio; /* scaling only */
};

/* Interleaved rounds: each round runs both paths and gives the seconds
 * each spent; the ratio is taken round by round. */
struct result measure_mixed(void (*round)(double *lib_s, double *raw_s));

/* The median of n rounds' ratios q (sorted on return), its quartiles, its
 * range and its 95% bootstrap interval into res. */
void ratio_spread(double *q, int n, struct result *res);

/* Print "<= target ok" or MISSED (and count the miss). */
void verdict(double ratio, double target);
extern int misses;

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

#define ORDER_SEED 0x2545f4914f6cdd1du

bool order_next(struct order *o);

/* ---- threads (bench/endpoint.c) ---- */

/* Pin this thread to one CPU and keep another for start_peer(). */
void pin_threads(bool pin, int *cpu_main, int *cpu_peer);
void start_peer(pthread_t *th, void *(*fn)(void *), void *arg);

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

/* A connected pair: client (this thread) and accepted fd (a peer thread). */
struct pair {
	struct srv s;
	struct cli c;
	int peer;
};

void srv_open(bool lib, struct srv *s, int backlog);
void srv_close(struct srv *s);
/* With -m, memory for n client contexts, set up outside the timing (free
 * it after); NULL otherwise. */
void *cli_memory(struct cli *c, unsigned int n);
void pair_open(bool lib, struct pair *p);
void pair_close(bool lib, struct pair *p);

/* The raw path's address: 127.0.0.1 or CID 1, port (-1: any). */
ALWAYS_INLINE socklen_t raw_addr(struct sockaddr_storage *ss, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (vsock_mode) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *) ss;

		vm->svm_family = AF_VSOCK;
		vm->svm_cid = VMADDR_CID_LOCAL;
		/* vsock ports are 32-bit: the kernel's may not fit in an int */
		vm->svm_port = port == -1 ? VMADDR_PORT_ANY : (unsigned int) port;
		return sizeof(*vm);
	} else if (unix_mode) {
		struct sockaddr_un *un = (struct sockaddr_un *) ss;

		un->sun_family = AF_UNIX;
		/* -1: the kernel picks a name (autobind), five hex digits,
		 * which raw_port reads back as the port. */
		if (port == -1)
			return sizeof(sa_family_t);
		snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1, "%05x", (unsigned int) port);
		return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *) ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons((uint16_t) (port < 0 ? 0 : port));
		return sizeof(*in);
	}
}

ALWAYS_INLINE int raw_family(void)
{
	return vsock_mode ? AF_VSOCK : unix_mode ? AF_UNIX : AF_INET;
}

/* The options of a library create with -O or -E: the transport measured,
 * given as an argument instead of by the environment. */
ALWAYS_INLINE void bench_opts(struct udo_vsock_tcp_opts *o)
{
	*o = (struct udo_vsock_tcp_opts) UDO_VSOCK_TCP_OPTS_INIT;
	o->transport = vsock_mode ? "vsock" : unix_mode ? "unix" : "tcp";
	o->flags = opts_flags;
}

/* create + connect: what a connect costs, by each path. */
ALWAYS_INLINE void cli_open(const bool lib, const struct srv *s, struct cli *c)
{
	if (lib) {
		struct udo_vsock_tcp_client_create_info info = {
			.vcid = VMADDR_CID_LOCAL, .port = s->port,
		};

		if (use_opts) {
			struct udo_vsock_tcp_opts o;

			bench_opts(&o);
			c->ctx = udo_vsock_tcp_client_create_opts(c->mem, &info, &o);
		} else {
			c->ctx = udo_vsock_tcp_client_create(c->mem, &info);
		}
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

/* ---- the figures: each prints its lines ---- */

void throughput(void);   /* bench/throughput.c: bulk */
void latency(void);      /* bench/latency.c: ping-pong 1 B */
void connect_rate(void); /* bench/connect.c: connect+accept+close */
void scaling(void);      /* bench/scaling.c: n connections open at once */
void sizes(void);        /* bench/sizes.c: round trips by message size */

/* Rounds of iters round trips of size bytes each way, by each path,
 * interleaved on one connection (bench/latency.c; bench/sizes.c too). */
struct result pingpong_measure(size_t size, unsigned int iters);

#endif /* UDO_BENCH_H */
