/* SPDX-License-Identifier: MIT */
/*
 * A failing step comes back from the API with its errno and a message that
 * names the step, and leaks nothing. socket, setsockopt, bind, listen,
 * getsockname, connect, accept, the allocator and the plugin's dlopen are
 * made to fail by the preloaded shim t/fault/shim.c (UDO_FAULT="CALL:ERRNO").
 *
 * Each case runs in a child process of its own (this program, re-executed
 * with "--case NAME" and the shim in LD_PRELOAD): the shim is in no other
 * process, and each child loads the plugins afresh. fds are counted before
 * and after each case; in the --enable-sanitizers build LeakSanitizer
 * checks every child's memory when it exits, and a leak fails the case.
 * The children use the tcp transport: these are the library's paths, the
 * same on every transport. t/fault-sweep makes each allocation fail in turn.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "fault/child.h"

/* From the shim, when it is preloaded (in the children only). */
extern unsigned long udo_fault_hits(const char *call) __attribute__((weak));

/* The children use tcp. */
#define TCP "UDO_VSOCK_TCP_TRANSPORT=tcp"

/* The context's error is the errno, and its message names step and errno. */
static void assert_reported(void *ctx, int err, const char *step)
{
	const char *msg = udo_log_get_error(ctx);

	fprintf(stderr, "# reported: %s\n", msg);
	assert_int_equal(udo_log_get_error_code(ctx), err);
	assert_non_null(strstr(msg, step));
	assert_non_null(strstr(msg, strerror(err)));
}

/* ---- the cases (run in the children) ---- */

static const struct udo_vsock_tcp_server_create_info server_info = {
	.vcid = T_CID, .port = -1, .connections = 8,
};

typedef struct udo_vsock_tcp *(*create_fn)(struct udo_vsock_tcp *, const void *);

/* Both ways of creating (library memory, caller memory) fail with err, the
 * caller's memory holds the report, and no fd is left behind. */
static void create_fails(create_fn create, const void *info, int err, const char *step)
{
	void *mem = t_fault_context_memory();
	int before = t_count_fds(), saved;
	struct udo_vsock_tcp *ctx;

	t_fault_arm();
	ctx = create(NULL, info);
	saved = errno;
	assert_null(create(mem, info));
	t_fault_disarm();
	assert_null(ctx);
	assert_int_equal(saved, err);
	assert_reported(mem, err, step);
	assert_int_equal(t_count_fds(), before);
	assert_true(udo_fault_hits(NULL) >= 2);
	free(mem);
}

static void server_create_fails(int err, const char *step)
{
	create_fails(udo_vsock_tcp_server_create, &server_info, err, step);
}

static void server_socket_fails(void **state)
{
	server_create_fails(EMFILE, "socket for tcp");
}

static void server_setsockopt_fails(void **state)
{
	server_create_fails(ENOMEM, "set SO_REUSEADDR for tcp 1:-1");
}

static void server_bind_fails(void **state)
{
	server_create_fails(EADDRINUSE, "bind to tcp 1:-1");
}

static void server_listen_fails(void **state)
{
	server_create_fails(EADDRINUSE, "listen on tcp 1:-1");
}

static void server_getsockname_fails(void **state)
{
	server_create_fails(ENOBUFS, "read the port bound on tcp 1");
}

static void client_socket_fails(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 7 };

	create_fails(udo_vsock_tcp_client_create, &ci, EMFILE, "socket for tcp");
}

/* Also: the failed connect may be retried on the same context. */
static void connect_fails_then_retry_succeeds(void **state)
{
	struct udo_vsock_tcp *s = t_server(), *c;
	struct udo_vsock_tcp_client_create_info ci = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(s),
	};
	int before = t_count_fds(), r, saved, fd;
	char step[64];

	c = udo_vsock_tcp_client_create(NULL, &ci);
	assert_non_null(c);
	t_fault_arm();
	r = udo_vsock_tcp_client_connect(c);
	saved = errno;
	t_fault_disarm();
	assert_int_equal(r, -1);
	assert_int_equal(saved, ETIMEDOUT);
	snprintf(step, sizeof(step), "connect to tcp 1:%d", ci.port);
	assert_reported(c, ETIMEDOUT, step);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	fd = t_accept(s);
	close(fd);
	udo_vsock_tcp_destroy(c);
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(s);
}

/* connect fails, and so does the fresh socket the core opens for a retry:
 * the next connect says so, the one after succeeds, no fd is lost. */
static void connect_and_renewal_fail(void **state)
{
	struct udo_vsock_tcp *s = t_server(), *c;
	struct udo_vsock_tcp_client_create_info ci = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(s),
	};
	int before = t_count_fds(), r1, e1, r2, e2, r3, fd;

	c = udo_vsock_tcp_client_create(NULL, &ci);
	assert_non_null(c);
	t_fault_arm();
	r1 = udo_vsock_tcp_client_connect(c);
	e1 = errno;
	r2 = udo_vsock_tcp_client_connect(c);
	e2 = errno;
	r3 = udo_vsock_tcp_client_connect(c);
	t_fault_disarm();
	assert_int_equal(r1, -1);
	assert_int_equal(e1, ECONNREFUSED);
	assert_int_equal(r2, -1);
	assert_int_equal(e2, EMFILE);
	assert_int_equal(r3, 0);
	fd = t_accept(s);
	close(fd);
	udo_vsock_tcp_destroy(c);
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(s);
}

/* Also: the connection waits in the backlog and the next accept gets it. */
static void accept_fails_then_succeeds(void **state)
{
	struct udo_vsock_tcp *s = t_server(), *c = t_client(s);
	struct sockaddr_vm peer;
	int before = t_count_fds(), fd, saved;
	char step[64];

	t_fault_arm();
	fd = udo_vsock_tcp_server_accept(s, &peer);
	saved = errno;
	t_fault_disarm();
	assert_int_equal(fd, -1);
	assert_int_equal(saved, EMFILE);
	snprintf(step, sizeof(step), "accept on tcp 1:%d", udo_vsock_tcp_get_port(s));
	assert_reported(s, EMFILE, step);
	assert_int_equal(t_count_fds(), before);
	fd = t_accept(s);
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

/* The library allocates the context: no memory, no context, errno ENOMEM. */
static void context_allocation_fails(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 7 };
	struct udo_vsock_tcp *c, *s;
	int before, se, ce;

	udo_vsock_tcp_destroy(udo_vsock_tcp_client_create(NULL, &ci)); /* load the plugin */
	before = t_count_fds();
	t_fault_arm();
	s = udo_vsock_tcp_server_create(NULL, &server_info);
	se = errno;
	c = udo_vsock_tcp_client_create(NULL, &ci);
	ce = errno;
	t_fault_disarm();
	assert_null(s);
	assert_int_equal(se, ENOMEM);
	assert_null(c);
	assert_int_equal(ce, ENOMEM);
	assert_int_equal(t_count_fds(), before);
}

/* lt_dlopen fails (dlopen beneath it does): the create says which plugin
 * from where; the failure is not remembered, so a later create loads it. */
static void plugin_load_fails_then_succeeds(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 7 };
	void *mem = t_fault_context_memory();
	int before = t_count_fds(), saved;
	struct udo_vsock_tcp *c;
	const char *msg;

	t_fault_arm();
	c = udo_vsock_tcp_client_create(NULL, &ci);
	saved = errno;
	assert_null(udo_vsock_tcp_client_create(mem, &ci));
	t_fault_disarm();
	assert_null(c);
	assert_int_not_equal(saved, 0);
	assert_int_equal(udo_log_get_error_code(mem), (uint32_t) saved);
	msg = udo_log_get_error(mem);
	fprintf(stderr, "# reported: %s\n", msg);
	assert_non_null(strstr(msg, "load tcp transport from "));
	assert_non_null(strstr(msg, getenv("UDO_VSOCK_TCP_PLUGIN_PATH")));
	assert_int_equal(t_count_fds(), before);
	assert_true(udo_fault_hits("dlopen") >= 1);
	c = udo_vsock_tcp_client_create(NULL, &ci);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "tcp");
	udo_vsock_tcp_destroy(c);
	free(mem);
}

static const struct t_fault_case cases[] = {
	{ "server_create_reports_a_failed_socket", "socket:EMFILE", TCP, server_socket_fails },
	{ "server_create_reports_a_failed_setsockopt", "setsockopt:ENOMEM", TCP,
	  server_setsockopt_fails },
	{ "server_create_reports_a_failed_bind", "bind:EADDRINUSE", TCP, server_bind_fails },
	{ "server_create_reports_a_failed_listen", "listen:EADDRINUSE", TCP,
	  server_listen_fails },
	{ "server_create_reports_a_failed_getsockname", "getsockname:ENOBUFS", TCP,
	  server_getsockname_fails },
	{ "client_create_reports_a_failed_socket", "socket:EMFILE", TCP, client_socket_fails },
	{ "connect_reports_its_failure_and_a_retry_succeeds", "connect:ETIMEDOUT:times=1", TCP,
	  connect_fails_then_retry_succeeds },
	{ "connect_survives_a_failed_socket_renewal",
	  "connect:ECONNREFUSED:times=1,socket:EMFILE:times=2", TCP, connect_and_renewal_fail },
	{ "accept_reports_its_failure_and_the_next_accept_succeeds", "accept4:EMFILE:times=1",
	  TCP, accept_fails_then_succeeds },
	{ "create_without_memory_for_the_context_gives_ENOMEM", "malloc:ENOMEM", TCP,
	  context_allocation_fails },
	{ "create_reports_a_failed_plugin_load_and_a_later_create_loads_it", "dlopen:ENOENT",
	  TCP, plugin_load_fails_then_succeeds },
};

int main(int argc, char **argv)
{
	return t_fault_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
