/* SPDX-License-Identifier: MIT */
/*
 * The relay benchmark (make bench-relay; not a test: it measures, it does
 * not judge). In one run, over loopback, side by side:
 *   - connections (cli/bench-relay-scale.c): many idle connections held
 *     through `udo-vsock relay`, socat (a process per connection) and
 *     directly to an echo backend, and what each costs per connection;
 *     then rounds of opening connections, as a ratio to direct;
 *   - streams: the same bytes straight from a sender to a sink (direct),
 *     through `udo-vsock relay` in each direction (vsock -> tcp, tcp ->
 *     vsock) and tcp -> tcp, with its default copy and --copy=splice, and
 *     through socat at its default block size and with -b 65536: one stream
 *     at a time, then parallel streams; with the relay's CPU time per GiB;
 *   - beside them, a minimal relay (cli/bench-relay-floor.c): the floor, what
 *     relaying costs on this machine whoever writes the relay.
 * Rounds alternate the paths so a busy moment hurts them all alike; each
 * figure is the median over the rounds of a ratio taken within a round,
 * with its spread (min-max). The vsock side uses the library on CID 1: tcp
 * where the machine has no vsock loopback, real vsock where it has. The
 * relay runs as a program (only `udo-vsock [OPTIONS] relay LISTEN TARGET`),
 * so any version of it can be measured.
 *
 * Usage: bench-relay [-n MIB] [-r ROUNDS] [-c CONNECTIONS] [-s SOCAT-CONNECTIONS]
 *                    [-o OPENED] [-p STREAMS] UDO-VSOCK [SOCAT]
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "bench-relay.h"

#define MAX_CONFIGS 12
/* The reference relay's rows (cli/bench-relay-floor.c). */
#define FLOOR "minimal relay (reference)"
#define R UDO_BENCH_MAX_ROUNDS

struct config {
	const char *name;
	enum udo_bench_side from;         /* how the sender connects */
	int port;                         /* where the sender connects */
	enum udo_bench_side sink;         /* the sink the stream ends in */
	pid_t pid;                        /* the relay process, 0 for a direct stream */
	long idle_sockets;                /* the relay's sockets between streams */
	bool failed;
	double mbps[R], cpu[R];           /* one stream: MB/s, CPU s/GiB */
	double par_mbps[R], par_cpu[R];   /* parallel streams, tcp -> tcp only */
};

static struct config configs[MAX_CONFIGS];
static int n_configs, tcp_sink_port, vsock_sink_port;
static struct config *socat_b;            /* socat -b 65536, the ratio's other base */

/* Wait until something listens on the config's port (up to 10 s). */
static int wait_listening(const struct config *c)
{
	struct udo_vsock_tcp *ctx;
	int i, fd;

	for (i = 0; i < 200; i++) {
		fd = udo_bench_connect(c->from, c->port, &ctx);
		if (fd >= 0) {
			udo_bench_disconnect(fd, ctx);
			return 0;
		}
		usleep(50 * 1000);
	}
	return -1;
}

/* Wait until a path echoes (up to 10 s), then until it is idle again. */
static void wait_path(struct udo_bench_path *p)
{
	int i, fd = -1;

	for (i = 0; i < 200 && !p->failed && (fd = udo_bench_open(p->port, 0)) < 0; i++)
		usleep(50 * 1000);
	if (fd < 0 && !p->failed) {
		fprintf(stderr, "bench-relay: %s: no echo on port %d\n", p->name, p->port);
		p->failed = true;
	}
	if (fd >= 0)
		close(fd);
	udo_bench_settle(p->pid, LONG_MAX, 10);
}

/* A free TCP port on 127.0.0.1 for socat (which cannot report its own). */
static int free_port(void)
{
	int port, fd = udo_bench_tcp_listener(&port);

	close(fd);
	return port;
}

/* `udo-vsock --print-port [--copy=COPY] relay LISTEN TARGET`: its pid and
 * port, or -1 (a relay without --copy=splice, say). */
static pid_t udo_relay(const char *udo, const char *copy, enum udo_bench_side from,
                       const char *target, int *port)
{
	char listen[64], copyopt[32];
	char *argv[] = { (char *) udo, (char *) "--print-port", (char *) "relay", listen,
	                 (char *) target, NULL, NULL };

	snprintf(listen, sizeof(listen), from == UDO_BENCH_TCP ? "tcp:127.0.0.1:any" : "vsock:local:any");
	if (copy) {
		snprintf(copyopt, sizeof(copyopt), "--copy=%s", copy);
		memmove(&argv[3], &argv[2], 3 * sizeof(*argv));
		argv[2] = copyopt;
	}
	return udo_bench_spawn(argv, port);
}

/* socat relaying from a free port of 127.0.0.1 to target_port, a process
 * per connection (fork), at its default block size or block. */
static pid_t socat_relay(const char *socat, const char *block, int target_port, int *port)
{
	char listen[96], target[64];
	char *argv[] = { (char *) socat, (char *) "-b", (char *) block, listen, target, NULL };
	char *argv_default[] = { (char *) socat, listen, target, NULL };

	*port = free_port();
	snprintf(listen, sizeof(listen), "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,backlog=4096",
	         *port);
	snprintf(target, sizeof(target), "TCP:127.0.0.1:%d", target_port);
	return udo_bench_spawn(block ? argv : argv_default, NULL);
}

static struct config *add(const char *name, enum udo_bench_side from, int port,
                          enum udo_bench_side sink, pid_t pid)
{
	struct config *c = &configs[n_configs++];

	c->name = name;
	c->from = from;
	c->port = port;
	c->sink = sink;
	c->pid = pid;
	c->failed = pid < 0;
	return c;
}

static void add_udo(const char *udo, const char *name, enum udo_bench_side from,
                    enum udo_bench_side to, const char *copy)
{
	char target[64];
	int port = 0;
	pid_t pid;

	if (to == UDO_BENCH_TCP)
		snprintf(target, sizeof(target), "tcp:127.0.0.1:%d", tcp_sink_port);
	else
		snprintf(target, sizeof(target), "vsock:local:%u", (uint32_t) vsock_sink_port);
	pid = udo_relay(udo, copy, from, target, &port);
	add(name, from, port, to, pid);
}

/* One stream (streams 1) or several at once through c: its MB/s, and the
 * relay's CPU seconds per GiB (counted once socat's child is reaped). */
static void measure(struct config *c, unsigned long long bytes, int streams, double *mbps,
                    double *cpu)
{
	struct udo_bench_proc before, after;

	udo_bench_proc_read(c->pid, &before);
	*mbps = streams == 1 ? udo_bench_stream(c->from, c->port, bytes)
	                     : udo_bench_parallel(c->from, c->port, bytes, streams);
	if (c->pid > 0 && udo_bench_settle(c->pid, c->idle_sockets, 10) < 0)
		fprintf(stderr, "bench-relay: %s: still busy 10 s after a stream\n", c->name);
	udo_bench_proc_read(c->pid, &after);
	*cpu = (after.cpu_s - before.cpu_s) / ((double) bytes / (1 << 30));
	if (*mbps < 0) {
		fprintf(stderr, "bench-relay: %s: the stream failed\n", c->name);
		c->failed = true;
	}
}

/* Each config's figures: MB/s, ratios to direct and to socat -b 65536
 * within each round, CPU per GiB, as median (min-max). */
static void report(const char *title, int rounds, bool parallel)
{
	double ratio[R], vs_socat[R], mbps[R], cpu[R];
	char a[48], b[48], d[48], e[48];
	int i, r, n, m;

	printf("\n%s, %d rounds: median (min-max)\n", title, rounds);
	printf("%-36s %20s %20s %20s %18s\n", "path", "MB/s", "ratio to direct",
	       socat_b ? "to socat -b 65536" : "(no socat)", "relay CPU s/GiB");
	for (i = 0; i < n_configs; i++) {
		struct config *c = &configs[i];
		/* A relay can go no faster than the slower of its two legs. */
		struct config *base = &configs[c->from], *other = &configs[c->sink];

		if (!other->failed && (base->failed || udo_bench_spread(other->mbps, rounds).median <
		                                       udo_bench_spread(base->mbps, rounds).median))
			base = other;
		if (base->failed)
			base = NULL;
		if (parallel && (c->from != UDO_BENCH_TCP || c->sink != UDO_BENCH_TCP))
			continue;
		if (c->failed) {
			printf("%-36s %20s\n", c->name, c->pid < 0 ? "did not start" : "failed");
			continue;
		}
		for (r = n = m = 0; r < rounds; r++) {
			mbps[r] = parallel ? c->par_mbps[r] : c->mbps[r];
			cpu[r] = parallel ? c->par_cpu[r] : c->cpu[r];
			if (base)
				ratio[n++] = mbps[r] / (parallel ? base->par_mbps[r] : base->mbps[r]);
			if (socat_b && !socat_b->failed && c != socat_b && c->pid > 0)
				vs_socat[m++] = mbps[r] / (parallel ? socat_b->par_mbps[r] : socat_b->mbps[r]);
		}
		printf("%-36s %20s %20s %20s %18s\n", c->name, udo_bench_fmt(a, sizeof(a), mbps, rounds, ""),
		       udo_bench_fmt(b, sizeof(b), ratio, n, "x"), udo_bench_fmt(d, sizeof(d), vs_socat, m, "x"),
		       udo_bench_fmt(e, sizeof(e), cpu, c->pid > 0 ? rounds : 0, ""));
	}
	fflush(stdout);
}

static void streams(unsigned long long mib, int rounds, int parallel)
{
	struct udo_bench_proc idle;
	char title[64];
	int r, i;

	for (i = 0; i < n_configs; i++) {
		if (!configs[i].failed && wait_listening(&configs[i]) < 0) {
			fprintf(stderr, "bench-relay: %s: nothing listens on port %u\n",
			        configs[i].name, (uint32_t) configs[i].port);
			configs[i].failed = true;
		}
		/* Idle: the probe's connection (socat's child) gone. */
		udo_bench_settle(configs[i].pid, LONG_MAX, 10);
		udo_bench_proc_read(configs[i].pid, &idle);
		configs[i].idle_sockets = (long) idle.sockets;
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n_configs; i++)
			if (!configs[i].failed)
				measure(&configs[i], mib << 20, 1, &configs[i].mbps[r], &configs[i].cpu[r]);
	report("one stream at a time", rounds, false);
	if (parallel < 2)
		return;
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n_configs; i++)
			if (!configs[i].failed && configs[i].from == UDO_BENCH_TCP &&
			    configs[i].sink == UDO_BENCH_TCP)
				measure(&configs[i], mib << 20, parallel, &configs[i].par_mbps[r],
				        &configs[i].par_cpu[r]);
	snprintf(title, sizeof(title), "%d streams at once (the same bytes in all)", parallel);
	report(title, rounds, true);
}

/* Each side of the connection figures in a process of its own, each with
 * the most fds the hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int number(const char *arg, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "bench-relay: \"%s\": not a number from %d to %d\n", arg, min, max);
		exit(2);
	}
	return (int) v;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-relay [-n MIB] [-r ROUNDS] [-c CONNECTIONS] "
	        "[-s SOCAT-CONNECTIONS] [-o OPENED] [-p STREAMS] UDO-VSOCK [SOCAT]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int mib = 512, rounds = 5, conns = 9990, socat_conns = 1000, opened = 1000, parallel = 16;
	int opt, echo[UDO_BENCH_ECHO_PORTS], n_paths = 0, port = 0;
	const char *udo, *socat;
	struct udo_bench_path paths[UDO_BENCH_MAX_PATHS];
	char target[64];
	struct rlimit rl;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:r:c:s:o:p:")) != -1) {
		/* An unknown option (getopt said which): the usage, now. Not
		 * optind = argc, which left getopt inside "--help" reading
		 * past the arguments, into the environment. */
		if (opt == '?')
			return usage();
		if (opt == 'n')
			mib = number(optarg, 1, 1 << 20);
		else if (opt == 'r')
			rounds = number(optarg, 1, R);
		else if (opt == 'c')
			conns = number(optarg, 0, 1 << 20);
		else if (opt == 's')
			socat_conns = number(optarg, 0, 1 << 20);
		else if (opt == 'o')
			opened = number(optarg, 0, 1 << 20);
		else if (opt == 'p')
			parallel = number(optarg, 0, 1024);
	}
	if (optind >= argc)
		return usage();
	udo = argv[optind];
	socat = optind + 1 < argc && argv[optind + 1][0] ? argv[optind + 1] : NULL;
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	/* Forked before any thread starts. */
	udo_bench_start_echo(echo, UDO_BENCH_ECHO_PORTS);
	udo_bench_start_sinks(&tcp_sink_port, &vsock_sink_port);

	getrlimit(RLIMIT_NOFILE, &rl);
	printf("relay benchmark: over loopback, CID 1 goes over %s here, %ld CPUs, load average %s\n"
	       "fds per process %llu, kernel.pid_max %ld, vm.max_map_count %ld, %s\n",
	       udo_bench_transport_of_cid1(), sysconf(_SC_NPROCESSORS_ONLN), udo_bench_loadavg(),
	       (unsigned long long) rl.rlim_cur, udo_bench_sysctl("/proc/sys/kernel/pid_max"),
	       udo_bench_sysctl("/proc/sys/vm/max_map_count"),
	       socat ? socat : "socat: not found, its rows are left out");
	fflush(stdout);

	/* The connection figures: every path ends at the echo backend. */
	paths[n_paths++] = (struct udo_bench_path){ "direct", 0, echo[0], conns, false };
	snprintf(target, sizeof(target), "tcp:127.0.0.1:%d", echo[1]);
	pid = udo_relay(udo, NULL, UDO_BENCH_TCP, target, &port);
	paths[n_paths++] = (struct udo_bench_path){ "udo-vsock relay tcp->tcp", pid, port, conns,
	                                            pid < 0 };
	pid = udo_bench_floor(echo[4], &port);
	paths[n_paths++] = (struct udo_bench_path){ FLOOR, pid, port, 0, pid < 0 };
	if (socat) {
		pid = socat_relay(socat, NULL, echo[2], &port);
		paths[n_paths++] = (struct udo_bench_path){ "socat (default -b 8192)", pid, port,
		                                            socat_conns, false };
		pid = socat_relay(socat, "65536", echo[3], &port);
		paths[n_paths++] = (struct udo_bench_path){ "socat -b 65536", pid, port,
		                                            socat_conns, false };
	}
	for (opt = 0; opt < n_paths; opt++)
		wait_path(&paths[opt]);
	if (conns > 0 || socat_conns > 0)
		udo_bench_scale(paths, n_paths);
	if (opened > 0)
		udo_bench_opening(paths, n_paths, opened, rounds);

	/* The streams: direct ones first, the base of every ratio. */
	add("direct tcp", UDO_BENCH_TCP, tcp_sink_port, UDO_BENCH_TCP, 0);
	add("direct vsock", UDO_BENCH_VSOCK, vsock_sink_port, UDO_BENCH_VSOCK, 0);
	/* The default copy (whichever the relay picks), then each copy by name:
	 * the default is one of them, and the rows say which way it was won. */
	add_udo(udo, "udo-vsock relay vsock->tcp", UDO_BENCH_VSOCK, UDO_BENCH_TCP, NULL);
	add_udo(udo, "udo-vsock relay tcp->vsock", UDO_BENCH_TCP, UDO_BENCH_VSOCK, NULL);
	add_udo(udo, "udo-vsock relay tcp->tcp", UDO_BENCH_TCP, UDO_BENCH_TCP, NULL);
	add_udo(udo, "udo-vsock --copy=read tcp->tcp", UDO_BENCH_TCP, UDO_BENCH_TCP, "read");
	add_udo(udo, "udo-vsock --copy=splice tcp->tcp", UDO_BENCH_TCP, UDO_BENCH_TCP, "splice");
	pid = udo_bench_floor(tcp_sink_port, &port);
	add(FLOOR, UDO_BENCH_TCP, port, UDO_BENCH_TCP, pid);
	if (socat) {
		add("socat (default -b 8192)", UDO_BENCH_TCP, 0, UDO_BENCH_TCP, 0);
		configs[n_configs - 1].pid = socat_relay(socat, NULL, tcp_sink_port, &configs[n_configs - 1].port);
		socat_b = add("socat -b 65536", UDO_BENCH_TCP, 0, UDO_BENCH_TCP, 0);
		socat_b->pid = socat_relay(socat, "65536", tcp_sink_port, &socat_b->port);
	}
	printf("\nstreams of %d MiB, sender and sink in this process\n", mib);
	streams((unsigned long long) mib, rounds, parallel);

	printf("\nload average after the run: %s\n", udo_bench_loadavg());
	for (opt = 0; opt < n_configs; opt++)
		udo_bench_stop(configs[opt].pid);
	for (opt = 1; opt < n_paths; opt++)
		udo_bench_stop(paths[opt].pid);
	udo_bench_stop_echo();
	return 0;
}
