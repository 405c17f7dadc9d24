/* SPDX-License-Identifier: MIT */
/*
 * The relays cli/bench-relay runs (udo-vsock relay and socat, as programs)
 * and what /proc says they cost: memory, threads, maps, fds, CPU time, for
 * a process and the children it forked (socat forks one per connection).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-relay.h"

/* After the port line, a relay's standard error goes on to ours: a pipe
 * nobody reads would fill and stall the relay's error messages. */
static void *pass_on(void *arg)
{
	int fd = (int) (long) arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDERR_FILENO, buf, (size_t) n) < 0)
			break;
	close(fd);
	return NULL;
}

pid_t udo_bench_spawn(char *const argv[], int *port)
{
	int p[2];
	pid_t pid;
	pthread_t t;
	char line[32];
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
	if (!port) {
		close(p[0]);
		return pid;
	}
	while (got < sizeof(line) - 1 && read(p[0], line + got, 1) == 1 && line[got] != '\n')
		got++;
	line[got] = '\0';
	/* All 32 bits of a vsock port, as the library's int carries them. */
	*port = (int) (uint32_t) strtoul(line, NULL, 10);
	if (*port == 0) {
		/* What it said instead of a port (a usage error, say) goes on. */
		fprintf(stderr, "bench-relay: %s printed no port%s%s\n", argv[0], got ? ": " : "", line);
		pass_on((void *) (long) p[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (pthread_create(&t, NULL, pass_on, (void *) (long) p[0]) != 0)
		udo_bench_die("thread for a relay's messages");
	pthread_detach(t);
	return pid;
}

void udo_bench_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

static FILE *open_proc(pid_t pid, const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, what);
	return fopen(path, "re");
}

/* The number after "key:" in a file of "key: value" lines, or 0; closes f. */
static long field_of(FILE *f, const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

static long proc_field(pid_t pid, const char *file, const char *key)
{
	return field_of(open_proc(pid, file), key);
}

static long count_lines(pid_t pid, const char *file)
{
	FILE *f = open_proc(pid, file);
	long n = 0;
	int c;

	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* pid's fds; with sockets, only those that are sockets. */
static long count_fds_of(pid_t pid, bool sockets)
{
	char path[64], link[64 + 256 + 2], target[64];
	DIR *d;
	struct dirent *e;
	ssize_t n;
	long count = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int) pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (sockets) {
			snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n < 7 || strncmp(target, "socket:", 7) != 0)
				continue;
		}
		count++;
	}
	if (d)
		closedir(d);
	return count;
}

static long count_fds(pid_t pid)
{
	return count_fds_of(pid, false);
}

/* utime + stime, and the children's it reaped (socat's): seconds. */
static double cpu_seconds(pid_t pid)
{
	FILE *f = open_proc(pid, "stat");
	char line[1024], *p;
	unsigned long ut = 0, st = 0;
	long cut = 0, cst = 0;

	if (f && fgets(line, sizeof(line), f) && (p = strrchr(line, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld",
		       &ut, &st, &cut, &cst);
	if (f)
		fclose(f);
	return (double) (ut + st + (unsigned long) cut + (unsigned long) cst) /
	       (double) sysconf(_SC_CLK_TCK);
}

static void add_one(pid_t pid, struct udo_bench_proc *p)
{
	p->rss_kb += proc_field(pid, "status", "VmRSS");
	p->pss_kb += proc_field(pid, "smaps_rollup", "Pss");
	p->threads += proc_field(pid, "status", "Threads");
	p->maps += count_lines(pid, "maps");
	p->fds += count_fds(pid);
	p->sockets += count_fds_of(pid, true);
	p->cpu_s += cpu_seconds(pid);
	p->procs++;
}

/* The children of pid's main thread (socat forks from its only thread). */
static FILE *children(pid_t pid)
{
	char what[64];

	snprintf(what, sizeof(what), "task/%d/children", (int) pid);
	return open_proc(pid, what);
}

void udo_bench_proc_read(pid_t pid, struct udo_bench_proc *p)
{
	FILE *f;
	int child;

	memset(p, 0, sizeof(*p));
	if (pid <= 0)
		return;
	add_one(pid, p);
	f = children(pid);
	while (f && fscanf(f, "%d", &child) == 1)
		add_one(child, p);
	if (f)
		fclose(f);
}

/* The times pid's threads went to sleep and were woken again (each
 * voluntary_ctxt_switches: a wait for an event, a lock or a page). */
static long wakeups_of(pid_t pid)
{
	char path[64], what[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int) pid);
	d = opendir(path);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			/* Thread ids: a few digits. */
			snprintf(what, sizeof(what), "task/%.20s/status", e->d_name);
			n += proc_field(pid, what, "voluntary_ctxt_switches");
		}
	if (d)
		closedir(d);
	return n;
}

double udo_bench_wakeups(pid_t pid)
{
	FILE *f;
	long n;
	int child;

	if (pid <= 0)
		return 0;
	n = wakeups_of(pid);
	f = children(pid);
	while (f && fscanf(f, "%d", &child) == 1)
		n += wakeups_of(child);
	if (f)
		fclose(f);
	return (double) n;
}

static long count_children(pid_t pid)
{
	FILE *f = children(pid);
	long n = 0;
	int child;

	while (f && fscanf(f, "%d", &child) == 1)
		n++;
	if (f)
		fclose(f);
	return n;
}

int udo_bench_settle(pid_t pid, long sockets, double timeout)
{
	double end = udo_bench_now() + timeout;

	if (pid <= 0)
		return 0;
	/* Polled: the relay's teardown gives no signal a bench could wait on. */
	while (count_fds_of(pid, true) > sockets || count_children(pid) > 0) {
		if (udo_bench_now() > end)
			return -1;
		usleep(10 * 1000);
	}
	return 0;
}

long udo_bench_kernel_kb(void)
{
	return field_of(fopen("/proc/meminfo", "re"), "Slab") +
	       field_of(fopen("/proc/meminfo", "re"), "KernelStack") +
	       field_of(fopen("/proc/meminfo", "re"), "PageTables");
}

/* The load average: a busy machine hurts a relay (three busy tasks) more
 * than a direct stream (two), so the figures say how busy it was. */
const char *udo_bench_loadavg(void)
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

long udo_bench_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f && fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

struct udo_bench_spread udo_bench_spread(const double *v, int n)
{
	double s[UDO_BENCH_MAX_ROUNDS];
	struct udo_bench_spread r = { 0, 0, 0 };

	if (n <= 0)
		return r;
	memcpy(s, v, (size_t) n * sizeof(*s));
	qsort(s, (size_t) n, sizeof(*s), cmp_double);
	r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	r.min = s[0];
	r.max = s[n - 1];
	return r;
}

const char *udo_bench_fmt(char *buf, size_t len, const double *v, int n, const char *unit)
{
	struct udo_bench_spread s = udo_bench_spread(v, n);
	/* Two decimals for ratios, whole numbers for MB/s and ms. */
	int prec = s.median >= 100 ? 0 : 2;

	if (n <= 0)
		snprintf(buf, len, "-");
	else if (n == 1)
		snprintf(buf, len, "%.*f%s", prec, s.median, unit);
	else
		snprintf(buf, len, "%.*f%s (%.*f-%.*f)", prec, s.median, unit, prec, s.min, prec,
		         s.max);
	return buf;
}
