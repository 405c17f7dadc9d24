/* SPDX-License-Identifier: MIT */
/* What cli/bench-relay.c takes from cli/bench-relay-ends.c. */
#ifndef UDO_BENCH_RELAY_H
#define UDO_BENCH_RELAY_H

struct udo_vsock_tcp;

/* Bytes per write and per read. */
#define UDO_BENCH_CHUNK (256 * 1024)

enum udo_bench_side { UDO_BENCH_TCP, UDO_BENCH_VSOCK };

/* Say what failed (with errno's text) and exit 1. */
void udo_bench_die(const char *what) __attribute__((noreturn));

/* CLOCK_MONOTONIC in seconds. */
double udo_bench_now(void);

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

#endif /* UDO_BENCH_RELAY_H */
