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
 * same on every transport.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "fault/child.h"

/* From the shim, when it is preloaded (in the children only). */
extern void udo_fault_arm(int on) __attribute__((weak));
extern unsigned long udo_fault_hits(const char *call) __attribute__((weak));

/* A sweep child whose fault never fired: the sweep has reached its end. */
#define SWEEP_DONE 3
#define SWEEP_MAX 2000

static char self[PATH_MAX];
static bool sweep_fired;

static void arm(void)
{
	if (!udo_fault_arm)
		fail_msg("the fault shim is not preloaded");
	udo_fault_arm(1);
}

static void disarm(void)
{
	udo_fault_arm(0);
}

static void *context_memory(void)
{
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());

	assert_non_null(mem);
	return mem;
}

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
	void *mem = context_memory();
	int before = t_count_fds(), saved;
	struct udo_vsock_tcp *ctx;

	arm();
	ctx = create(NULL, info);
	saved = errno;
	assert_null(create(mem, info));
	disarm();
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
	arm();
	r = udo_vsock_tcp_client_connect(c);
	saved = errno;
	disarm();
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
	arm();
	r1 = udo_vsock_tcp_client_connect(c);
	e1 = errno;
	r2 = udo_vsock_tcp_client_connect(c);
	e2 = errno;
	r3 = udo_vsock_tcp_client_connect(c);
	disarm();
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

	arm();
	fd = udo_vsock_tcp_server_accept(s, &peer);
	saved = errno;
	disarm();
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
	arm();
	s = udo_vsock_tcp_server_create(NULL, &server_info);
	se = errno;
	c = udo_vsock_tcp_client_create(NULL, &ci);
	ce = errno;
	disarm();
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
	void *mem = context_memory();
	int before = t_count_fds(), saved;
	struct udo_vsock_tcp *c;
	const char *msg;

	arm();
	c = udo_vsock_tcp_client_create(NULL, &ci);
	saved = errno;
	assert_null(udo_vsock_tcp_client_create(mem, &ci));
	disarm();
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

/* An API call that failed says why: errno, and the context's error. */
static void assert_failure_reported(const char *what, int err, void *ctx)
{
	fprintf(stderr, "# %s failed: errno %d (%s); context: %s\n", what, err, strerror(err),
	        ctx ? udo_log_get_error(ctx) : "-");
	assert_int_not_equal(err, 0);
	if (ctx) {
		assert_int_equal(udo_log_get_error_code(ctx), (uint32_t) err);
		assert_true(udo_log_get_error(ctx)[0] != '\0');
	}
}

/*
 * One step of the allocation sweep: allocation number N (from UDO_FAULT)
 * of a first server + client + connect + accept fails, N = 0, 1, 2 ...
 * The parent runs steps until one where no allocation was left to fail.
 */
static void allocation_sweep_step(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	void *smem = context_memory(), *cmem = context_memory();
	struct udo_vsock_tcp *s, *c = NULL, *s2, *c2;
	int before = t_count_fds(), fd = -1, r = -1, err = 0;

	arm();
	s = udo_vsock_tcp_server_create(smem, &server_info);
	if (!s) {
		err = errno;
	} else {
		ci.port = udo_vsock_tcp_get_port(s);
		c = udo_vsock_tcp_client_create(NULL, &ci);
		if (!c) {
			err = errno;
		} else {
			r = udo_vsock_tcp_client_connect(c);
			err = r ? errno : 0;
			if (r == 0) {
				fd = udo_vsock_tcp_server_accept(s, NULL);
				err = fd < 0 ? errno : 0;
			}
		}
	}
	disarm();
	sweep_fired = udo_fault_hits("alloc") > 0;
	if (!s)
		assert_failure_reported("server create", err, smem);
	else if (!c)
		assert_failure_reported("client create", err, NULL);
	else if (r)
		assert_failure_reported("connect", err, c);
	else if (fd < 0)
		assert_failure_reported("accept", err, s);
	if (fd >= 0)
		close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	assert_int_equal(t_count_fds(), before);

	/* Nothing is left broken: the same steps now succeed. */
	s2 = udo_vsock_tcp_server_create(smem, &server_info);
	assert_non_null(s2);
	ci.port = udo_vsock_tcp_get_port(s2);
	c2 = udo_vsock_tcp_client_create(cmem, &ci);
	assert_non_null(c2);
	assert_int_equal(udo_vsock_tcp_client_connect(c2), 0);
	fd = t_accept(s2);
	close(fd);
	udo_vsock_tcp_destroy(c2);
	udo_vsock_tcp_destroy(s2);
	assert_int_equal(t_count_fds(), before);
	free(smem);
	free(cmem);
}

struct fault_case {
	const char *name;
	const char *fault; /* UDO_FAULT for the child */
	CMUnitTestFunction run;
};

static const struct fault_case cases[] = {
	{ "server_create_reports_a_failed_socket", "socket:EMFILE", server_socket_fails },
	{ "server_create_reports_a_failed_setsockopt", "setsockopt:ENOMEM",
	  server_setsockopt_fails },
	{ "server_create_reports_a_failed_bind", "bind:EADDRINUSE", server_bind_fails },
	{ "server_create_reports_a_failed_listen", "listen:EADDRINUSE", server_listen_fails },
	{ "server_create_reports_a_failed_getsockname", "getsockname:ENOBUFS",
	  server_getsockname_fails },
	{ "client_create_reports_a_failed_socket", "socket:EMFILE", client_socket_fails },
	{ "connect_reports_its_failure_and_a_retry_succeeds", "connect:ETIMEDOUT:times=1",
	  connect_fails_then_retry_succeeds },
	{ "connect_survives_a_failed_socket_renewal",
	  "connect:ECONNREFUSED:times=1,socket:EMFILE:times=2", connect_and_renewal_fail },
	{ "accept_reports_its_failure_and_the_next_accept_succeeds", "accept4:EMFILE:times=1",
	  accept_fails_then_succeeds },
	{ "create_without_memory_for_the_context_gives_ENOMEM", "malloc:ENOMEM",
	  context_allocation_fails },
	{ "create_reports_a_failed_plugin_load_and_a_later_create_loads_it", "dlopen:ENOENT",
	  plugin_load_fails_then_succeeds },
	{ "allocation_sweep", NULL, allocation_sweep_step },
};

static const struct fault_case *find_case(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

/* ---- the parent: one child per case ---- */

static int run_child(const char *name, const char *fault)
{
	static const char *const env[] = { "UDO_VSOCK_TCP_TRANSPORT=tcp", NULL };

	return t_fault_child(self, name, fault, env);
}

static void run_case(void **state)
{
	const struct fault_case *c = *state;
	int status = run_child(c->name, c->fault);

	if (status != 0)
		fail_msg("case %s (UDO_FAULT=%s) failed: exit status %d (see above)", c->name,
		         c->fault, status);
}

/* Allocation N fails, for N = 0, 1, 2 ... until a run with none left. */
static void run_sweep(void **state)
{
	const struct fault_case *c = *state;
	char fault[64];
	int n, status = 0;

	for (n = 0; n < SWEEP_MAX; n++) {
		snprintf(fault, sizeof(fault), "alloc:ENOMEM:after=%d:times=1", n);
		status = run_child(c->name, fault);
		if (status == SWEEP_DONE)
			break;
		if (status != 0)
			fail_msg("case %s (UDO_FAULT=%s) failed: exit status %d (see above)",
			         c->name, fault, status);
	}
	fprintf(stderr, "# allocation sweep: %d allocations, each made to fail once\n", n);
	assert_true(n > 0 && n < SWEEP_MAX);
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
	ssize_t len;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "--case")) {
		const struct fault_case *c = find_case(argv[2]);
		struct CMUnitTest one[1];
		int failed;

		if (!c)
			return 2;
		memset(one, 0, sizeof(one));
		one[0].name = c->name;
		one[0].test_func = c->run;
		failed = T_RUN(one);
		return failed ? 1 : (c->fault == NULL && !sweep_fired) ? SWEEP_DONE : 0;
	}

	/* readlink, not exec of /proc/self/exe: under valgrind that is valgrind. */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 99;
	self[len] = '\0';
	memset(tests, 0, sizeof(tests));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = cases[i].fault ? run_case : run_sweep;
		tests[i].initial_state = (void *) &cases[i];
	}
	return T_RUN(tests);
}
