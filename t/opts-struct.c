/* SPDX-License-Identifier: MIT */
/*
 * struct udo_vsock_tcp_opts itself, apart from its fields (t/opts-fields):
 * its size and trailing bytes follow the kernel's openat2 rules (too small
 * EINVAL, unknown non-zero trailing bytes E2BIG), unknown flags are EINVAL,
 * a non-blocking context refuses a connect timeout or wait, and opts NULL
 * is the plain create.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define VAR(name) "UDO_VSOCK_TCP_" name

/* The variables these cases set, unset around each. */
static const char *const vars[] = {
	VAR("TRANSPORT"), VAR("CONNECT_TIMEOUT_MS"), VAR("CONNECT_WAIT_MS"),
};

static void *mem;

static int setup(void **state)
{
	mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	free(mem);
	return 0;
}

/* A client create into mem with o; its errno (0 when it worked). */
static int client_errno(const void *o)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	struct udo_vsock_tcp *c;

	errno = 0;
	c = udo_vsock_tcp_client_create_opts(mem, &ci, o);
	if (!c)
		return errno;
	udo_vsock_tcp_destroy(c);
	return 0;
}

static void size_and_flags_follow_the_openat2_rules(void **state)
{
	struct {
		struct udo_vsock_tcp_opts o;
		uint64_t newer[2];
	} big = { .o = UDO_VSOCK_TCP_OPTS_INIT };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = "tcp";
	o.size = sizeof(o) - 1;
	assert_int_equal(client_errno(&o), EINVAL);
	assert_non_null(strstr(udo_log_get_error(mem), "opts.size"));
	o.size = 0;
	assert_int_equal(client_errno(&o), EINVAL);

	big.o.transport = "tcp";
	big.o.size = sizeof(big);
	assert_int_equal(client_errno(&big), 0);
	big.newer[1] = 1;
	assert_int_equal(client_errno(&big), E2BIG);
	assert_non_null(strstr(udo_log_get_error(mem), "newer <udo/vsock-tcp.h>"));
	big.newer[1] = 0;
	big.newer[0] = 1ull << 63;
	assert_int_equal(client_errno(&big), E2BIG);
	big.newer[0] = 0;
	/* Bytes past the given size are not the caller's: never read. */
	big.newer[1] = 1;
	big.o.size = sizeof(big.o) + sizeof(big.newer[0]);
	assert_int_equal(client_errno(&big), 0);

	/* Above a page, as the kernel's openat2: no struct a program built. */
	{
		struct udo_vsock_tcp_opts *huge = calloc(1, 8192);

		assert_non_null(huge);
		huge->size = 8192;
		huge->transport = "tcp";
		assert_int_equal(client_errno(huge), E2BIG);
		free(huge);
	}

	o.size = sizeof(o);
	o.flags = 1u << 2;
	assert_int_equal(client_errno(&o), EINVAL);
	assert_non_null(strstr(udo_log_get_error(mem), "opts.flags"));
	o.flags = 1u << 31;
	assert_int_equal(client_errno(&o), EINVAL);
	o.flags = UDO_VSOCK_TCP_OPT_NO_ENV | UDO_VSOCK_TCP_OPT_NONBLOCK;
	assert_int_equal(client_errno(&o), 0);
}

static void nonblock_refuses_a_timeout_or_wait_and_ignores_their_variables(void **state)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = "tcp";
	o.flags = UDO_VSOCK_TCP_OPT_NONBLOCK;
	o.connect_timeout_ms = 100;
	assert_int_equal(client_errno(&o), EINVAL);
	assert_non_null(strstr(udo_log_get_error(mem), "opts.connect_timeout_ms"));
	o.connect_timeout_ms = 0;
	o.connect_wait_ms = 100;
	assert_int_equal(client_errno(&o), EINVAL);
	assert_non_null(strstr(udo_log_get_error(mem), "opts.connect_wait_ms"));
	o.connect_wait_ms = 0;
	setenv(VAR("CONNECT_TIMEOUT_MS"), "malformed", 1);
	setenv(VAR("CONNECT_WAIT_MS"), "malformed", 1);
	assert_int_equal(client_errno(&o), 0);
}

static void opts_null_is_the_plain_create(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp *a, *b;

	setenv(VAR("TRANSPORT"), "unix", 1);
	a = udo_vsock_tcp_client_create_opts(NULL, &ci, NULL);
	b = udo_vsock_tcp_server_create_opts(NULL, &si, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(udo_vsock_tcp_get_transport(a), "unix");
	assert_string_equal(udo_vsock_tcp_get_transport(b), "unix");
	assert_int_equal(udo_vsock_tcp_get_type(a), SOCK_STREAM);
	udo_vsock_tcp_destroy(a);
	udo_vsock_tcp_destroy(b);
	setenv(VAR("TRANSPORT"), "carrier-pigeon", 1);
	errno = 0;
	assert_null(udo_vsock_tcp_client_create_opts(NULL, &ci, NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(udo_vsock_tcp_client_create_opts(mem, &ci, NULL));
	assert_non_null(strstr(udo_log_get_error(mem), VAR("TRANSPORT") "=\"carrier-pigeon\""));
	/* NULL info: NULL, as for every create. */
	errno = 0;
	assert_null(udo_vsock_tcp_client_create_opts(NULL, NULL, NULL));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(size_and_flags_follow_the_openat2_rules, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
			nonblock_refuses_a_timeout_or_wait_and_ignores_their_variables, setup,
			teardown),
		cmocka_unit_test_setup_teardown(opts_null_is_the_plain_create, setup, teardown),
	};

	teardown(NULL);
	mem = NULL;
	return T_RUN(tests);
}
