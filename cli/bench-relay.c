/* SPDX-License-Identifier: MIT */
/*
 * The relay benchmark (make bench-relay; not a test): in one run, the same
 * bytes over loopback
 *   - straight from a sender to a sink (the direct stream),
 *   - through `udo-vsock relay` in each direction (vsock -> tcp, tcp ->
 *     vsock) and tcp -> tcp, with the default copy (read/write) and splice,
 *   - through socat's relay, at its default block size and with -b 65536,
 * in alternating rounds, printing each median as a ratio to the direct
 * stream. The vsock side uses the library on CID 1: tcp where the machine
 * has no vsock loopback, real vsock where it has.
 *
 * Usage: bench-relay [-n MIB] [-r ROUNDS] UDO-VSOCK [SOCAT]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "bench-relay.h"

#define MAX_CONFIGS 16
#define MAX_ROUNDS 51

struct config {
	const char *name;
	enum udo_bench_side from;         /* how the sender connects */
	int port;               /* where the sender connects */
	enum udo_bench_side sink;         /* the sink the stream ends in */
	pid_t pid;              /* the relay process, 0 for a direct stream */
	double mbps[MAX_ROUNDS];
	bool failed;
};

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

/* Run argv in the background; with want_port, read the port it prints
 * (udo-vsock --print-port) from its standard error. */
static pid_t spawn(char *const argv[], int *port)
{
	int p[2];
	pid_t pid;
	char line[32];
	ssize_t n;
	size_t got = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		udo_bench_die("pipe");
	pid = fork();
	if (pid < 0)
		udo_bench_die("fork");
	if (pid == 0) {
		if (port)
			dup2(p[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "bench-relay: run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (port) {
		while (got < sizeof(line) - 1 && (n = read(p[0], line + got, 1)) == 1 &&
		       line[got] != '\n')
			got++;
		line[got] = '\0';
		/* All 32 bits of a vsock port, as the library's int carries them. */
		*port = (int) (uint32_t) strtoul(line, NULL, 10);
		/* The read end stays open: later error lines must not kill the relay. */
		if (*port == 0) {
			fprintf(stderr, "bench-relay: %s printed no port\n", argv[0]);
			exit(1);
		}
	} else {
		close(p[0]);
	}
	return pid;
}

/* A free TCP port on 127.0.0.1 for socat (which cannot report its own). */
static int free_port(void)
{
	int port, fd = udo_bench_tcp_listener(&port);

	close(fd);
	return port;
}

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

static int tcp_sink_port, vsock_sink_port;
static struct config configs[MAX_CONFIGS];
static int n_configs;

static struct config *add(const char *name, enum udo_bench_side from, int port, enum udo_bench_side sink)
{
	struct config *c = &configs[n_configs++];

	c->name = name;
	c->from = from;
	c->port = port;
	c->sink = sink;
	return c;
}

static void add_udo_relay(const char *udo, const char *name, enum udo_bench_side from,
                          enum udo_bench_side to, const char *copy)
{
	char listen[64], target[64], copyopt[32];
	char *argv[] = { (char *) udo, (char *) "--print-port", copyopt, (char *) "relay",
	                 listen, target, NULL };
	int port;
	struct config *c;

	snprintf(copyopt, sizeof(copyopt), "--copy=%s", copy);
	snprintf(listen, sizeof(listen), from == UDO_BENCH_TCP ? "tcp:127.0.0.1:any" : "vsock:local:any");
	if (to == UDO_BENCH_TCP)
		snprintf(target, sizeof(target), "tcp:127.0.0.1:%d", tcp_sink_port);
	else
		snprintf(target, sizeof(target), "vsock:local:%u", (uint32_t) vsock_sink_port);
	c = add(name, from, 0, to);
	c->pid = spawn(argv, &port);
	c->port = port;
}

static void add_socat(const char *socat, const char *name, const char *block)
{
	char listen[96], target[64];
	char *argv[] = { (char *) socat, (char *) "-b", (char *) block, listen, target, NULL };
	char *argv_default[] = { (char *) socat, listen, target, NULL };
	struct config *c = add(name, UDO_BENCH_TCP, free_port(), UDO_BENCH_TCP);

	snprintf(listen, sizeof(listen), "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", c->port);
	snprintf(target, sizeof(target), "TCP:127.0.0.1:%d", tcp_sink_port);
	c->pid = spawn(block ? argv : argv_default, NULL);
}

/* The load average: a busy machine hurts a relay (three busy tasks) more
 * than a direct stream (two), so the figures say how busy it was. */
static const char *loadavg(void)
{
	static char text[64];
	FILE *f = fopen("/proc/loadavg", "re");

	text[0] = '\0';
	if (!f || !fgets(text, sizeof(text), f))
		snprintf(text, sizeof(text), "unknown\n");
	if (f)
		fclose(f);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static const char *transport_of_cid1(void)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = 1 };
	struct udo_vsock_tcp *ctx = udo_vsock_tcp_client_create(NULL, &info);
	static char name[16];

	snprintf(name, sizeof(name), "%s", ctx ? udo_vsock_tcp_get_transport(ctx) : "none");
	udo_vsock_tcp_destroy(ctx);
	return name;
}

int main(int argc, char **argv)
{
	unsigned long long mib = 1024;
	int rounds = 5, opt, r, i;
	const char *udo, *socat;
	double direct[2], m;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			mib = strtoull(optarg, NULL, 10);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	if (optind >= argc || mib == 0 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: bench-relay [-n MIB] [-r ROUNDS] UDO-VSOCK [SOCAT]\n");
		return 2;
	}
	udo = argv[optind];
	socat = optind + 1 < argc ? argv[optind + 1] : NULL;
	signal(SIGPIPE, SIG_IGN);
	udo_bench_start_sinks(&tcp_sink_port, &vsock_sink_port);

	add("direct tcp", UDO_BENCH_TCP, tcp_sink_port, UDO_BENCH_TCP);
	add("direct vsock", UDO_BENCH_VSOCK, vsock_sink_port, UDO_BENCH_VSOCK);
	/* The default copy mode first, then the alternative it was chosen over. */
	add_udo_relay(udo, "udo-vsock relay vsock->tcp", UDO_BENCH_VSOCK, UDO_BENCH_TCP, "read");
	add_udo_relay(udo, "udo-vsock relay tcp->vsock", UDO_BENCH_TCP, UDO_BENCH_VSOCK, "read");
	add_udo_relay(udo, "udo-vsock relay tcp->tcp", UDO_BENCH_TCP, UDO_BENCH_TCP, "read");
	add_udo_relay(udo, "udo-vsock --copy=splice vsock->tcp", UDO_BENCH_VSOCK, UDO_BENCH_TCP, "splice");
	add_udo_relay(udo, "udo-vsock --copy=splice tcp->vsock", UDO_BENCH_TCP, UDO_BENCH_VSOCK, "splice");
	add_udo_relay(udo, "udo-vsock --copy=splice tcp->tcp", UDO_BENCH_TCP, UDO_BENCH_TCP, "splice");
	if (socat) {
		add_socat(socat, "socat relay tcp->tcp (default -b 8192)", NULL);
		add_socat(socat, "socat -b 65536 relay tcp->tcp", "65536");
	}
	for (i = 0; i < n_configs; i++)
		if (wait_listening(&configs[i]) < 0) {
			fprintf(stderr, "bench-relay: %s: nothing listens on port %u\n",
			        configs[i].name, (uint32_t) configs[i].port);
			configs[i].failed = true;
		}

	printf("relay benchmark: %llu MiB per stream over loopback, %d rounds, "
	       "CID 1 goes over %s here, %ld CPUs, load average %s\n", mib, rounds,
	       transport_of_cid1(), sysconf(_SC_NPROCESSORS_ONLN), loadavg());
	fflush(stdout);
	/* Alternate the configurations so a busy moment hurts them all alike. */
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n_configs; i++) {
			if (configs[i].failed)
				continue;
			configs[i].mbps[r] = udo_bench_stream(configs[i].from, configs[i].port, mib << 20);
			if (configs[i].mbps[r] < 0) {
				fprintf(stderr, "bench-relay: %s: the stream failed\n", configs[i].name);
				configs[i].failed = true;
			}
		}

	for (i = 0; i < 2; i++)
		direct[i] = configs[i].failed ? 0 : median(configs[i].mbps, rounds);
	printf("%-42s %10s  %s\n", "path", "MB/s", "ratio to the direct stream");
	for (i = 0; i < n_configs; i++) {
		struct config *c = &configs[i];
		/* A relay can go no faster than the slower of its two legs. */
		double base = direct[c->from] < direct[c->sink] ? direct[c->from] : direct[c->sink];

		if (c->failed) {
			printf("%-42s %10s\n", c->name, "failed");
			continue;
		}
		m = median(c->mbps, rounds);
		printf("%-42s %10.0f  %.2fx\n", c->name, m, base > 0 ? m / base : 0);
	}
	printf("load average after the run: %s\n", loadavg());
	for (i = 0; i < n_configs; i++)
		if (configs[i].pid > 0) {
			kill(configs[i].pid, SIGTERM);
			waitpid(configs[i].pid, NULL, 0);
		}
	return 0;
}
