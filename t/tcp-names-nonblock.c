/* SPDX-License-Identifier: MIT */
/*
 * A non-blocking tcp client for a host name with two addresses (a stock
 * Debian /etc/hosts: localhost is ::1, then 127.0.0.1), driven by a poll
 * loop: it tries them in turn without blocking, its fd changing to the
 * next address's socket, and a failure names both and starts over.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "names.h"

#define POLL_BOUND_MS 20000

static struct udo_vsock_tcp *nb_client(const char *map, uint32_t cid, int port)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = cid, .port = port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.flags = UDO_VSOCK_TCP_OPT_NONBLOCK;
	o.transport = "tcp";
	o.tcp_map = map;
	return udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
}

/* Poll loop until the connect ends: 0 or its errno; *families gets the
 * family of each socket it waited on, as far as there is room. */
static int drive(struct udo_vsock_tcp *c, int *families, int room, int *seen)
{
	*seen = 0;
	for (;;) {
		struct pollfd p;

		errno = 0;
		if (udo_vsock_tcp_client_connect(c) == 0)
			return 0;
		if (errno != EINPROGRESS)
			return errno;
		p = (struct pollfd) { .fd = udo_vsock_tcp_get_fd(c),
		                      .events = udo_vsock_tcp_get_poll_events(c) };
		if (*seen < room)
			families[(*seen)++] = t_sock_family(p.fd);
		if (poll(&p, 1, POLL_BOUND_MS) != 1)
			return ETIME;
	}
}

static int walk_to_the_second_address(void *arg, char *why, size_t len)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 43 };
	struct udo_vsock_tcp_opts so = UDO_VSOCK_TCP_OPTS_INIT;
	int v6, v4, port = t_port_free_on_both(&v6, &v4), fam[16], seen, conn;
	int r = T_BODY_FAIL;
	struct udo_vsock_tcp *s = NULL, *c = NULL;

	/* Reserved (bound, not listening: ::1 refuses) until the server
	 * takes 127.0.0.1. */
	CHECK(port > 0, "no port free on both ::1 and 127.0.0.1");
	/* tcp from the options, whatever transport the suite runs on. */
	so.transport = "tcp";
	so.tcp_map = "43=127.0.0.1";
	si.port = port;
	close(v4);
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &so);
	CHECK(s, "server on 127.0.0.1:%d: %s", port, strerror(errno));
	c = nb_client("42=localhost", 42, port);
	if (!c) {
		WHY("client for CID 42: %s", strerror(errno));
		goto out;
	}
	if (t_sock_family(udo_vsock_tcp_get_fd(c)) != AF_INET6) {
		WHY("the first socket is not for ::1");
		goto out;
	}
	r = drive(c, fam, 16, &seen);
	if (r != 0) {
		WHY("connect: %s (%s)", strerror(r), udo_log_get_error(c));
		r = T_BODY_FAIL;
		goto out;
	}
	r = T_BODY_FAIL;
	/* Connected on 127.0.0.1's socket: the fd changed on the way. */
	if (t_sock_family(udo_vsock_tcp_get_fd(c)) != AF_INET) {
		WHY("connected on a socket of family %d, not 127.0.0.1's",
		    t_sock_family(udo_vsock_tcp_get_fd(c)));
		goto out;
	}
	conn = udo_vsock_tcp_server_accept(s, NULL);
	if (conn < 0 || udo_vsock_tcp_client_send_data(c, "x", 1, NULL) != 1) {
		WHY("accept or send: %s", strerror(errno));
		goto out;
	}
	close(conn);
	r = T_BODY_OK;
out:
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	close(v6);
	return r;
}

static void a_nonblocking_client_walks_a_names_addresses(void **state)
{
	t_names_run(&t_stock_root, walk_to_the_second_address, NULL);
}

static int refused_on_both(void *arg, char *why, size_t len)
{
	int v6, v4, port = t_port_free_on_both(&v6, &v4), fam[16], seen, i, r = T_BODY_OK;
	struct udo_vsock_tcp *c;
	char want[160];

	CHECK(port > 0, "no port free on both ::1 and 127.0.0.1");
	c = nb_client("42=localhost", 42, port);
	CHECK(c, "client for CID 42: %s", strerror(errno));
	snprintf(want, sizeof(want), "localhost: [::1]:%d, 127.0.0.1:%d", port, port);
	/* Twice: after a failure the context starts again from ::1. */
	for (i = 0; i < 2; i++) {
		r = drive(c, fam, 16, &seen);
		if (r != ECONNREFUSED || !strstr(udo_log_get_error(c), want) ||
		    udo_vsock_tcp_get_poll_events(c) != 0 ||
		    t_sock_family(udo_vsock_tcp_get_fd(c)) != AF_INET6) {
			WHY("connect %d: %s, \"%s\" (want ECONNREFUSED naming %s, then a ::1 "
			    "socket)", i, strerror(r), udo_log_get_error(c), want);
			r = T_BODY_FAIL;
			break;
		}
		r = T_BODY_OK;
	}
	udo_vsock_tcp_destroy(c);
	close(v4);
	close(v6);
	return r;
}

static void a_nonblocking_client_refused_everywhere_names_each_address(void **state)
{
	t_names_run(&t_stock_root, refused_on_both, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_nonblocking_client_walks_a_names_addresses),
		cmocka_unit_test(a_nonblocking_client_refused_everywhere_names_each_address),
	};

	return T_RUN(tests);
}
