/* SPDX-License-Identifier: MIT */
/* The tcp transport's CID map, its loopback-by-default binding, its port
 * rules, and plain TCP on the wire. The transport is tcp, given in opts. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* The map as users give it, in the variable its messages name (the
 * field opts.tcp_map: t/opts-fields, t/resolved-once). */
#define MAP "UDO_VSOCK_TCP_MAP"

static int clear_map(void **state)
{
	unsetenv(MAP);
	return 0;
}

static void *ctx_mem(void)
{
	return test_malloc((size_t) udo_vsock_tcp_get_sizeof());
}

static void malformed_maps_fail_create_quoting_the_entry(void **state)
{
	static const struct { const char *map, *quoted; } bad[] = {
		{ "3", "\"3\"" },
		{ "x=127.0.0.1", "\"x=127.0.0.1\"" },
		{ "3=", "\"3=\"" },
		{ "=127.0.0.1", "\"=127.0.0.1\"" },
		{ "3=999.1.1.1", "\"3=999.1.1.1\"" },
		{ "3=[::1", "\"3=[::1\"" },
		{ "3=::1", "\"3=::1\"" },
		{ "3=[127.0.0.1]", "\"3=[127.0.0.1]\"" },
		{ "4294967296=127.0.0.1", "\"4294967296=127.0.0.1\"" },
		{ "-2=127.0.0.1", "\"-2=127.0.0.1\"" },
		{ "3=bad host", "\"3=bad host\"" },
		{ "1=127.0.0.1,1=127.0.0.2", "mapped twice" },
		{ "5=127.0.0.1,,6=127.0.0.1", "\"\"" },
		{ "5=127.0.0.1,", "\"\"" },
	};
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	void *mem = ctx_mem();
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv(MAP, bad[i].map, 1);
		assert_null(t_client_create(mem, &ci, 0));
		t_assert_error(mem, EINVAL, bad[i].quoted);
		t_assert_error(mem, EINVAL, MAP);
	}
	test_free(mem);
}

static void malformed_map_fails_server_create_too(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	void *mem = ctx_mem();

	setenv(MAP, "1=127.0.0.1;2=127.0.0.1", 1);
	assert_null(t_server_create(mem, &si, 0));
	t_assert_error(mem, EINVAL, "1=127.0.0.1;2=127.0.0.1");
	test_free(mem);
}

static void unmapped_cid_fails_with_ehostunreach(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 42, .port = 5000 };
	void *mem = ctx_mem();

	errno = 0;
	assert_null(t_client_create(mem, &ci, 0));
	assert_int_equal(errno, EHOSTUNREACH);
	t_assert_error(mem, EHOSTUNREACH, "CID 42");
	t_assert_error(mem, EHOSTUNREACH, MAP);
	test_free(mem);
}

static void server_on_unmapped_cid_fails_with_eaddrnotavail(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 42, .port = -1 };
	void *mem = ctx_mem();

	assert_null(t_server_create(mem, &si, 0));
	t_assert_error(mem, EADDRNOTAVAIL, "CID 42");
	test_free(mem);
}

static void ports_above_65535_are_refused_not_truncated(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 65536 + 80 };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = 99999999 };
	void *mem = ctx_mem();

	assert_null(t_client_create(mem, &ci, 0));
	t_assert_error(mem, EINVAL, "65616");
	assert_null(t_server_create(mem, &si, 0));
	t_assert_error(mem, EINVAL, "out of range");
	ci.port = 65535;
	assert_non_null(t_client_create(mem, &ci, 0));
	udo_vsock_tcp_destroy(mem);
	test_free(mem);
}

/* vsock ports are 32-bit: the API's int carries all of them, so a message
 * prints the port unsigned, as the caller meant it. */
static void ports_above_int_max_read_unsigned_in_messages(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = (int) 4294967294u };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = (int) 2147483648u };
	void *mem = ctx_mem();

	assert_null(t_client_create(mem, &ci, 0));
	t_assert_error(mem, EINVAL, "connect to tcp 1:4294967294: port out of range");
	assert_null(t_server_create(mem, &si, 0));
	t_assert_error(mem, EINVAL, "bind to tcp 1:2147483648: port out of range");
	ci.port = (int) 2147483648u;
	assert_null(t_client_create(mem, &ci, 0));
	t_assert_error(mem, EINVAL, "connect to tcp 1:2147483648: port out of range");
	test_free(mem);
}

static void negative_ports_are_refused(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -2 };
	void *mem = ctx_mem();

	assert_null(t_client_create(mem, &ci, 0));
	t_assert_error(mem, EINVAL, "port");
	assert_null(t_server_create(mem, &si, 0));
	t_assert_error(mem, EINVAL, "port");
	test_free(mem);
}

/* Round trip between a server on scid and a client for ccid. */
static void round_trip(uint32_t scid, uint32_t ccid, int family)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = scid, .port = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = ccid };
	struct udo_vsock_tcp *s = t_server_create(NULL, &si, 0), *c;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sockaddr_vm peer;
	char buf[4];
	int conn;

	if (!s)
		fail_msg("server on CID %u: %s", scid, strerror(errno));
	assert_int_equal(getsockname(udo_vsock_tcp_get_fd(s), (struct sockaddr *) &ss, &len), 0);
	assert_int_equal(ss.ss_family, family);
	ci.port = udo_vsock_tcp_get_port(s);
	c = t_client_create(NULL, &ci, 0);
	assert_non_null(c);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect: %s", udo_log_get_error(c));
	conn = udo_vsock_tcp_server_accept(s, &peer);
	assert_true(conn >= 0);
	/* A loopback peer maps back to CID 1. */
	assert_int_equal(peer.svm_cid, VMADDR_CID_LOCAL);
	t_send_all(udo_vsock_tcp_get_fd(c), "map!", 4);
	t_recv_all(conn, buf, 4);
	assert_memory_equal(buf, "map!", 4);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void mapped_cid_reaches_its_ipv4_address(void **state)
{
	setenv(MAP, " 42 = 127.0.0.1 , 43=127.0.0.1", 1);
	round_trip(42, 42, AF_INET);
	round_trip(43, 42, AF_INET);
}

static void mapped_cid_reaches_its_ipv6_address(void **state)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 lo = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	bool have_v6 = fd >= 0 && bind(fd, (struct sockaddr *) &lo, sizeof(lo)) == 0;

	if (fd >= 0)
		close(fd);
	if (!have_v6)
		skip();
	setenv(MAP, "42=[::1]", 1);
	round_trip(42, 42, AF_INET6);
}

static void default_cids_1_2_and_local_map_to_loopback(void **state)
{
	uint32_t local = udo_vsock_tcp_get_local_vcid();

	round_trip(VMADDR_CID_LOCAL, VMADDR_CID_HOST, AF_INET);
	if (local != UINT32_MAX && local > VMADDR_CID_HOST)
		round_trip(local, VMADDR_CID_LOCAL, AF_INET);
}

static void any_binds_loopback_unless_the_map_says_otherwise(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_ANY, .port = -1 };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct udo_vsock_tcp *s = t_server_create(NULL, &si, 0);

	assert_non_null(s);
	assert_int_equal(getsockname(udo_vsock_tcp_get_fd(s), (struct sockaddr *) &sin, &len), 0);
	assert_int_equal(ntohl(sin.sin_addr.s_addr), INADDR_LOOPBACK);
	udo_vsock_tcp_destroy(s);

	setenv(MAP, "any=0.0.0.0", 1);
	s = t_server_create(NULL, &si, 0);
	assert_non_null(s);
	len = sizeof(sin);
	assert_int_equal(getsockname(udo_vsock_tcp_get_fd(s), (struct sockaddr *) &sin, &len), 0);
	assert_int_equal(ntohl(sin.sin_addr.s_addr), INADDR_ANY);
	udo_vsock_tcp_destroy(s);
}

static void plain_tcp_client_talks_to_a_library_server(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct sockaddr_in sin = { .sin_family = AF_INET,
	                           .sin_port = htons((uint16_t) udo_vsock_tcp_get_port(s)),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), conn;
	char buf[5];

	assert_int_equal(connect(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	conn = t_accept(s);
	assert_int_equal(write(fd, "plain", 5), 5);
	t_recv_all(conn, buf, 5);
	/* No framing: exactly the bytes the plain client wrote. */
	assert_memory_equal(buf, "plain", 5);
	close(fd);
	close(conn);
	udo_vsock_tcp_destroy(s);
}

static void library_client_talks_to_a_plain_tcp_server(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), conn;
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	struct udo_vsock_tcp *c;
	char buf[3];

	assert_int_equal(bind(lfd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *) &sin, &len), 0);
	ci.port = ntohs(sin.sin_port);
	c = t_client_create(NULL, &ci, 0);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = accept(lfd, NULL, NULL);
	assert_true(conn >= 0);
	assert_int_equal(udo_vsock_tcp_client_send_data(c, "raw", 3, NULL), 3);
	assert_int_equal(read(conn, buf, 3), 3);
	assert_memory_equal(buf, "raw", 3);
	close(conn);
	close(lfd);
	udo_vsock_tcp_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(malformed_maps_fail_create_quoting_the_entry, clear_map),
		cmocka_unit_test_teardown(malformed_map_fails_server_create_too, clear_map),
		cmocka_unit_test_teardown(unmapped_cid_fails_with_ehostunreach, clear_map),
		cmocka_unit_test_teardown(server_on_unmapped_cid_fails_with_eaddrnotavail, clear_map),
		cmocka_unit_test_teardown(ports_above_65535_are_refused_not_truncated, clear_map),
		cmocka_unit_test_teardown(ports_above_int_max_read_unsigned_in_messages, clear_map),
		cmocka_unit_test_teardown(negative_ports_are_refused, clear_map),
		cmocka_unit_test_teardown(mapped_cid_reaches_its_ipv4_address, clear_map),
		cmocka_unit_test_teardown(mapped_cid_reaches_its_ipv6_address, clear_map),
		cmocka_unit_test_teardown(default_cids_1_2_and_local_map_to_loopback, clear_map),
		cmocka_unit_test_teardown(any_binds_loopback_unless_the_map_says_otherwise, clear_map),
		cmocka_unit_test_teardown(plain_tcp_client_talks_to_a_library_server, clear_map),
		cmocka_unit_test_teardown(library_client_talks_to_a_plain_tcp_server, clear_map),
	};

	/* These are the tcp transport's rules, whatever the suite runs on. */
	t_use_transport("tcp");
	unsetenv(MAP);
	return T_RUN(tests);
}
