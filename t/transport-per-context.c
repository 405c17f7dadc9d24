/* SPDX-License-Identifier: MIT */
/*
 * A transport per context: contexts made with different transports live
 * side by side in one process and one thread, each as its create's options
 * say, whatever UDO_VSOCK_TCP_TRANSPORT says; and the list of transport
 * names (udo_vsock_tcp_transport_name) is the one creates accept. It sets
 * the variable (setenv) to show opts wins over it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define TRANSPORT_VAR "UDO_VSOCK_TCP_TRANSPORT"

static int cleanup(void **state)
{
	unsetenv(TRANSPORT_VAR);
	return 0;
}

static void names_come_in_a_fixed_order_then_null(void **state)
{
	static const char *const want[] = { "vsock", "tcp", "hybrid", "unix" };
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(udo_vsock_tcp_transport_name(i), want[i]);
	assert_null(udo_vsock_tcp_transport_name(i));
	assert_null(udo_vsock_tcp_transport_name(i + 1));
	assert_null(udo_vsock_tcp_transport_name(UINT_MAX));
}

static bool listed(const char *name)
{
	const char *n;
	unsigned int i;

	for (i = 0; (n = udo_vsock_tcp_transport_name(i)); i++)
		if (!strcmp(n, name))
			return true;
	return false;
}

/* A create's failure that is not "no such transport". */
static void not_refused_as_a_name(const void *ctx, const char *how, const char *name)
{
	if (udo_log_get_error_code(ctx) == EINVAL &&
	    strstr(udo_log_get_error(ctx), "is not a transport"))
		fail_msg("%s \"%s\" refused as a name: %s", how, name, udo_log_get_error(ctx));
}

static void every_listed_name_is_accepted_by_opts_and_the_variable(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL, .port = 1 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	void *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	const char *name;
	unsigned int i;

	assert_non_null(mem);
	o.flags = UDO_VSOCK_TCP_OPT_NO_ENV;
	for (i = 0; (name = udo_vsock_tcp_transport_name(i)); i++) {
		assert_false(!strcmp(name, "auto"));
		/* Whether the plugin serves here is found at create: hybrid
		 * without a VMM socket, vsock without the family, may fail. */
		o.transport = name;
		if (udo_vsock_tcp_client_create_opts(mem, &ci, &o))
			udo_vsock_tcp_destroy(mem);
		else
			not_refused_as_a_name(mem, "opts.transport", name);
		setenv(TRANSPORT_VAR, name, 1);
		if (udo_vsock_tcp_client_create(mem, &ci))
			udo_vsock_tcp_destroy(mem);
		else
			not_refused_as_a_name(mem, TRANSPORT_VAR, name);
	}
	free(mem);
}

/* A server of transport (NULL: auto) on CID 1, any port; the variable says
 * something else. */
static struct udo_vsock_tcp *server_on(const char *transport)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *s;

	o.transport = transport;
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &o);
	if (!s)
		fail_msg("%s server: %s", transport, strerror(errno));
	if (transport && strcmp(transport, "auto"))
		assert_string_equal(udo_vsock_tcp_get_transport(s), transport);
	assert_true(listed(udo_vsock_tcp_get_transport(s)));
	return s;
}

static struct udo_vsock_tcp *client_of(struct udo_vsock_tcp *s)
{
	struct udo_vsock_tcp_client_create_info ci = {
		.vcid = VMADDR_CID_LOCAL, .port = udo_vsock_tcp_get_port(s),
	};
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *c;

	o.transport = udo_vsock_tcp_get_transport(s);
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), o.transport);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("%s connect: %s", o.transport, udo_log_get_error(c));
	return c;
}

static void unix_and_tcp_contexts_work_side_by_side_in_one_thread(void **state)
{
	struct udo_vsock_tcp *us, *ts, *uc, *tc;
	char buf[4];
	int uconn, tconn;

	/* Malformed: it fails only creates that take the transport from it. */
	setenv(TRANSPORT_VAR, "carrier-pigeon", 1);
	us = server_on("unix");
	ts = server_on("tcp");
	uc = client_of(us);
	tc = client_of(ts);
	uconn = udo_vsock_tcp_server_accept(us, NULL);
	tconn = udo_vsock_tcp_server_accept(ts, NULL);
	assert_true(uconn >= 0);
	assert_true(tconn >= 0);
	t_send_all(udo_vsock_tcp_get_fd(uc), "unix", 4);
	t_send_all(udo_vsock_tcp_get_fd(tc), "tcp!", 4);
	t_recv_all(uconn, buf, 4);
	assert_memory_equal(buf, "unix", 4);
	t_recv_all(tconn, buf, 4);
	assert_memory_equal(buf, "tcp!", 4);
	/* The server's own socket family says which transport carries it. */
	{
		struct sockaddr_storage a;
		socklen_t len = sizeof(a);

		assert_int_equal(getsockname(uconn, (struct sockaddr *) &a, &len), 0);
		assert_int_equal(a.ss_family, AF_UNIX);
		len = sizeof(a);
		assert_int_equal(getsockname(tconn, (struct sockaddr *) &a, &len), 0);
		assert_true(a.ss_family == AF_INET || a.ss_family == AF_INET6);
	}
	close(uconn);
	close(tconn);
	udo_vsock_tcp_destroy(uc);
	udo_vsock_tcp_destroy(tc);
	udo_vsock_tcp_destroy(us);
	udo_vsock_tcp_destroy(ts);

	/* The variable still fails creates that read it. */
	{
		struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL,
		                                               .port = -1 };

		errno = 0;
		assert_null(udo_vsock_tcp_server_create(NULL, &si));
		assert_int_equal(errno, EINVAL);
	}
}

static void auto_from_opts_picks_a_listed_transport(void **state)
{
	struct udo_vsock_tcp *s, *c;
	int conn;

	setenv(TRANSPORT_VAR, "unix", 1);
	s = server_on("auto");
	/* "auto" from opts is auto, not the variable's unix. */
	assert_false(!strcmp(udo_vsock_tcp_get_transport(s), "unix"));
	c = client_of(s);
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_come_in_a_fixed_order_then_null),
		cmocka_unit_test_teardown(every_listed_name_is_accepted_by_opts_and_the_variable,
		                          cleanup),
		cmocka_unit_test_teardown(unix_and_tcp_contexts_work_side_by_side_in_one_thread,
		                          cleanup),
		cmocka_unit_test_teardown(auto_from_opts_picks_a_listed_transport, cleanup),
	};

	unsetenv(TRANSPORT_VAR);
	return T_RUN(tests);
}
