/* SPDX-License-Identifier: MIT */
/*
 * cli/bench-relay's connection figures, each path (a direct connection to
 * the echo backend, or through a relay to it) in turn:
 *   - at scale: many connections opened (each echoes a byte), held, and
 *     what the relay process then holds per connection: memory, threads,
 *     memory maps, fds (from /proc), and the kernel's memory (system-wide,
 *     so the direct row is the floor of the others); with, from these, what
 *     100,000 connections would need against the kernel's limits;
 *   - opening: the time to open connections (connect, echo a byte), and
 *     the wake-ups of the relay per connection, in
 *     alternating rounds, as a ratio to the direct time of the same round.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-relay.h"

/* The connections of the projection. */
#define PROJECTED 100000.0

/* Open count connections to p one after another (each echoes a byte
 * before the next opens); how many opened and how long that took. */
static int *open_many(const struct udo_bench_path *p, int count, int *opened, double *secs)
{
	int *fds = malloc((size_t) (count > 0 ? count : 1) * sizeof(*fds)), i;
	double t0 = udo_bench_now();

	if (!fds)
		udo_bench_die("memory for the connections");
	for (i = 0; i < count; i++) {
		fds[i] = udo_bench_open(p->port, i);
		if (fds[i] < 0) {
			fprintf(stderr, "bench-relay: %s: connection %d of %d: %s\n", p->name, i + 1,
			        count, strerror(errno));
			break;
		}
	}
	*secs = udo_bench_now() - t0;
	*opened = i;
	return fds;
}

/* Close them, and wait (a while) for the relay to let go of its ends. */
static void close_many(const struct udo_bench_path *p, int *fds, int n, long idle_sockets)
{
	int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	if (udo_bench_settle(p->pid, idle_sockets, 60) < 0)
		fprintf(stderr, "bench-relay: %s: still holds more fds than when idle, 60 s "
		        "after its clients closed\n", p->name);
}

/* What 100,000 connections take of a limit, at per connections each. */
static void room(const char *what, double base, double per, const char *limit_name,
                 const char *path)
{
	long limit = udo_bench_sysctl(path);

	printf(", %.0f %s (%s %ld", base + per * PROJECTED, what, limit_name, limit);
	if (per > 0.01)
		printf(": room for %.0f connections", (limit - base) / per);
	printf(")");
}

/* From the per-connection figures, the needs of 100,000 connections. */
static void project(const char *name, const struct udo_bench_proc *base,
                    const struct udo_bench_proc *d, double kernel_kb)
{
	/* Processes share their code and libraries: their RSS would count
	 * those once per process, their PSS counts each page once. */
	bool procs = d->procs > 0.5;

	printf("  %.0f connections through %s would need: %.1f GB user memory (%s) + %.1f GB "
	       "kernel memory", PROJECTED, name, (procs ? d->pss_kb : d->rss_kb) * PROJECTED / 1e6,
	       procs ? "PSS" : "RSS", kernel_kb * PROJECTED / 1e6);
	/* Every thread and every process takes a pid. */
	room("pids", base->threads, d->threads, "kernel.pid_max", "/proc/sys/kernel/pid_max");
	/* vm.max_map_count and the fd limit bound one process; socat's are spread. */
	if (!procs) {
		room("maps in one process", base->maps, d->maps, "vm.max_map_count",
		     "/proc/sys/vm/max_map_count");
		room("fds in one process", base->fds, d->fds, "fs.nr_open", "/proc/sys/fs/nr_open");
	} else {
		printf(", %.0f processes of %.0f maps each", d->procs * PROJECTED, d->maps / d->procs);
	}
	printf("\n");
}

/* (loaded - base) / n, field by field. */
static void per_connection(const struct udo_bench_proc *b, const struct udo_bench_proc *l,
                           int n, struct udo_bench_proc *d)
{
	d->rss_kb = (double) (l->rss_kb - b->rss_kb) / n;
	d->pss_kb = (double) (l->pss_kb - b->pss_kb) / n;
	d->threads = (double) (l->threads - b->threads) / n;
	d->maps = (double) (l->maps - b->maps) / n;
	d->fds = (double) (l->fds - b->fds) / n;
	d->procs = (double) (l->procs - b->procs) / n;
}

static void scale_one(struct udo_bench_path *p, int count)
{
	struct udo_bench_proc base, loaded, d;
	long k0, k1;
	int held, echoed = 0, i, *fds;
	double secs;

	udo_bench_proc_read(p->pid, &base);
	k0 = udo_bench_kernel_kb();
	fds = open_many(p, count, &held, &secs);
	udo_bench_proc_read(p->pid, &loaded);
	k1 = udo_bench_kernel_kb();
	/* Held a while (the figures above): does every one still echo? */
	for (i = 0; i < held; i++)
		echoed += udo_bench_echo(fds[i]) == 0;
	if (held == 0) {
		printf("%-32s %6d  no connection opened\n", p->name, count);
		close_many(p, fds, held, base.fds);
		return;
	}
	memset(&d, 0, sizeof(d));
	per_connection(&base, &loaded, held, &d);
	printf("%-32s %6d %6d %7.2f %8.1f %8.1f %8.1f %7.2f %6.2f %6.2f %6.2f\n", p->name, held,
	       echoed, secs, d.rss_kb, d.pss_kb, (double) (k1 - k0) / held, d.threads, d.maps,
	       d.fds, d.procs);
	if (p->pid > 0) {
		printf("  idle: RSS %.1f MB, %ld threads, %ld maps, %ld fds, %ld processes; "
		       "loaded: RSS %.1f MB, %ld threads, %ld maps, %ld fds, %ld processes\n",
		       base.rss_kb / 1e3, (long) base.threads, (long) base.maps, (long) base.fds,
		       (long) base.procs, loaded.rss_kb / 1e3, (long) loaded.threads,
		       (long) loaded.maps, (long) loaded.fds, (long) loaded.procs);
		project(p->name, &base, &d, (double) (k1 - k0) / held);
	}
	fflush(stdout);
	close_many(p, fds, held, base.fds);
}

void udo_bench_scale(struct udo_bench_path *paths, int n)
{
	int i;

	printf("\nidle connections held open (each path in turn; per connection: the relay "
	       "process's growth from idle to loaded / connections;\n kernel: system-wide "
	       "Slab+KernelStack+PageTables growth, which the direct row's two socket ends "
	       "are part of)\n");
	printf("%-32s %6s %6s %7s %8s %8s %8s %7s %6s %6s %6s\n", "path", "conns", "echoed",
	       "open s", "RSS KB", "PSS KB", "kern KB", "threads", "maps", "fds", "procs");
	for (i = 0; i < n; i++) {
		if (paths[i].failed)
			printf("%-32s  did not start\n", paths[i].name);
		else if (paths[i].count > 0)
			scale_one(&paths[i], paths[i].count);
	}
}

void udo_bench_opening(struct udo_bench_path *paths, int n, int count, int rounds)
{
	static double secs[UDO_BENCH_MAX_PATHS][UDO_BENCH_MAX_ROUNDS];
	static double wakes[UDO_BENCH_MAX_PATHS][UDO_BENCH_MAX_ROUNDS];
	double ratio[UDO_BENCH_MAX_ROUNDS], ms[UDO_BENCH_MAX_ROUNDS];
	char a[64], b[64], c[64];
	int r, i, held, *fds, valid;
	struct udo_bench_proc idle;
	double before;

	/* Alternate the paths so a busy moment hurts them all alike. */
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++) {
			if (paths[i].failed)
				continue;
			udo_bench_proc_read(paths[i].pid, &idle);
			before = udo_bench_wakeups(paths[i].pid);
			fds = open_many(&paths[i], count, &held, &secs[i][r]);
			/* Read while socat's children are there to be read. */
			wakes[i][r] = (udo_bench_wakeups(paths[i].pid) - before) / (held ? held : 1);
			close_many(&paths[i], fds, held, (long) idle.sockets);
			if (held < count)
				paths[i].failed = true;
		}
	/* Wake-ups: each one a sleep and a wake of a relay's thread (or of a
	 * socat process), the cost a relayed connection adds beyond system
	 * calls; two per connection is the least (the client's first bytes,
	 * then the target's answer). */
	printf("\nopening %d connections (connect, echo a byte, the next; all held until the "
	       "last), %d rounds: median (min-max)\n", count, rounds);
	printf("%-32s %22s  %-22s %s\n", "path", "ms", "ratio to direct",
	       "relay wake-ups per connection");
	for (i = 0; i < n; i++) {
		if (paths[i].failed) {
			printf("%-32s %22s\n", paths[i].name, "failed");
			continue;
		}
		for (r = valid = 0; r < rounds; r++) {
			ms[r] = secs[i][r] * 1e3;
			if (!paths[0].failed)
				ratio[valid++] = secs[i][r] / secs[0][r];
		}
		printf("%-32s %22s  %-22s %s\n", paths[i].name,
		       udo_bench_fmt(a, sizeof(a), ms, rounds, ""),
		       udo_bench_fmt(b, sizeof(b), ratio, valid, "x"),
		       paths[i].pid > 0 ? udo_bench_fmt(c, sizeof(c), wakes[i], rounds, "") : "-");
	}
	fflush(stdout);
}
