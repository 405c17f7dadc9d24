/* SPDX-License-Identifier: MIT */
/*
 * What the environment says reaches a message escaped: a newline, ESC or DEL
 * in a variable never reaches the terminal raw (a newline would make a
 * two-line error, ESC starts a terminal control sequence). Each message
 * stays one printable line and shows the escapes instead. The variables
 * are what it tests, so it sets them (setenv), never opts.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* A newline, an ESC starting "clear the screen", a DEL. */
#define HOSTILE "\n\x1b[2J\x7f"

static const char *const vars[] = {
	"UDO_VSOCK_TCP_TRANSPORT", "UDO_VSOCK_TCP_MAP", "UDO_VSOCK_TCP_UDS",
	"UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS",
};

static int clear_env(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	return 0;
}

/* The context's error: EINVAL, one printable line, naming var, with the
 * hostile bytes shown as \n, \x1b and \x7f. */
static void assert_escaped(const void *ctx, const char *var)
{
	const char *msg = udo_log_get_error(ctx);
	const unsigned char *p;

	assert_int_equal(udo_log_get_error_code(ctx), EINVAL);
	for (p = (const unsigned char *) msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("byte 0x%02x at %zu in \"%s\"", *p, (size_t) (p - (const unsigned char *) msg), msg);
	if (!strstr(msg, var) || !strstr(msg, "\\n\\x1b[2J\\x7f"))
		fail_msg("expected %s and \\n\\x1b[2J\\x7f in \"%s\"", var, msg);
}

/* Both creates fail on this environment, with the escapes in the message. */
static void both_creates_escape(const char *var)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 42, .port = 5000 };
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = 5000 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());

	assert_null(udo_vsock_tcp_client_create(mem, &ci));
	assert_escaped(mem, var);
	assert_null(udo_vsock_tcp_server_create(mem, &si));
	assert_escaped(mem, var);
	test_free(mem);
}

static void transport_name_is_escaped(void **state)
{
	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp" HOSTILE, 1);
	both_creates_escape("UDO_VSOCK_TCP_TRANSPORT");
}

static void tcp_map_entry_is_escaped(void **state)
{
	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp", 1);
	setenv("UDO_VSOCK_TCP_MAP", "42=127.0.0.1" HOSTILE, 1);
	both_creates_escape("UDO_VSOCK_TCP_MAP");
	/* A bad CID as well as a bad host. */
	setenv("UDO_VSOCK_TCP_MAP", "4" HOSTILE "=127.0.0.1", 1);
	both_creates_escape("UDO_VSOCK_TCP_MAP");
}

static void uds_map_entry_is_escaped(void **state)
{
	setenv("UDO_VSOCK_TCP_TRANSPORT", "hybrid", 1);
	setenv("UDO_VSOCK_TCP_UDS", "42=/tmp/v.sock" HOSTILE, 1);
	both_creates_escape("UDO_VSOCK_TCP_UDS");
	/* "auto" reads the variable too. */
	setenv("UDO_VSOCK_TCP_TRANSPORT", "auto", 1);
	both_creates_escape("UDO_VSOCK_TCP_UDS");
}

static void connect_timeout_is_escaped(void **state)
{
	setenv("UDO_VSOCK_TCP_TRANSPORT", "tcp", 1);
	setenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS", "100" HOSTILE, 1);
	both_creates_escape("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(transport_name_is_escaped, clear_env),
		cmocka_unit_test_teardown(tcp_map_entry_is_escaped, clear_env),
		cmocka_unit_test_teardown(uds_map_entry_is_escaped, clear_env),
		cmocka_unit_test_teardown(connect_timeout_is_escaped, clear_env),
	};

	clear_env(NULL);
	return T_RUN(tests);
}
