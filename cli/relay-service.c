/* SPDX-License-Identifier: MIT */
/*
 * The relay's main thread: it sets the relay up, starts the workers
 * (cli/relay.c), tells the service manager READY=1, and then only handles
 * signals (a signalfd: SIGTERM and SIGINT stop, SIGUSR1 prints the
 * statistics line; blocked in every thread) and keeps STATUS= up to date.
 * The stop is orderly: STOPPING=1, the workers stop accepting, the
 * listeners are closed (new clients are refused, not left waiting), and
 * the open connections get --stop-timeout to finish before they are cut.
 * Workers wake the main thread through an eventfd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "activate.h"
#include "ms.h"
#include "relay-int.h"
#include "relay-service.h"
#include "say.h"

/* The pool's bound: this many bytes of buffers (or pipes of that size). */
#define POOL_BYTES (64u << 20)
/* STATUS= at most this often, when the figures changed. */
#define STATUS_MS 1000

/* Thousands of connections need thousands of fds: the soft limit goes up
 * to the hard one (a relay lowered by prlimit later is that user's choice). */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* --wait, else the library's variable as a blocking connect reads it (a
 * non-blocking context leaves the waiting to us). */
static unsigned int connect_wait(const struct udo_cli_relay_opts *o)
{
	const char *env = getenv("UDO_VSOCK_TCP_CONNECT_WAIT_MS");
	unsigned int ms = 0;

	if (o->wait_set)
		return o->wait_ms;
	if (env && *env && udo_parse_ms(env, &ms) < 0)
		ms = 0;
	return ms;
}

static bool numeric_host(const struct udo_cli_target *t)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST },
	                *ai;

	if (getaddrinfo(t->addr.host, NULL, &hints, &ai) != 0)
		return false;
	freeaddrinfo(ai);
	return true;
}

static int setup(struct relay *r, char *err, size_t len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int bufs;
	size_t i;

	r->nw = r->o.threads ? r->o.threads : cpus > 0 ? (unsigned int) cpus : 1;
	r->wait_ms = connect_wait(&r->o);
	r->numeric = r->t->addr.kind == UDO_CLI_ADDR_TCP && numeric_host(r->t);
	bufs = (unsigned int) (POOL_BYTES / r->o.buffer);
	if (bufs < 4 * r->nw)
		bufs = 4 * r->nw;
	relay_limiter_init(&r->accept_errors, "relay: ", "; accepting again");
	relay_limiter_init(&r->refusals, "relay: ", "");
	relay_limiter_init(&r->short_fds, "relay: ", "; connecting again");
	r->accept_lock = calloc(r->nls, sizeof(*r->accept_lock));
	r->w = calloc(r->nw, sizeof(*r->w));
	r->main_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!r->accept_lock || !r->w || r->main_efd < 0 ||
	    relay_pool_init(&r->pool, r->o.buffer, false, bufs) ||
	    relay_pool_init(&r->pipes, r->o.buffer, true, bufs))
		return snprintf(err, len, "relay: set up: %s", strerror(errno ? errno : ENOMEM)), -1;
	for (i = 0; i < r->nls; i++) {
		pthread_mutex_init(&r->accept_lock[i], NULL);
		if (fcntl(r->ls[i].fd, F_SETFL, fcntl(r->ls[i].fd, F_GETFL) | O_NONBLOCK) < 0)
			return snprintf(err, len, "relay on %s: make it non-blocking: %s",
			                r->ls[i].where, strerror(errno)), -1;
	}
	if (r->t->addr.kind == UDO_CLI_ADDR_TCP && !r->numeric) {
		r->resolver = relay_resolver_start(err, len);
		if (!r->resolver)
			return -1;
	}
	for (i = 0; i < r->nw; i++) {
		int e = relay_worker_init(r, &r->w[i]);

		if (e < 0)
			return snprintf(err, len, "relay: set up a worker: %s", strerror(-e)), -1;
	}
	return 0;
}

static void say_stats(struct relay *r)
{
	char line[256];
	size_t used;
	unsigned int i;

	/* -v: how the clients are spread over the workers (cli/relay-handoff.c),
	 * before the figures, which stay the last line. */
	if (r->o.verbose && r->nw > 1) {
		used = (size_t) snprintf(line, sizeof(line), "relay: connections open per worker:");
		for (i = 0; i < r->nw && used < sizeof(line); i++)
			used += (size_t) snprintf(line + used, sizeof(line) - used, " %lu",
			                          atomic_load(&r->w[i].load));
		udo_cli_say("%s", line);
	}
	relay_stats_line(&r->stats, line, sizeof(line));
	udo_cli_say("%s", line);
}

/* STATUS= for systemctl status: the figures, when they changed. */
static void update_status(struct relay *r, char *last, size_t len, uint64_t *when)
{
	char line[256], state[300];
	uint64_t now = relay_now_ms();

	if (now < *when + STATUS_MS)
		return;
	relay_stats_line(&r->stats, line, sizeof(line));
	if (!strcmp(line, last))
		return;
	snprintf(last, len, "%s", line);
	snprintf(state, sizeof(state), "STATUS=%s", line + strlen("relay: "));
	udo_cli_notify(state);
	*when = now;
}

/*
 * Wait up to ms (-1: for ever) for a signal or a worker: the signal taken,
 * 0 for a worker or the time passing. SIGUSR1 is handled here.
 */
static int wait_main(struct relay *r, int sfd, int ms)
{
	struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = r->main_efd, .events = POLLIN } };
	struct signalfd_siginfo si;
	uint64_t v;

	if (poll(p, 2, ms) <= 0)
		return 0;
	if (p[1].revents & POLLIN)
		while (read(r->main_efd, &v, sizeof(v)) < 0 && errno == EINTR)
			;
	if (!(p[0].revents & POLLIN) || read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGUSR1) {
		say_stats(r);
		return 0;
	}
	return (int) si.ssi_signo;
}

static void wake_all(struct relay *r)
{
	unsigned int i;

	for (i = 0; i < r->nw; i++)
		relay_wake(r->w[i].efd);
}

/* Stop: no more accepts, then up to stop_ms for the open connections. */
static void stop(struct relay *r, int sfd, unsigned int stop_ms, unsigned int started)
{
	uint64_t end;
	unsigned long left;
	size_t i;

	udo_cli_notify("STOPPING=1");
	atomic_store(&r->stop, true);
	wake_all(r);
	while (atomic_load(&r->unlistened) < started)
		wait_main(r, sfd, 100);
	for (i = 0; i < r->nls; i++)
		udo_cli_listener_close(&r->ls[i]);
	end = relay_now_ms() + stop_ms;
	while (atomic_load(&r->exited) < started && relay_now_ms() < end)
		wait_main(r, sfd, (int) (end - relay_now_ms()));
	left = atomic_load(&r->stats.open);
	if (atomic_load(&r->exited) < started) {
		udo_cli_say("relay: stopping with %lu connection%s still open after %u ms "
		            "(--stop-timeout)", left, left == 1 ? "" : "s", stop_ms);
		atomic_store(&r->abort, true);
		wake_all(r);
	} else if (r->o.verbose) {
		udo_cli_say("relay: stopped, every connection finished");
	}
	for (i = 0; i < started; i++)
		pthread_join(r->w[i].thread, NULL);
}

/*
 * Once the workers are gone: free what the relay holds. Left to the exit
 * when a connection outlived --stop-timeout (its worker left it as it was)
 * or a name lookup is still under way (its thread refers to r).
 */
static void teardown(struct relay *r)
{
	unsigned int i;

	if (atomic_load(&r->stats.open) || relay_resolver_stop(r->resolver) < 0)
		return;
	for (i = 0; i < r->nw; i++) {
		relay_buf_free(r->w[i].spare[0]);
		relay_buf_free(r->w[i].spare[1]);
		if (r->w[i].ep >= 0)
			close(r->w[i].ep);
		if (r->w[i].efd >= 0)
			close(r->w[i].efd);
	}
	relay_pool_free(&r->pool);
	relay_pool_free(&r->pipes);
	if (r->main_efd >= 0)
		close(r->main_efd);
	free(r->accept_lock);
	free(r->w);
	free(r);
}

int udo_cli_relay_service(struct udo_cli_listener *ls, size_t n,
                          const struct udo_cli_target *t,
                          const struct udo_cli_relay_opts *opts, unsigned int stop_ms)
{
	struct relay *r = calloc(1, sizeof(*r));
	char err[UDO_CLI_ERR_MAX], last[256] = "";
	bool notify = getenv("NOTIFY_SOCKET") != NULL;
	uint64_t said = 0;
	unsigned int started = 0;
	sigset_t set;
	int sfd, status = 0, e;

	if (!r) {
		udo_cli_say("relay: %s", strerror(ENOMEM));
		return 1;
	}
	r->ls = ls;
	r->nls = n;
	r->t = t;
	r->o = *opts;
	raise_fd_limit();
	/* Blocked in every thread (they inherit it): the signalfd takes them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		udo_cli_say("relay: take signals: %s", strerror(errno));
		return 1;
	}
	if (setup(r, err, sizeof(err)) < 0) {
		udo_cli_say("%s", err);
		return 1;
	}
	for (; started < r->nw; started++) {
		e = pthread_create(&r->w[started].thread, NULL, relay_worker_main, &r->w[started]);
		if (e) {
			udo_cli_say("relay: start a worker thread: %s", strerror(e));
			status = 1;
			break;
		}
	}
	if (!status) {
		udo_cli_notify("READY=1");
		while (!wait_main(r, sfd, notify ? STATUS_MS : -1))
			if (notify)
				update_status(r, last, sizeof(last), &said);
	}
	stop(r, sfd, stop_ms, started);
	say_stats(r);
	close(sfd);
	teardown(r);
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
