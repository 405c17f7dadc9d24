/* SPDX-License-Identifier: MIT */
/*
 * The relay as a service: one relay thread per listener (under socket
 * activation, one per passed socket), sd_notify READY=1 once all listen,
 * and an orderly stop on SIGTERM: STOPPING=1, no more accepts, the open
 * connections given a bounded time to finish.
 *
 * The main thread waits for the signals with sigwait (they are blocked in
 * every thread). A relay thread blocked in accept is woken by SIGUSR1,
 * whose handler does nothing and is installed without SA_RESTART, so the
 * accept fails with EINTR and the relay sees the stop flag.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activate.h"
#include "cli.h"
#include "relay-service.h"
#include "say.h"

#define POLL_MS 20

struct relay_thread {
	pthread_t thread;
	struct udo_cli_listener *l;
	const struct udo_cli_target *t;
	const struct udo_cli_relay_opts *opts;
	atomic_bool done;
	int status;
};

static void *relay_thread_main(void *arg)
{
	struct relay_thread *r = arg;

	r->status = udo_cli_relay(r->l, r->t, r->opts);
	atomic_store(&r->done, true);
	if (r->status < 0)
		kill(getpid(), SIGTERM); /* the main thread stops the others */
	return NULL;
}

static void on_wake(int sig)
{
	(void) sig;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Stop accepting: wake each relay thread until it has returned. */
static void stop_relays(struct relay_thread *rt, size_t n)
{
	size_t i, running;

	do {
		running = 0;
		for (i = 0; i < n; i++)
			if (!atomic_load(&rt[i].done)) {
				pthread_kill(rt[i].thread, SIGUSR1);
				running++;
			}
		if (running)
			sleep_ms(POLL_MS);
	} while (running);
	for (i = 0; i < n; i++) {
		pthread_join(rt[i].thread, NULL);
		udo_cli_listener_close(rt[i].l);
	}
}

/* Wait up to stop_ms for the open connections to end. */
static void drain(atomic_uint *open, unsigned int stop_ms, bool verbose)
{
	long waited = 0;
	unsigned int left;

	while ((left = atomic_load(open)) && waited < (long) stop_ms) {
		sleep_ms(POLL_MS);
		waited += POLL_MS;
	}
	if (left)
		udo_cli_say("relay: stopping with %u connection%s still open after %u ms "
		            "(--stop-timeout)", left, left == 1 ? "" : "s", stop_ms);
	else if (verbose)
		udo_cli_say("relay: stopped, every connection finished");
}

int udo_cli_relay_service(struct udo_cli_listener *ls, size_t n,
                          const struct udo_cli_target *t,
                          const struct udo_cli_relay_opts *opts, unsigned int stop_ms)
{
	struct sigaction wake = { .sa_handler = on_wake };
	struct udo_cli_relay_opts o = *opts;
	struct relay_thread *rt = calloc(n, sizeof(*rt));
	atomic_bool stop = false;
	atomic_uint open = 0;
	sigset_t set;
	size_t i, started;
	int sig, status = 0;

	if (!rt) {
		udo_cli_say("relay: %s", strerror(ENOMEM));
		return 1;
	}
	o.stop = &stop;
	o.open = &open;
	sigemptyset(&wake.sa_mask);
	sigaction(SIGUSR1, &wake, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread */
	for (started = 0; started < n; started++) {
		rt[started] = (struct relay_thread) { .l = &ls[started], .t = t, .opts = &o };
		if (pthread_create(&rt[started].thread, NULL, relay_thread_main, &rt[started])) {
			udo_cli_say("relay on %s: start a thread: %s", ls[started].where,
			            strerror(EAGAIN));
			status = 1;
			break;
		}
	}
	if (!status) {
		udo_cli_notify("READY=1");
		while (sigwait(&set, &sig) != 0)
			;
	}
	udo_cli_notify("STOPPING=1");
	atomic_store(&stop, true);
	stop_relays(rt, started);
	for (i = 0; i < started; i++)
		if (rt[i].status < 0)
			status = 1;
	drain(&open, stop_ms, opts->verbose);
	free(rt);
	return status;
}

int udo_cli_parse_duration(const char *text, unsigned int *ms)
{
	unsigned long long v = 0, unit = 1000;
	const char *p;

	for (p = text; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long long) (*p - '0');
		if (v > INT_MAX)
			return -1;
	}
	if (p == text)
		return -1;
	if (!strcmp(p, "ms"))
		unit = 1;
	else if (!strcmp(p, "m"))
		unit = 60000;
	else if (*p && strcmp(p, "s"))
		return -1;
	if (v * unit > INT_MAX)
		return -1;
	*ms = (unsigned int) (v * unit);
	return 0;
}
