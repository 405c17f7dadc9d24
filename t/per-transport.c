/* SPDX-License-Identifier: MIT */
/*
 * The transport under test, given to the library in opts (never through
 * the process environment), and the runner that repeats a suite's cases
 * once per transport.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *under_test;
static char *hybrid_uds;

const char *t_under_test(void)
{
	return under_test;
}

void t_use_transport(const char *name)
{
	under_test = name;
}

void t_set_hybrid_uds(const char *map)
{
	free(hybrid_uds);
	hybrid_uds = map ? strdup(map) : NULL;
	if (map && !hybrid_uds)
		fail_msg("strdup: %s", strerror(errno));
}

struct udo_vsock_tcp_opts t_opts(int type)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = under_test;
	o.type = type;
	if (under_test && !strcmp(under_test, "hybrid"))
		o.hybrid_uds = hybrid_uds;
	return o;
}

void t_assert_under_test(struct udo_vsock_tcp *ctx)
{
	const char *got = udo_vsock_tcp_get_transport(ctx);

	if (under_test && (!got || strcmp(got, under_test)))
		fail_msg("a context meant for %s is on %s", under_test, got ? got : "(none)");
}

struct udo_vsock_tcp *t_server_create(void *mem,
                                      const struct udo_vsock_tcp_server_create_info *info,
                                      int type)
{
	struct udo_vsock_tcp_opts o = t_opts(type);

	return udo_vsock_tcp_server_create_opts(mem, info, &o);
}

struct udo_vsock_tcp *t_client_create(void *mem,
                                      const struct udo_vsock_tcp_client_create_info *info,
                                      int type)
{
	struct udo_vsock_tcp_opts o = t_opts(type);

	return udo_vsock_tcp_client_create_opts(mem, info, &o);
}

static const struct {
	unsigned int bit;
	const char *name;
} transports[] = {
	{ T_TCP, "tcp" }, { T_UNIX, "unix" }, { T_HYBRID, "hybrid" }, { T_VSOCK, "vsock" },
};

/* Why transport cannot run here; NULL when it can. */
static const char *missing(unsigned int bit)
{
	if (bit == T_VSOCK && !t_have_vsock_loopback())
		return getenv("UDO_VM_GUEST") ? NULL /* the guest must have it: its cases fail */
		                              : "this machine serves no vsock loopback "
		                                "(make check-vm's guest does)";
	return NULL;
}

/* What one case on one transport needs: cmocka hands it to the setup
 * below as the initial state, which puts the case's own state back. */
struct on_transport {
	const char *transport;
	CMFixtureFunction setup;
	void *state;
};

static int on_transport(void **state)
{
	const struct on_transport *on = *state;

	under_test = on->transport;
	*state = on->state;
	return on->setup ? on->setup(state) : 0;
}

static void not_here(void **state)
{
	(void) state;
	skip();
}

int t_run_transports(const char *name, const struct CMUnitTest *tests, size_t count,
                     unsigned int set)
{
	size_t nt = sizeof(transports) / sizeof(transports[0]), total = 0, i, j, k = 0;
	struct CMUnitTest *all;
	struct on_transport *on;
	int rc;

	for (i = 0; i < nt; i++)
		if (set & transports[i].bit)
			total += count;
	all = calloc(total ? total : 1, sizeof(*all));
	on = calloc(total ? total : 1, sizeof(*on));
	if (!all || !on) {
		fprintf(stderr, "%s: out of memory\n", name);
		return 1;
	}
	for (i = 0; i < nt; i++) {
		const char *why;

		if (!(set & transports[i].bit))
			continue;
		why = missing(transports[i].bit);
		if (why)
			printf("# %s: skipped, %s\n", transports[i].name, why);
		for (j = 0; j < count; j++, k++) {
			char *label;

			if (asprintf(&label, "%s on %s", tests[j].name, transports[i].name) < 0) {
				fprintf(stderr, "%s: out of memory\n", name);
				return 1;
			}
			all[k].name = label;
			on[k] = (struct on_transport) { transports[i].name, tests[j].setup_func,
			                                tests[j].initial_state };
			if (why) {
				all[k].test_func = not_here;
				continue;
			}
			all[k].test_func = tests[j].test_func;
			all[k].setup_func = on_transport;
			all[k].teardown_func = tests[j].teardown_func;
			all[k].initial_state = &on[k];
		}
	}
	rc = t_run(name, all, total);
	for (k = 0; k < total; k++)
		free((char *) all[k].name);
	free(all);
	free(on);
	t_set_hybrid_uds(NULL);
	return rc;
}
