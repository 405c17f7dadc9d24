/* SPDX-License-Identifier: MIT */
/*
 * Signals during a connect, as a program with a periodic timer gets them
 * (SIGALRM every 50 ms): with a handler installed without SA_RESTART the
 * connect ends at once with EINTR; with SA_RESTART it goes on, and the
 * connect timeout or wait still bounds it in wall time. Every blocking path:
 * tcp, unix and hybrid connects to nobody, to a listener that never accepts,
 * to a VMM that never answers "OK"; the pauses of a wait; accept.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common.h"
#include "hybrid-peer.h"

#define TICK_MS 50
/* The connect timeout or wait of each case. EINTR must come well before
 * it; with SA_RESTART the connect ends after it, by 1.5 s at the latest. */
#define BOUND_MS 1500
#define GUEST 7
#define FILLERS 8

static volatile sig_atomic_t ticks;

/* A connect that a stream of signals keeps going for ever is a failure, not a
 * hang: the signals stop well after any case's bound. */
#define TICKS_MAX ((BOUND_MS + 3000) / TICK_MS)

static void on_tick(int sig)
{
	(void) sig;
	if (++ticks >= TICKS_MAX)
		alarm(0); /* ends the interval timer too (ITIMER_REAL) */
}

static struct sigaction old_alarm;

/* SIGALRM every TICK_MS, its handler installed with flags. */
static void ticker_start(int flags)
{
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = flags };
	struct itimerval it = { .it_value = { .tv_usec = TICK_MS * 1000 },
	                        .it_interval = { .tv_usec = TICK_MS * 1000 } };

	sigemptyset(&sa.sa_mask);
	ticks = 0;
	assert_int_equal(sigaction(SIGALRM, &sa, &old_alarm), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void ticker_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old_alarm, NULL);
}

enum where {
	TCP_NOBODY, TCP_STUCK, UNIX_NOBODY, UNIX_STUCK,
	HYBRID_MISSING, HYBRID_SILENT, HYBRID_STUCK,
};

struct scase {
	enum where where;
	bool wait;     /* BOUND_MS as the connect wait, else as the connect timeout */
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
}

static socklen_t abstract_name(struct sockaddr_un *sun, int port)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 +
	                    (size_t) snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
	                                      "udo-vsock-tcp/%u", (unsigned int) port));
}

/* A server of transport on a free port; its port. */
static struct udo_vsock_tcp *server_on(const char *transport, int backlog)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1,
	                                               .connections = backlog };
	struct udo_vsock_tcp *s;

	setenv("UDO_VSOCK_TCP_TRANSPORT", transport, 1);
	s = udo_vsock_tcp_server_create(NULL, &si);
	unsetenv("UDO_VSOCK_TCP_TRANSPORT");
	if (!s)
		fail_msg("%s server: %s", transport, strerror(errno));
	return s;
}

static struct udo_vsock_tcp *client_on(const char *transport, uint32_t cid, int port,
                                       const char *uds)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = cid, .port = port };
	struct udo_vsock_tcp *c;

	setenv("UDO_VSOCK_TCP_TRANSPORT", transport, 1);
	if (uds)
		setenv("UDO_VSOCK_TCP_UDS", uds, 1);
	c = udo_vsock_tcp_client_create(NULL, &ci);
	unsetenv("UDO_VSOCK_TCP_TRANSPORT");
	unsetenv("UDO_VSOCK_TCP_UDS");
	if (!c)
		fail_msg("%s client for %u:%d: %s", transport, cid, port, strerror(errno));
	return c;
}

static void set_up(struct scene *sc, enum where where)
{
	const char *transport = where <= TCP_STUCK ? "tcp" : where <= UNIX_STUCK ? "unix" : "hybrid";
	struct sockaddr_in sin = { .sin_family = AF_INET,
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un sun;
	char map[200];
	int port = 0;

	memset(sc, 0, sizeof(*sc));
	memset(sc->fillers, -1, sizeof(sc->fillers));
	if (where == TCP_NOBODY || where == TCP_STUCK || where == UNIX_NOBODY ||
	    where == UNIX_STUCK) {
		sc->s = server_on(transport, 1);
		port = udo_vsock_tcp_get_port(sc->s);
		if (where == TCP_NOBODY || where == UNIX_NOBODY) {
			udo_vsock_tcp_destroy(sc->s);
			sc->s = NULL;
		}
		if (where == TCP_STUCK) {
			sin.sin_port = htons((uint16_t) port);
			fill(sc, (struct sockaddr *) &sin, sizeof(sin));
		}
		if (where == UNIX_STUCK)
			fill(sc, (struct sockaddr *) &sun, abstract_name(&sun, port));
		sc->c = client_on(transport, T_CID, port, NULL);
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
	sc->c = client_on(transport, GUEST, 5000, map);
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
	int r, code;
	long took;

	set_up(&sc, k->where);
	if (k->wait)
		assert_int_equal(udo_vsock_tcp_set_connect_wait(sc.c, BOUND_MS), 0);
	else
		assert_int_equal(udo_vsock_tcp_set_connect_timeout(sc.c, BOUND_MS), 0);
	ticker_start(k->flags);
	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	r = udo_vsock_tcp_client_connect(sc.c);
	code = errno;
	took = t_elapsed_ms(&start);
	ticker_stop();
	msg = udo_log_get_error(sc.c);
	if (r != -1)
		fail_msg("connect succeeded after %ld ms", took);
	if (!k->flags) {
		if (code != EINTR || took > BOUND_MS - 500)
			fail_msg("expected EINTR soon, got \"%s\" after %ld ms (%d signals)",
			         strerror(code), took, (int) ticks);
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
		if (ticks < 3)
			fail_msg("only %d signals arrived in %ld ms", (int) ticks, took);
	}
	assert_int_equal(udo_log_get_error_code(sc.c), (uint32_t) code);
	tear_down(&sc);
}

/* A child that connects to server after delay_ms: tcp to 127.0.0.1, unix
 * to the abstract name. */
static pid_t connect_later(struct udo_vsock_tcp *s, bool unix_name, int delay_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                           .sin_port = htons((uint16_t) udo_vsock_tcp_get_port(s)) };
	struct sockaddr_un sun;
	socklen_t len = abstract_name(&sun, udo_vsock_tcp_get_port(s));
	struct timespec d = { .tv_sec = delay_ms / 1000,
	                      .tv_nsec = (long) (delay_ms % 1000) * 1000000L };
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid)
		return pid;
	nanosleep(&d, NULL);
	fd = socket(unix_name ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
	if (unix_name)
		connect(fd, (struct sockaddr *) &sun, len);
	else
		connect(fd, (struct sockaddr *) &sin, sizeof(sin));
	pause();
	_exit(0);
}

static void accept_with_ticks(const char *transport, int flags)
{
	struct udo_vsock_tcp *s = server_on(transport, 4);
	/* Without SA_RESTART nobody comes before the deadline: only a signal
	 * ends the accept (the late client keeps a broken test from hanging). */
	pid_t pid = connect_later(s, !strcmp(transport, "unix"), flags ? 500 : 4000);
	struct timespec start;
	int fd, code;
	long took;

	ticker_start(flags);
	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	fd = udo_vsock_tcp_server_accept(s, NULL);
	code = errno;
	took = t_elapsed_ms(&start);
	ticker_stop();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (flags && fd < 0)
		fail_msg("accept on %s with SA_RESTART signals: %s after %ld ms", transport,
		         strerror(code), took);
	if (flags && ticks < 3)
		fail_msg("only %d signals arrived during a %ld ms accept", (int) ticks, took);
	if (!flags && (fd >= 0 || code != EINTR || took > 3000))
		fail_msg("accept on %s without SA_RESTART: %d (%s) after %ld ms, not EINTR",
		         transport, fd, strerror(code), took);
	if (fd >= 0)
		close(fd);
	udo_vsock_tcp_destroy(s);
}

static void tcp_accept_is_restarted_with_sa_restart(void **state)
{
	accept_with_ticks("tcp", SA_RESTART);
}

static void tcp_accept_ends_with_eintr_without_sa_restart(void **state)
{
	accept_with_ticks("tcp", 0);
}

static void unix_accept_is_restarted_with_sa_restart(void **state)
{
	accept_with_ticks("unix", SA_RESTART);
}

static void unix_accept_ends_with_eintr_without_sa_restart(void **state)
{
	accept_with_ticks("unix", 0);
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
		cmocka_unit_test(tcp_accept_is_restarted_with_sa_restart),
		cmocka_unit_test(tcp_accept_ends_with_eintr_without_sa_restart),
		cmocka_unit_test(unix_accept_is_restarted_with_sa_restart),
		cmocka_unit_test(unix_accept_ends_with_eintr_without_sa_restart),
	};

	return T_RUN(tests);
}
