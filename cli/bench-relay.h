/* SPDX-License-Identifier: MIT */
/* What the files of cli/bench-relay share. */
#ifndef UDO_BENCH_RELAY_H
#define UDO_BENCH_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct udo_vsock_tcp;

/* Bytes per write and per read. */
#define UDO_BENCH_CHUNK (256 * 1024)
#define UDO_BENCH_MAX_ROUNDS 51
#define UDO_BENCH_MAX_PATHS 8
/* The echo backend's ports: one per path, so no two paths share a
 * destination's ephemeral ports (nor its TIME_WAIT). */
#define UDO_BENCH_ECHO_PORTS 5
/* Client connections come from 127.0.0.1 to 127.0.0.UDO_BENCH_SOURCES. */
#define UDO_BENCH_SOURCES 4

enum udo_bench_side { UDO_BENCH_TCP, UDO_BENCH_VSOCK };

/* Say what failed (with errno's text) and exit 1. */
void udo_bench_die(const char *what) __attribute__((noreturn));

/* CLOCK_MONOTONIC in seconds. */
double udo_bench_now(void);

/* cli/bench-relay-ends.c: the streams. */

/* A TCP listener on 127.0.0.1 and a port the kernel picks (in *port). */
int udo_bench_tcp_listener(int *port);

/* Start the sinks (each connection read to its end, then closed): one on
 * 127.0.0.1, one on vsock CID 1 through the library; their ports. */
void udo_bench_start_sinks(int *tcp_port, int *vsock_port);

/* A connected socket to 127.0.0.1:port or vsock CID 1:port (*ctx set for
 * vsock); -1 if refused. */
int udo_bench_connect(enum udo_bench_side side, int port, struct udo_vsock_tcp **ctx);
void udo_bench_disconnect(int fd, struct udo_vsock_tcp *ctx);

/* Send bytes to port, end the stream, wait for the far end to close:
 * MB/s, or -1. */
double udo_bench_stream(enum udo_bench_side from, int port, unsigned long long bytes);

/* The same bytes split over streams sent at once: MB/s of them all, or -1. */
double udo_bench_parallel(enum udo_bench_side from, int port, unsigned long long bytes,
                          int streams);

/* The transport the library takes for CID 1 here ("tcp" without vsock
 * loopback). */
const char *udo_bench_transport_of_cid1(void);

/* cli/bench-relay-echo.c: the echo backend and its clients. */

/* Fork the echo backend (before any thread starts), listening on n ports
 * of 127.0.0.1; stop it. */
void udo_bench_start_echo(int *ports, int n);
void udo_bench_stop_echo(void);

/* Open the i-th connection to 127.0.0.1:port and see a byte echoed: the
 * fd, or -1 with errno. */
int udo_bench_open(int port, int i);

/* Send a byte and read it back: 0, or -1 with errno. */
int udo_bench_echo(int fd);

/* cli/bench-relay-proc.c: the relays as processes, /proc, medians. */

/* Run argv in the background; with port, read the port it prints first
 * (udo-vsock --print-port) on its standard error: -1 if it printed none. */
pid_t udo_bench_spawn(char *const argv[], int *port);
void udo_bench_stop(pid_t pid);

/* A process and its children, summed (doubles: per-connection shares). */
struct udo_bench_proc {
	double rss_kb, pss_kb, threads, maps, fds, procs;
	double sockets;         /* of fds: a relay's pooled pipes outlive streams */
	double cpu_s;           /* user + system, children reaped included */
};
void udo_bench_proc_read(pid_t pid, struct udo_bench_proc *p);

/* How often pid's threads and its children's slept and were woken, in all. */
double udo_bench_wakeups(pid_t pid);

/* Wait up to timeout seconds until pid holds at most sockets sockets (its
 * connections closed: pipes a relay keeps in a pool do not count) and has
 * no children left: 0, or -1 at the timeout. */
int udo_bench_settle(pid_t pid, long sockets, double timeout);

/* The kernel's own memory in KB (Slab + KernelStack + PageTables). */
long udo_bench_kernel_kb(void);

/* /proc/loadavg's line. */
const char *udo_bench_loadavg(void);

/* The number in a /proc/sys file, or -1. */
long udo_bench_sysctl(const char *path);

struct udo_bench_spread {
	double median, min, max;
};
struct udo_bench_spread udo_bench_spread(const double *v, int n);

/* "median (min-max)" with unit after each number but the spread's. */
const char *udo_bench_fmt(char *buf, size_t len, const double *v, int n, const char *unit);

/* cli/bench-relay-floor.c: the reference relay (one thread, epoll,
 * read/write, nothing else), forked, relaying from a free port of
 * 127.0.0.1 (in *port) to 127.0.0.1:target_port; its pid. */
pid_t udo_bench_floor(int target_port, int *port);

/* cli/bench-relay-scale.c: the connection figures. */

/* A path to the echo backend: direct (pid 0) or through a relay. */
struct udo_bench_path {
	const char *name;
	pid_t pid;              /* the relay, 0 for a direct connection */
	int port;               /* where its clients connect */
	int count;              /* connections to hold at scale (0: none) */
	bool failed;
};

/* Each path with a count in turn: hold that many, report per connection. */
void udo_bench_scale(struct udo_bench_path *paths, int n);

/* Rounds of opening count connections on every path; paths[0] is direct. */
void udo_bench_opening(struct udo_bench_path *paths, int n, int count, int rounds);

#endif /* UDO_BENCH_RELAY_H */
