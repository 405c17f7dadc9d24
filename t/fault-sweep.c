/* SPDX-License-Identifier: MIT */
/*
 * No allocation the library makes leaves it broken: allocation N of a first
 * server create, client create, connect and accept fails (the fault shim,
 * UDO_FAULT="alloc:ENOMEM:after=N:times=1"), for N = 0, 1, 2 ... until a run
 * in which none was left to fail. Each failing call says why (errno and the
 * context's message), nothing leaks (fds here, memory under the
 * --enable-sanitizers build's LeakSanitizer), and the same steps then
 * succeed. Each N runs in a child of its own (t/fault/child.h), on tcp.
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

/* A child whose fault never fired: the sweep has reached its end. */
#define SWEEP_DONE 3
#define SWEEP_MAX 2000

static const struct udo_vsock_tcp_server_create_info server_info = {
	.vcid = T_CID, .port = -1, .connections = 8,
};

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
	void *smem = t_fault_context_memory(), *cmem = t_fault_context_memory();
	struct udo_vsock_tcp *s, *c = NULL, *s2, *c2;
	int before = t_count_fds(), fd = -1, r = -1, err = 0;

	t_fault_arm();
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
	t_fault_disarm();
	if (udo_fault_hits("alloc") == 0)
		t_fault_passed_status = SWEEP_DONE;
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

/* Allocation N fails, for N = 0, 1, 2 ... until a run with none left. */
static void run_sweep(void **state)
{
	const struct t_fault_case *c = *state;
	char fault[64];
	int n, status = 0;

	for (n = 0; n < SWEEP_MAX; n++) {
		snprintf(fault, sizeof(fault), "alloc:ENOMEM:after=%d:times=1", n);
		status = t_fault_case_child(c, fault);
		if (status == SWEEP_DONE)
			break;
		if (status != 0)
			fail_msg("case %s (UDO_FAULT=%s) failed: exit status %d (see above)",
			         c->name, fault, status);
	}
	fprintf(stderr, "# allocation sweep: %d allocations, each made to fail once\n", n);
	assert_true(n > 0 && n < SWEEP_MAX);
}

static const struct t_fault_case cases[] = {
	{ "allocation_sweep", NULL, "UDO_VSOCK_TCP_TRANSPORT=tcp", allocation_sweep_step,
	  run_sweep },
};

int main(int argc, char **argv)
{
	return t_fault_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
