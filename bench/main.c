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
 * The connect figure holds to its target the ratio of the two paths'
 * median operation in each round, and prints both, each with its spread
 * over the rounds (quartiles, range) and a 95% bootstrap interval of the
 * median (bench/stats.c), so that a run says whether it can tell 1.02 from
 * 1.05.
 * The scaling figures, where an operation is too short to time alone,
 * alternate whole rounds: library, raw, library, raw ... and give two
 * ratios, of wall-clock time and of the process's CPU time.
 *
 * Each figure is a file: bench/throughput.c (bulk), bench/latency.c
 * (ping-pong), bench/connect.c, bench/scaling.c, bench/sizes.c; they share
 * the endpoints of bench/endpoint.c and the clocks and medians of
 * bench/stats.c (bench/bench.h).
 *
 * The raw path is what a program would write by hand: socket, bind,
 * listen, connect, accept4, send and recv, on 127.0.0.1 for tcp, on an
 * autobound abstract AF_UNIX name for unix (the connect figure only), and on
 * CID 1 (vsock loopback) for vsock.
 *
 * Usage: bench [-r ROUNDS] [-q] [-t tcp|unix|vsock|all] [-s FIGURES] [-m] [-O|-E] [-P lib|raw] [-u] [-v] [-c] [-T]
 *   -r  rounds per figure (default 9, at most 2001)
 *   -s  which figures, comma-separated: bulk,latency,connect,scaling,sizes,
 *       seqpacket (seqpacket: bench/seqpacket.c, on vsock in the vsock run
 *       and on the unix transport in the tcp run)
 *       (default all)
 *   -q  quick: a tenth of the work per round (a smoke test, noisy)
 *   -t  transports to measure: tcp, unix (the connect figure only), vsock
 *       or all (the default; vsock is skipped where the machine has no
 *       vsock loopback)
 *   -m  client contexts in memory the caller provides (allocated outside
 *       the timing), instead of contexts the library allocates
 *   -O  library contexts made by udo_vsock_tcp_*_create_opts, the transport
 *       given in opts (the other settings still read from the environment)
 *   -E  the same with UDO_VSOCK_TCP_OPT_NO_ENV: the creates read no
 *       environment (default: the 0.3 creates, the transport from
 *       UDO_VSOCK_TCP_TRANSPORT, as a program built against 0.3 makes them)
 *   -P  connect figure: only the library's or only the raw connects (the
 *       times are then meaningless; for strace -c, bench/syscalls-per-op.py)
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

#include <inttypes.h>
#include <sys/resource.h>

#include "bench.h"
#include "seqpacket.h"

int rounds = 9;
unsigned int scale = 1;
bool vsock_mode;
bool unix_mode;
bool verbose;
bool caller_memory;
bool use_opts;
unsigned int opts_flags;
int only_path = -1;

static const char *figures = "bulk,latency,connect,scaling,sizes,seqpacket";
static int cpu_main = -1, cpu_peer = -1; /* pinned CPUs, -1: not pinned */

static bool wanted(const char *figure)
{
	size_t n = strlen(figure);
	const char *p;

	for (p = figures; (p = strstr(p, figure)); p += n)
		if ((p == figures || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
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
	unix_mode = !strcmp(name, "unix");
	if (unix_mode) {
		/* The figures that compare a stream's data path are tcp's and
		 * vsock's; on unix, the connect (seqpacket: in the tcp run). */
		printf("transport unix (abstract names; raw path: AF_UNIX, autobound): "
		       "connect only\n");
		if (wanted("connect")) {
			printf("  %-30s %13s %13s %7s\n", "", "library", "raw", "ratio");
			connect_rate();
		}
		return;
	}
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
		printf("  %-30s %13s %13s %7s\n", "", "library", "raw", "ratio");
	if (wanted("bulk"))
		throughput();
	if (wanted("latency"))
		latency();
	if (wanted("connect"))
		connect_rate();
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
	while ((opt = getopt(argc, argv, "r:qt:s:mOEP:uvcT")) != -1) {
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
		case 'O':
			use_opts = true;
			break;
		case 'E':
			use_opts = true;
			opts_flags = UDO_VSOCK_TCP_OPT_NO_ENV;
			break;
		case 'P':
			only_path = !strcmp(optarg, "lib") ? 1 : !strcmp(optarg, "raw") ? 0 : -2;
			if (only_path == -2) {
				fprintf(stderr, "bench: -P takes lib or raw, not \"%s\"\n", optarg);
				return 2;
			}
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
			fprintf(stderr, "usage: %s [-r ROUNDS] [-q] [-t tcp|unix|vsock|all] "
			        "[-s bulk,latency,connect,scaling,sizes,seqpacket] [-m] [-O|-E] [-P lib|raw] [-u] "
			        "[-v] "
			        "[-c] [-T]\n",
			        argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "bench: -r takes 1 to %d\n", MAX_ROUNDS);
		return 2;
	}
	raise_fd_limit();
	pin_threads(pin, &cpu_main, &cpu_peer);
	if (tap)
		printf("1..1\n");
	printf("udo-vsock-tcp bench: ratio = library time / raw syscall time, median of %d "
	       "rounds%s%s\n"
	       "(each round runs both paths, operation by operation in random order, each timed;\n"
	       " the scaling rounds alternate library and raw)\n", rounds,
	       scale > 1 ? " (quick)" : "",
	       caller_memory ? "; client contexts in caller memory" : "");
	printf("library contexts: %s\n",
	       !use_opts ? "udo_vsock_tcp_*_create (0.3; settings from the environment)"
	       : opts_flags & UDO_VSOCK_TCP_OPT_NO_ENV
	       ? "udo_vsock_tcp_*_create_opts, transport in opts, UDO_VSOCK_TCP_OPT_NO_ENV "
	         "(no environment read)"
	       : "udo_vsock_tcp_*_create_opts, transport in opts (environment read for the rest)");
	if (cpu_main >= 0)
		printf("threads pinned: this one on CPU %d, the peer on CPU %d\n", cpu_main,
		       cpu_peer);
	if (!strcmp(which, "all") || !strcmp(which, "tcp"))
		run_transport("tcp");
	if (!strcmp(which, "all") || !strcmp(which, "unix"))
		run_transport("unix");
	if (!strcmp(which, "all") || !strcmp(which, "vsock"))
		run_transport("vsock");
	if (check && misses)
		printf("bench: %d ratio(s) missed the target\n", misses);
	if (tap)
		printf("%sok 1 - bench%s\n", check && misses ? "not " : "",
		       check && misses ? ": a ratio missed its target" : "");
	return check && misses ? 1 : 0;
}
