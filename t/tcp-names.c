/* SPDX-License-Identifier: MIT */
/*
 * A tcp client for a host name with more than one address, in a root whose
 * /etc the test writes itself (t/names.h): a stock Debian /etc/hosts names
 * ::1 and 127.0.0.1 "localhost", and the resolver gives ::1 first. The
 * client tries every address in order until one answers, within one connect
 * timeout, and says what it tried. Runs with UDO_VSOCK_TCP_TRANSPORT=tcp.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "names.h"

static int v4_server_via_v6_first_name(void *arg, char *why, size_t len)
{
	setenv(T_MAP, "42=localhost,any=127.0.0.1", 1);
	return t_names_round_trip(VMADDR_CID_ANY, 42, AF_INET, why, len);
}

/* Once in t/tcp-map, where it depended on the machine's /etc/hosts. */
static void mapped_cid_reaches_a_host_name(void **state)
{
	t_names_run(&t_stock_root, v4_server_via_v6_first_name, NULL);
}

static int v6_server_via_v4_first_name(void *arg, char *why, size_t len)
{
	setenv(T_MAP, "42=localhost,43=[::1]", 1);
	return t_names_round_trip(43, 42, AF_INET6, why, len);
}

static void server_on_ipv6_is_reached_when_the_name_gives_ipv4_first(void **state)
{
	t_names_run(&t_ipv4_first_root, v6_server_via_v4_first_name, NULL);
}

static int refused_everywhere(void *arg, char *why, size_t len)
{
	int v6, v4, port = t_port_free_on_both(&v6, &v4);
	struct udo_vsock_tcp *c = NULL;
	char want[256];
	int r = T_BODY_FAIL, i;

	/* The port stays bound here, not listening: refused on both, and
	 * nobody else can start listening there meanwhile. */
	CHECK(port > 0, "no port free on both ::1 and 127.0.0.1 in 1000 tries");
	setenv(T_MAP, "42=localhost", 1);
	c = t_names_client(42, port);
	if (!c) {
		WHY("client for CID 42: %s", strerror(errno));
		goto out;
	}
	snprintf(want, sizeof(want),
	         "connect to tcp 42:%d (localhost: [::1]:%d, 127.0.0.1:%d): Connection refused",
	         port, port, port);
	/* Twice: a retry on the same context tries both addresses again. */
	for (i = 0; i < 2; i++) {
		errno = 0;
		if (udo_vsock_tcp_client_connect(c) != -1 || errno != ECONNREFUSED) {
			WHY("connect %d: expected -1 with ECONNREFUSED, got errno %d", i, errno);
			goto out;
		}
		if (udo_log_get_error_code(c) != ECONNREFUSED ||
		    strcmp(udo_log_get_error(c), want)) {
			WHY("connect %d: expected \"%s\", got %u \"%s\"", i, want,
			    udo_log_get_error_code(c), udo_log_get_error(c));
			goto out;
		}
	}
	r = T_BODY_OK;
out:
	udo_vsock_tcp_destroy(c);
	close(v4);
	close(v6);
	return r;
}

static void nobody_listening_anywhere_is_econnrefused_naming_each_address(void **state)
{
	t_names_run(&t_stock_root, refused_everywhere, NULL);
}

static int retries_leak_nothing(void *arg, char *why, size_t len)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 43 };
	int v6, v4, port = t_port_free_on_both(&v6, &v4), before = t_count_fds();
	int i, conn, r = T_BODY_FAIL;
	struct udo_vsock_tcp *c = NULL, *s = NULL;

	/* Reserved (bound, not listening) until the server takes 127.0.0.1. */
	CHECK(port > 0, "no port free on both ::1 and 127.0.0.1 in 1000 tries");
	setenv(T_MAP, "42=localhost,43=127.0.0.1", 1);
	c = t_names_client(42, port);
	if (!c) {
		WHY("client for CID 42: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < 5; i++) {
		if (udo_vsock_tcp_client_connect(c) != -1 || errno != ECONNREFUSED) {
			WHY("connect %d: expected ECONNREFUSED, got %d", i, errno);
			goto out;
		}
		/* One socket, of the first address's family, ready for a retry. */
		if (t_count_fds() != before + 1 ||
		    t_sock_family(udo_vsock_tcp_get_fd(c)) != AF_INET6) {
			WHY("after connect %d: %d fds (expected %d), socket family %d", i,
			    t_count_fds(), before + 1, t_sock_family(udo_vsock_tcp_get_fd(c)));
			goto out;
		}
	}
	si.port = port;
	close(v4);
	v4 = -1;
	s = t_server_create(NULL, &si, 0);
	if (!s) {
		WHY("server on 127.0.0.1:%d: %s", port, strerror(errno));
		goto out;
	}
	if (udo_vsock_tcp_client_connect(c) != 0) {
		WHY("connect once a server listens on 127.0.0.1: %s", udo_log_get_error(c));
		goto out;
	}
	conn = udo_vsock_tcp_server_accept(s, NULL);
	if (conn < 0 || udo_vsock_tcp_client_send_data(c, "x", 1, NULL) != 1) {
		WHY("accept or send after the retry: %s", strerror(errno));
		goto out;
	}
	close(conn);
	r = T_BODY_OK;
out:
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	if (v4 >= 0)
		close(v4);
	close(v6);
	if (r == T_BODY_OK && t_count_fds() != before - 2)
		return WHY("%d fds left open", t_count_fds() - (before - 2)), T_BODY_FAIL;
	return r;
}

static void failed_connects_leak_nothing_and_a_retry_reaches_a_late_server(void **state)
{
	t_names_run(&t_stock_root, retries_leak_nothing, NULL);
}

#define SLOW_NAME "udo-slow"
#define SLOW_COUNT 4
static const char *const slow_addrs[SLOW_COUNT] = {
	"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
};
static const struct t_etc_file slow_files[] = {
	{ "hosts", "127.0.0.1 localhost\n"
	           "127.0.0.2 " SLOW_NAME "\n127.0.0.3 " SLOW_NAME "\n"
	           "127.0.0.4 " SLOW_NAME "\n127.0.0.5 " SLOW_NAME "\n" },
	{ NULL, NULL },
};
static const struct t_names_root slow = { slow_files, SLOW_NAME, slow_addrs, SLOW_COUNT, false };

/* Listeners on the addresses of SLOW_NAME from `from` on, each with its
 * queue full, so a connect gets no answer (the SYN is dropped) until it gives
 * up; nothing on the ones before (they refuse). fds gets each listener and
 * the connection that fills its queue; *port their port. */
static int hang_once(int from, int *fds, int *port)
{
	struct sockaddr_in6 a;
	int i;

	*port = 0;
	for (i = from; i < SLOW_COUNT; i++) {
		fds[2 * i] = t_plain_bound(slow_addrs[i], *port);
		if (fds[2 * i] < 0 || listen(fds[2 * i], 0) != 0)
			return -1;
		*port = t_bound_port(fds[2 * i]);
		/* The queue's one place, taken by a connection never accepted. */
		fds[2 * i + 1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[2 * i + 1] < 0 ||
		    connect(fds[2 * i + 1], (struct sockaddr *) &a,
		            t_inet_addr(slow_addrs[i], *port, &a)) != 0)
			return -1;
	}
	return 0;
}

static int hang_from(int from, int *fds, int *port)
{
	int tries, i, e;

	/* The port the kernel gave on the first address may be taken on the
	 * next ones (a busy machine): try again with another. */
	for (tries = 0; tries < 1000; tries++) {
		if (hang_once(from, fds, port) == 0)
			return 0;
		e = errno;
		for (i = 0; i < 2 * SLOW_COUNT; i++)
			if (fds[i] >= 0) {
				close(fds[i]);
				fds[i] = -1;
			}
		errno = e;
		if (e != EADDRINUSE)
			return -1;
	}
	return -1;
}

/* SLOW_NAME's addresses from *arg on never answer (the ones before refuse):
 * a connect bounded to 1000 ms must give up after about that long, saying
 * what it tried. A bound on each address would take 3 or 4 s. */
static int timeout_bounds_all(void *arg, char *why, size_t len)
{
	int from = *(const int *) arg, fds[2 * SLOW_COUNT], port, i, r = T_BODY_FAIL;
	struct timespec t0, t1;
	struct udo_vsock_tcp *c = NULL;
	char want[256];
	long ms;

	for (i = 0; i < 2 * SLOW_COUNT; i++)
		fds[i] = -1;
	if (hang_from(from, fds, &port) < 0) {
		WHY("cannot set up listeners that do not answer: %s", strerror(errno));
		goto out;
	}
	setenv(T_MAP, "42=" SLOW_NAME, 1);
	c = t_names_client(42, port);
	if (!c || udo_vsock_tcp_set_connect_timeout(c, 1000) != 0) {
		WHY("client for CID 42: %s", strerror(errno));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	i = udo_vsock_tcp_client_connect(c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (from == 0) /* all the time spent on the first */
		snprintf(want, sizeof(want), "(" SLOW_NAME ": 127.0.0.2:%d; 3 not tried): "
		         "no answer within 1000 ms", port);
	else
		snprintf(want, sizeof(want), "(" SLOW_NAME ": 127.0.0.2:%d (Connection refused), "
		         "127.0.0.3:%d; 2 not tried): no answer within 1000 ms", port, port);
	/* The message proves the bound is on the whole connect (addresses left
	 * untried); the upper bound on the time is loose, for a busy machine. */
	if (i != -1 || errno != ETIMEDOUT || ms < 990 || ms > 10000 ||
	    !strstr(udo_log_get_error(c), want)) {
		WHY("connect: %d after %ld ms (expected -1 after about 1000 ms), errno %d, "
		    "\"%s\" (expected it to contain \"%s\")", i, ms, errno,
		    udo_log_get_error(c), want);
		goto out;
	}
	r = T_BODY_OK;
out:
	udo_vsock_tcp_destroy(c);
	for (i = 0; i < 2 * SLOW_COUNT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

static void a_connect_timeout_bounds_the_attempt_on_all_addresses(void **state)
{
	static const int first_hangs = 0;

	t_names_run(&slow, timeout_bounds_all, (void *) &first_hangs);
}

static void a_connect_timeout_bounds_the_attempt_after_a_refusal_too(void **state)
{
	static const int second_hangs = 1;

	t_names_run(&slow, timeout_bounds_all, (void *) &second_hangs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapped_cid_reaches_a_host_name),
		cmocka_unit_test(server_on_ipv6_is_reached_when_the_name_gives_ipv4_first),
		cmocka_unit_test(nobody_listening_anywhere_is_econnrefused_naming_each_address),
		cmocka_unit_test(failed_connects_leak_nothing_and_a_retry_reaches_a_late_server),
		cmocka_unit_test(a_connect_timeout_bounds_the_attempt_on_all_addresses),
		cmocka_unit_test(a_connect_timeout_bounds_the_attempt_after_a_refusal_too),
	};

	/* These are the tcp transport's rules, whatever the suite runs on. */
	t_use_transport("tcp");
	unsetenv(T_MAP);
	unsetenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS");
	return T_RUN(tests);
}
