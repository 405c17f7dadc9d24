/* SPDX-License-Identifier: MIT */
/*
 * struct udo_vsock_tcp_opts, field by field from one table: a value given
 * in opts is checked as its variable is (same errno) and the message names
 * the field and quotes the value escaped; opts wins over the variable,
 * which wins over the default; a variable is neither read nor checked for
 * a field opts gives, nor at all with UDO_VSOCK_TCP_OPT_NO_ENV. Then the
 * struct's own rules: size, trailing bytes, flags, opts NULL. Precedence
 * over the variables is what it tests, so it sets them (setenv).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define VAR(name) "UDO_VSOCK_TCP_" name

struct field {
	const char *name;       /* as messages name it */
	const char *var;        /* its variable, or NULL */
	const char *transport;  /* a transport whose create checks it (NULL: any) */
	uint32_t cid;           /* the CID the creates ask for */
	void (*give_bad)(struct udo_vsock_tcp_opts *o);
	void (*give_good)(struct udo_vsock_tcp_opts *o);
	const char *bad_quoted; /* the bad value as the message shows it */
	const char *var_bad;    /* a malformed value of the variable */
	const char *var_quoted; /* ... as the message shows it */
	int code;
};

static void bad_transport(struct udo_vsock_tcp_opts *o) { o->transport = "carrier\npigeon"; }
static void good_transport(struct udo_vsock_tcp_opts *o) { o->transport = "tcp"; }
static void bad_type(struct udo_vsock_tcp_opts *o) { o->type = 99; }
static void good_type(struct udo_vsock_tcp_opts *o) { o->type = SOCK_STREAM | SOCK_CLOEXEC; }
static void bad_timeout(struct udo_vsock_tcp_opts *o) { o->connect_timeout_ms = 2147483648u; }
static void good_timeout(struct udo_vsock_tcp_opts *o) { o->connect_timeout_ms = INT_MAX; }
static void bad_wait(struct udo_vsock_tcp_opts *o) { o->connect_wait_ms = UINT_MAX; }
static void good_wait(struct udo_vsock_tcp_opts *o) { o->connect_wait_ms = 1; }
static void bad_map(struct udo_vsock_tcp_opts *o) { o->tcp_map = "42=\x1b[31m"; }
static void good_map(struct udo_vsock_tcp_opts *o) { o->tcp_map = "42=127.0.0.1"; }
static void bad_uds(struct udo_vsock_tcp_opts *o) { o->hybrid_uds = "sev\x01" "en=/x"; }
static const char good_uds_text[] = "42=/nonexistent/vm.sock";
static void good_uds(struct udo_vsock_tcp_opts *o) { o->hybrid_uds = good_uds_text; }

static const struct field fields[] = {
	{ "opts.transport", VAR("TRANSPORT"), NULL, VMADDR_CID_LOCAL, bad_transport,
	  good_transport, "opts.transport=\"carrier\\npigeon\"", "x\x7f",
	  VAR("TRANSPORT") "=\"x\\x7f\"", EINVAL },
	{ "opts.type", NULL, "tcp", VMADDR_CID_LOCAL, bad_type, good_type,
	  "opts.type 99", NULL, NULL, EINVAL },
	{ "opts.connect_timeout_ms", VAR("CONNECT_TIMEOUT_MS"), "tcp", VMADDR_CID_LOCAL,
	  bad_timeout, good_timeout, "opts.connect_timeout_ms=2147483648", "1\x1b",
	  VAR("CONNECT_TIMEOUT_MS") "=\"1\\x1b\"", EINVAL },
	{ "opts.connect_wait_ms", VAR("CONNECT_WAIT_MS"), "tcp", VMADDR_CID_LOCAL,
	  bad_wait, good_wait, "opts.connect_wait_ms=4294967295", "-1",
	  VAR("CONNECT_WAIT_MS") "=\"-1\"", EINVAL },
	{ "opts.tcp_map", VAR("MAP"), "tcp", 42, bad_map, good_map,
	  "opts.tcp_map: bad entry \"42=\\x1b[31m\"", "42=\x01",
	  VAR("MAP") ": bad entry \"42=\\x01\"", EINVAL },
	{ "opts.hybrid_uds", VAR("UDS"), "hybrid", 42, bad_uds, good_uds,
	  "opts.hybrid_uds: bad entry \"sev\\x01en=/x\"", "42",
	  VAR("UDS") ": bad entry \"42\"", EINVAL },
};
#define FIELDS (sizeof(fields) / sizeof(fields[0]))

static void *mem;

static int setup(void **state)
{
	mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	size_t i;

	for (i = 0; i < FIELDS; i++)
		if (fields[i].var)
			unsetenv(fields[i].var);
	free(mem);
	return 0;
}

/* Options for f's creates: its transport, nothing else. */
static struct udo_vsock_tcp_opts opts_for(const struct field *f)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = f->transport;
	return o;
}

/* Client (server: port -1) create into mem; true when it worked. */
static bool create(const struct field *f, bool server, const struct udo_vsock_tcp_opts *o)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = f->cid, .port = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = f->cid, .port = 5000 };
	struct udo_vsock_tcp *r;

	/* A server with a good VMM socket would bind next to it: not here. */
	if (server && o->hybrid_uds == good_uds_text)
		return true;
	r = server ? udo_vsock_tcp_server_create_opts(mem, &si, o)
	           : udo_vsock_tcp_client_create_opts(mem, &ci, o);
	if (!r)
		return false;
	udo_vsock_tcp_destroy(r);
	return true;
}

static void expect_failure(const struct field *f, bool server, const char *want)
{
	const char *msg = udo_log_get_error(mem);

	if (udo_log_get_error_code(mem) != (uint32_t) f->code || !strstr(msg, want))
		fail_msg("%s %s: expected %d and \"%s\", got %u \"%s\"", f->name,
		         server ? "server" : "client", f->code, want,
		         udo_log_get_error_code(mem), msg);
}

static void a_bad_value_in_opts_fails_naming_the_field_and_quoting_it(void **state)
{
	size_t i;
	int server;

	for (i = 0; i < FIELDS; i++) {
		for (server = 0; server < 2; server++) {
			struct udo_vsock_tcp_opts o = opts_for(&fields[i]);

			fields[i].give_bad(&o);
			errno = 0;
			if (create(&fields[i], server, &o))
				fail_msg("%s: a bad value was taken", fields[i].name);
			assert_int_equal(errno, fields[i].code);
			expect_failure(&fields[i], server, fields[i].bad_quoted);
		}
	}
}

static void a_malformed_variable_fails_only_creates_that_read_it(void **state)
{
	size_t i;
	int server;

	for (i = 0; i < FIELDS; i++) {
		const struct field *f = &fields[i];

		if (!f->var)
			continue;
		setenv(f->var, f->var_bad, 1);
		for (server = 0; server < 2; server++) {
			struct udo_vsock_tcp_opts o = opts_for(f);

			/* The variable gives the value: checked, quoted. */
			errno = 0;
			if (create(f, server, &o))
				fail_msg("%s=\"%s\" was taken", f->var, f->var_bad);
			assert_int_equal(errno, f->code);
			expect_failure(f, server, f->var_quoted);
			/* opts gives it: the variable is not checked. */
			f->give_good(&o);
			if (!create(f, server, &o))
				fail_msg("%s given, %s=\"%s\" set: %s", f->name, f->var, f->var_bad,
				         udo_log_get_error(mem));
			/* UDO_VSOCK_TCP_OPT_NO_ENV: no variable is read. */
			o = opts_for(f);
			o.transport = f->transport ? f->transport : "tcp";
			o.flags = UDO_VSOCK_TCP_OPT_NO_ENV;
			if (f->give_good == good_uds || f->give_good == good_map)
				f->give_good(&o); /* the CID needs a map; the variable's is bad */
			if (!create(f, server, &o))
				fail_msg("NO_ENV with %s=\"%s\": %s", f->var, f->var_bad,
				         udo_log_get_error(mem));
		}
		unsetenv(f->var);
	}
}

/* The address a tcp server on CID 42 binds with o. */
static void server_42_binds(const struct udo_vsock_tcp_opts *o, const char *want)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create_opts(NULL, &si, o);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char got[INET_ADDRSTRLEN];

	if (!s)
		fail_msg("server on CID 42: %s", strerror(errno));
	assert_int_equal(getsockname(udo_vsock_tcp_get_fd(s), (struct sockaddr *) &sin, &len), 0);
	assert_non_null(inet_ntop(AF_INET, &sin.sin_addr, got, sizeof(got)));
	assert_string_equal(got, want);
	udo_vsock_tcp_destroy(s);
}

static void opts_wins_over_the_variable_which_wins_over_the_default(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	struct udo_vsock_tcp *c;

	/* A tcp port nobody listens on (a vsock port may be above 65535). */
	o.transport = "tcp";
	c = udo_vsock_tcp_server_create_opts(NULL, &(struct udo_vsock_tcp_server_create_info) {
	                                             .vcid = T_CID, .port = -1 }, &o);
	assert_non_null(c);
	ci.port = udo_vsock_tcp_get_port(c);
	udo_vsock_tcp_destroy(c);

	/* The map: opts, the variable, then none (CID 42 unmapped). */
	o.tcp_map = "42=127.0.0.3";
	setenv(VAR("MAP"), "42=127.0.0.2", 1);
	server_42_binds(&o, "127.0.0.3");
	o.tcp_map = NULL;
	server_42_binds(&o, "127.0.0.2");
	unsetenv(VAR("MAP"));
	errno = 0;
	assert_null(udo_vsock_tcp_server_create_opts(NULL, &si, &o));
	assert_int_equal(errno, EADDRNOTAVAIL);

	/* The transport: opts, the variable, then auto (never unix for a stream). */
	setenv(VAR("TRANSPORT"), "unix", 1);
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "tcp");
	udo_vsock_tcp_destroy(c);
	o.transport = NULL;
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "unix");
	udo_vsock_tcp_destroy(c);
	unsetenv(VAR("TRANSPORT"));
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_string_not_equal(udo_vsock_tcp_get_transport(c), "unix");
	udo_vsock_tcp_destroy(c);

	/* The connect wait, as the failed connect's message reports it. */
	o.transport = "tcp";
	o.connect_wait_ms = 30;
	setenv(VAR("CONNECT_WAIT_MS"), "40", 1);
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_non_null(strstr(udo_log_get_error(c), "(connect wait 30 ms)"));
	udo_vsock_tcp_destroy(c);
	o.connect_wait_ms = 0;
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_non_null(strstr(udo_log_get_error(c), "(connect wait 40 ms)"));
	udo_vsock_tcp_destroy(c);
	unsetenv(VAR("CONNECT_WAIT_MS"));
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_null(strstr(udo_log_get_error(c), "connect wait"));
	udo_vsock_tcp_destroy(c);
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
		cmocka_unit_test_setup_teardown(
			a_bad_value_in_opts_fails_naming_the_field_and_quoting_it, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_malformed_variable_fails_only_creates_that_read_it, setup, teardown),
		cmocka_unit_test_setup_teardown(
			opts_wins_over_the_variable_which_wins_over_the_default, setup, teardown),
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
