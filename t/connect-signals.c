/* SPDX-License-Identifier: MIT */
/*
 * Signals during a connect, as a program with a periodic timer gets them
 * (SIGALRM every 50 ms): with a handler installed without SA_RESTART the
 * connect ends at once with EINTR; with SA_RESTART it goes on, and the
 * connect timeout or wait still bounds it in wall time. Every blocking path:
 * tcp, unix and hybrid connects to nobody, to a listener that never accepts,
 * to a VMM that never answers "OK"; the pauses of a wait; vsock where the
 * machine has loopback. accept, and calls that succeed: t/signals-through.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common.h"
#include "hybrid-peer.h"
#include "signal-ticker.h"

#define TICK_MS 50
/* The connect timeout or wait of each case: with SA_RESTART the connect
 * ends after it, by 1.5 s at the latest. Without, the bound is long and
 * EINTR must come well before it (a busy machine may be slow to run the
 * handler, never that slow). */
#define BOUND_MS 1500
#define EINTR_BOUND_MS 10000
#define GUEST 7
#define FILLERS 8

/* The signals stop well after any case's bound (t_ticker_start). */
#define TICKS_MAX ((EINTR_BOUND_MS + 3000) / TICK_MS)

enum where {
	TCP_NOBODY, TCP_STUCK, UNIX_NOBODY, UNIX_STUCK,
	HYBRID_MISSING, HYBRID_SILENT, HYBRID_STUCK, VSOCK_NOBODY,
};

struct scase {
	enum where where;
	bool wait;     /* the bound is the connect wait, else the connect timeout */
	int flags;     /* of the handler: 0 or SA_RESTART */
	int code;      /* with SA_RESTART: the errno at the end */
};

/* What a case set up, to undo it. */
struct scene {
	struct udo_vsock_tcp *s, *c;
	struct t_vmm vmm;
	bool vmm_up;
	int fillers[FILLERS];
};

/*
 * A tcp handshake finishes in softirq context, which a loaded machine (or
 * an emulated guest) defers to ksoftirqd: the fillers' connects may still
 * be under way when the client's SYN arrives, and then the client can take
 * a place in the queue. The queue of a listener with backlog 1 is full once
 * two connections are established in it (the kernel's "more than the
 * backlog"); wait for that (bounded), so the client's SYN is dropped.
 */
static void wait_queue_full(struct scene *sc)
{
	struct pollfd p[FILLERS];
	int i, done = 0, tries;

	for (tries = 0; tries < 1000 && done < 2; tries++) {
		for (i = 0; i < FILLERS; i++)
			p[i] = (struct pollfd) { .fd = sc->fillers[i], .events = POLLOUT };
		if (poll(p, FILLERS, 10) < 0)
			continue;
		for (done = 0, i = 0; i < FILLERS; i++)
			done += (p[i].revents & (POLLOUT | POLLERR | POLLHUP)) == POLLOUT;
	}
	if (done < 2)
		fail_msg("only %d of %d connections to the listener were established in 10 s",
		         done, FILLERS);
}

static void fill(struct scene *sc, const struct sockaddr *sa, socklen_t len)
{
	int i;

	/* Enough connections that the listener's queue is full: the next
	 * connect waits (tcp: the SYN is dropped; unix: the backlog). */
	for (i = 0; i < FILLERS; i++) {
		sc->fillers[i] = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		assert_true(sc->fillers[i] >= 0);
		connect(sc->fillers[i], sa, len);
	}
	if (sa->sa_family == AF_INET)
		wait_queue_full(sc);
}

static void set_up(struct scene *sc, enum where where)
{
	const char *transport = where <= TCP_STUCK ? "tcp" : where <= UNIX_STUCK ? "unix"
	                      : where == VSOCK_NOBODY ? "vsock" : "hybrid";
	struct sockaddr_in sin = { .sin_family = AF_INET,
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un sun;
	char map[200];
	int port = 0;

	memset(sc, 0, sizeof(*sc));
	memset(sc->fillers, -1, sizeof(sc->fillers));
	if (where == TCP_NOBODY || where == UNIX_NOBODY || where == VSOCK_NOBODY) {
		port = t_hold_refusing_port(transport, &sc->fillers[0]);
		sc->c = t_client_on(transport, T_CID, port, NULL);
		return;
	}
	if (where == TCP_STUCK || where == UNIX_STUCK) {
		sc->s = t_server_on(transport, 1);
		port = udo_vsock_tcp_get_port(sc->s);
		if (where == TCP_STUCK) {
			sin.sin_port = htons((uint16_t) port);
			fill(sc, (struct sockaddr *) &sin, sizeof(sin));
		}
		if (where == UNIX_STUCK)
			fill(sc, (struct sockaddr *) &sun, t_abstract_name(&sun, port));
		sc->c = t_client_on(transport, T_CID, port, NULL);
		return;
	}
	snprintf(map, sizeof(map), "%d=%s", GUEST, t_tmp_path("vmm.sock"));
	if (where != HYBRID_MISSING) {
		t_vmm_start(&sc->vmm, t_tmp_path("vmm.sock"),
		            where == HYBRID_SILENT ? T_VMM_SILENT : T_VMM_STUCK);
		sc->vmm_up = true;
	}
	if (where == HYBRID_STUCK) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strcpy(sun.sun_path, sc->vmm.path);
		fill(sc, (struct sockaddr *) &sun, sizeof(sun));
	}
	sc->c = t_client_on(transport, GUEST, 5000, map);
}

static void tear_down(struct scene *sc)
{
	int i;

	udo_vsock_tcp_destroy(sc->c);
	for (i = 0; i < FILLERS; i++)
		if (sc->fillers[i] >= 0)
			close(sc->fillers[i]);
	udo_vsock_tcp_destroy(sc->s);
	if (sc->vmm_up)
		t_vmm_stop(&sc->vmm);
	t_tmp_cleanup();
}

static void connect_with_ticks(void **state)
{
	const struct scase *k = *state;
	struct scene sc;
	struct timespec start;
	const char *msg;
	unsigned int bound = k->flags ? BOUND_MS : EINTR_BOUND_MS;
	int r, code;
	long took;

	if (k->where == VSOCK_NOBODY && !t_have_vsock_loopback()) {
		print_message("# skip: no vsock loopback here (a bind to CID 1 fails)\n");
		skip();
	}
	set_up(&sc, k->where);
	if (k->wait)
		assert_int_equal(udo_vsock_tcp_set_connect_wait(sc.c, bound), 0);
	else
		assert_int_equal(udo_vsock_tcp_set_connect_timeout(sc.c, bound), 0);
	t_ticker_start(k->flags, TICK_MS, TICKS_MAX);
	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	r = udo_vsock_tcp_client_connect(sc.c);
	code = errno;
	took = t_elapsed_ms(&start);
	t_ticker_stop();
	msg = udo_log_get_error(sc.c);
	if (r != -1)
		fail_msg("connect succeeded after %ld ms", took);
	if (!k->flags) {
		if (code != EINTR || took > EINTR_BOUND_MS / 2)
			fail_msg("expected EINTR soon, got \"%s\" after %ld ms (%d signals)",
			         strerror(code), took, (int) t_ticks);
		if (k->wait && !strstr(msg, "interrupted by a signal after "))
			fail_msg("\"%s\" does not say the wait was interrupted", msg);
		if (!k->wait && !strstr(msg, strerror(EINTR)))
			fail_msg("\"%s\" does not say the connect was interrupted", msg);
	} else {
		if (code != k->code)
			fail_msg("expected \"%s\" at the bound, got \"%s\" after %ld ms: %s",
			         strerror(k->code), strerror(code), took, msg);
		if (took < BOUND_MS - 100 || took > BOUND_MS + 1500)
			fail_msg("a %d ms bound ended after %ld ms: %s", BOUND_MS, took, msg);
		if (t_ticks < 3)
			fail_msg("only %d signals arrived in %ld ms", (int) t_ticks, took);
	}
	assert_int_equal(udo_log_get_error_code(sc.c), (uint32_t) code);
	tear_down(&sc);
}

#define CASE(name, where, wait, flags, code) \
	static const struct scase name##_case = { where, wait, flags, code }; \
	static void name(void **state) { *state = (void *) &name##_case; connect_with_ticks(state); }

CASE(tcp_nobody_wait_sa_restart_goes_on, TCP_NOBODY, true, SA_RESTART, ECONNREFUSED)
CASE(tcp_nobody_wait_eintr, TCP_NOBODY, true, 0, 0)
CASE(tcp_listener_never_accepts_timeout_sa_restart_goes_on, TCP_STUCK, false, SA_RESTART,
     ETIMEDOUT)
CASE(tcp_listener_never_accepts_timeout_eintr, TCP_STUCK, false, 0, 0)
CASE(tcp_listener_never_accepts_wait_sa_restart_goes_on, TCP_STUCK, true, SA_RESTART,
     ETIMEDOUT)
CASE(tcp_listener_never_accepts_wait_eintr, TCP_STUCK, true, 0, 0)
CASE(unix_nobody_wait_sa_restart_goes_on, UNIX_NOBODY, true, SA_RESTART, ECONNREFUSED)
CASE(unix_nobody_wait_eintr, UNIX_NOBODY, true, 0, 0)
CASE(unix_listener_never_accepts_timeout_sa_restart_goes_on, UNIX_STUCK, false, SA_RESTART,
     ETIMEDOUT)
CASE(unix_listener_never_accepts_timeout_eintr, UNIX_STUCK, false, 0, 0)
CASE(unix_listener_never_accepts_wait_sa_restart_goes_on, UNIX_STUCK, true, SA_RESTART,
     ETIMEDOUT)
CASE(unix_listener_never_accepts_wait_eintr, UNIX_STUCK, true, 0, 0)
CASE(hybrid_vmm_missing_wait_sa_restart_goes_on, HYBRID_MISSING, true, SA_RESTART, ENOENT)
CASE(hybrid_vmm_missing_wait_eintr, HYBRID_MISSING, true, 0, 0)
CASE(hybrid_vmm_never_answers_ok_timeout_sa_restart_goes_on, HYBRID_SILENT, false,
     SA_RESTART, ETIMEDOUT)
CASE(hybrid_vmm_never_answers_ok_timeout_eintr, HYBRID_SILENT, false, 0, 0)
CASE(hybrid_vmm_never_answers_ok_wait_sa_restart_goes_on, HYBRID_SILENT, true, SA_RESTART,
     ETIMEDOUT)
CASE(hybrid_vmm_never_answers_ok_wait_eintr, HYBRID_SILENT, true, 0, 0)
CASE(hybrid_vmm_never_accepts_timeout_sa_restart_goes_on, HYBRID_STUCK, false, SA_RESTART,
     ETIMEDOUT)
CASE(hybrid_vmm_never_accepts_timeout_eintr, HYBRID_STUCK, false, 0, 0)
CASE(vsock_nobody_wait_sa_restart_goes_on, VSOCK_NOBODY, true, SA_RESTART, ECONNRESET)
CASE(vsock_nobody_wait_eintr, VSOCK_NOBODY, true, 0, 0)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_nobody_wait_sa_restart_goes_on),
		cmocka_unit_test(tcp_nobody_wait_eintr),
		cmocka_unit_test(tcp_listener_never_accepts_timeout_sa_restart_goes_on),
		cmocka_unit_test(tcp_listener_never_accepts_timeout_eintr),
		cmocka_unit_test(tcp_listener_never_accepts_wait_sa_restart_goes_on),
		cmocka_unit_test(tcp_listener_never_accepts_wait_eintr),
		cmocka_unit_test(unix_nobody_wait_sa_restart_goes_on),
		cmocka_unit_test(unix_nobody_wait_eintr),
		cmocka_unit_test(unix_listener_never_accepts_timeout_sa_restart_goes_on),
		cmocka_unit_test(unix_listener_never_accepts_timeout_eintr),
		cmocka_unit_test(unix_listener_never_accepts_wait_sa_restart_goes_on),
		cmocka_unit_test(unix_listener_never_accepts_wait_eintr),
		cmocka_unit_test(hybrid_vmm_missing_wait_sa_restart_goes_on),
		cmocka_unit_test(hybrid_vmm_missing_wait_eintr),
		cmocka_unit_test(hybrid_vmm_never_answers_ok_timeout_sa_restart_goes_on),
		cmocka_unit_test(hybrid_vmm_never_answers_ok_timeout_eintr),
		cmocka_unit_test(hybrid_vmm_never_answers_ok_wait_sa_restart_goes_on),
		cmocka_unit_test(hybrid_vmm_never_answers_ok_wait_eintr),
		cmocka_unit_test(hybrid_vmm_never_accepts_timeout_sa_restart_goes_on),
		cmocka_unit_test(hybrid_vmm_never_accepts_timeout_eintr),
		cmocka_unit_test(vsock_nobody_wait_sa_restart_goes_on),
		cmocka_unit_test(vsock_nobody_wait_eintr),
	};

	return T_RUN(tests);
}
