/* SPDX-License-Identifier: MIT */
/*
 * The hybrid transport's host-to-guest handshake against a fake VMM that
 * behaves as Firecracker and cloud-hypervisor document: "CONNECT <port>\n",
 * then "OK <host_port>\n" or the VMM closing the socket.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "hybrid-peer.h"

#define GUEST 7 /* the CID of the fake VMM's guest */

static char uds[80]; /* leaves room for "_<port>" in sun_path */

/* The transport and the map the creates give in opts (NULL: "auto" and no
 * map), so the guest's UDO_VSOCK_TCP_TRANSPORT does not matter here. */
static const char *on;
static char map[200];

static void use(const char *transport)
{
	on = transport;
	snprintf(map, sizeof(map), "%d=%s", GUEST, uds);
}

static struct udo_vsock_tcp_opts opts(void)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = on ? on : "auto";
	o.hybrid_uds = map[0] ? map : NULL;
	return o;
}

static struct udo_vsock_tcp *client_mem(void *mem,
                                        const struct udo_vsock_tcp_client_create_info *info)
{
	struct udo_vsock_tcp_opts o = opts();

	return udo_vsock_tcp_client_create_opts(mem, info, &o);
}

static struct udo_vsock_tcp *server_mem(void *mem,
                                        const struct udo_vsock_tcp_server_create_info *info)
{
	struct udo_vsock_tcp_opts o = opts();

	return udo_vsock_tcp_server_create_opts(mem, info, &o);
}

static struct udo_vsock_tcp *client(uint32_t cid, int port)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = cid, .port = port };
	struct udo_vsock_tcp *c = client_mem(NULL, &info);

	if (!c)
		fail_msg("hybrid client for %u:%d: %s", cid, port, strerror(errno));
	return c;
}

/* A client whose connect to the fake VMM in mode fails: errno, message. */
static void connect_fails(enum t_vmm_mode mode, int want_errno, const char *want_text)
{
	struct udo_vsock_tcp *c;
	struct t_vmm vmm;

	t_vmm_start(&vmm, uds, mode);
	c = client(GUEST, 5000);
	udo_vsock_tcp_set_connect_timeout(c, 30000); /* a broken VMM never hangs the suite */
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, want_errno);
	assert_int_equal(udo_log_get_error_code(c), want_errno);
	if (!strstr(udo_log_get_error(c), want_text))
		fail_msg("message \"%s\" lacks \"%s\"", udo_log_get_error(c), want_text);
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
}

static void acknowledged_connect_is_a_plain_byte_stream(void **state)
{
	struct udo_vsock_tcp_server_create_info sinfo = { .vcid = GUEST, .port = -1 };
	struct udo_vsock_tcp *s, *c;
	struct t_vmm vmm;
	char buf[4];
	int fd;

	/* The guest's listener is a hybrid server: the loopback VMM reaches it. */
	s = server_mem(NULL, &sinfo);
	assert_non_null(s);
	t_vmm_start(&vmm, uds, T_VMM_FORWARD);
	c = client(GUEST, udo_vsock_tcp_get_port(s));
	assert_string_equal(udo_vsock_tcp_get_transport(c), "hybrid");
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	assert_string_equal(udo_log_get_error(c), "");
	/* The handshake's steps ran non-blocking; the stream blocks as usual. */
	assert_int_equal(fcntl(udo_vsock_tcp_get_fd(c), F_GETFL) & O_NONBLOCK, 0);
	fd = t_accept(s);
	t_send_all(udo_vsock_tcp_get_fd(c), "ping", 4);
	t_recv_all(fd, buf, 4);
	assert_memory_equal(buf, "ping", 4);
	t_send_all(fd, "pong", 4);
	t_recv_all(udo_vsock_tcp_get_fd(c), buf, 4);
	assert_memory_equal(buf, "pong", 4);
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	t_vmm_stop(&vmm);
}

static void bytes_after_the_acknowledgement_belong_to_the_stream(void **state)
{
	struct udo_vsock_tcp *c;
	struct t_vmm vmm;
	char buf[16];

	t_vmm_start(&vmm, uds, T_VMM_ACK_AND_DATA);
	c = client(GUEST, 5000);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	t_recv_all(udo_vsock_tcp_get_fd(c), buf, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(c), buf, sizeof(buf), NULL), 0);
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
}

static void refusal_is_econnrefused_quoting_the_empty_reply(void **state)
{
	connect_fails(T_VMM_REFUSE, ECONNREFUSED,
	              "closed the connection without acknowledging \"CONNECT 5000\" (received \"\"");
}

static void early_close_is_econnrefused(void **state)
{
	connect_fails(T_VMM_EARLY_CLOSE, ECONNREFUSED, "the VMM closed the connection");
}

static void garbage_reply_is_eproto_quoting_it(void **state)
{
	connect_fails(T_VMM_GARBAGE, EPROTO, "malformed acknowledgement \"ERROR what?\\n\"");
}

static void truncated_reply_is_eproto_quoting_it(void **state)
{
	connect_fails(T_VMM_TRUNCATED, EPROTO, "in the middle of its reply (received \"OK 10\"");
}

static void endless_reply_is_eproto_after_32_bytes(void **state)
{
	connect_fails(T_VMM_LONG, EPROTO,
	              "malformed acknowledgement \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"...");
}

static void slow_reply_times_out_with_etimedout(void **state)
{
	struct udo_vsock_tcp *c;
	struct t_vmm vmm;
	int before;

	t_vmm_start(&vmm, uds, T_VMM_SILENT);
	c = client(GUEST, 5000);
	assert_int_equal(udo_vsock_tcp_set_connect_timeout(c, 100), 0);
	before = t_count_fds();
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_non_null(strstr(udo_log_get_error(c), "no acknowledgement within 100 ms"));
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
}

static void timeout_from_the_environment_applies(void **state)
{
	struct udo_vsock_tcp *c;
	struct t_vmm vmm;

	t_vmm_start(&vmm, uds, T_VMM_SILENT);
	/* The variable is what this test is about. */
	setenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS", "50", 1);
	c = client(GUEST, 5000);
	unsetenv("UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS");
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_non_null(strstr(udo_log_get_error(c), "within 50 ms"));
	udo_vsock_tcp_destroy(c);
	t_vmm_stop(&vmm);
}

/* A VMM that never accepts: once its backlog is full a connect waits, and
 * the timeout bounds that wait too. */
static void vmm_that_never_accepts_times_out(void **state)
{
	struct udo_vsock_tcp *c[4];
	struct t_vmm vmm;
	bool waited_in_connect = false;
	int i;

	t_vmm_start(&vmm, uds, T_VMM_STUCK);
	for (i = 0; i < 4; i++) {
		c[i] = client(GUEST, 5000);
		assert_int_equal(udo_vsock_tcp_set_connect_timeout(c[i], 50), 0);
		assert_int_equal(udo_vsock_tcp_client_connect(c[i]), -1);
		assert_int_equal(errno, ETIMEDOUT);
		if (strstr(udo_log_get_error(c[i]), "did not take the connection within 50 ms"))
			waited_in_connect = true;
	}
	assert_true(waited_in_connect);
	for (i = 0; i < 4; i++)
		udo_vsock_tcp_destroy(c[i]);
	t_vmm_stop(&vmm);
}

static void refused_connect_leaks_nothing_and_can_be_retried(void **state)
{
	struct udo_vsock_tcp_server_create_info sinfo = { .vcid = GUEST, .port = 5001 };
	struct udo_vsock_tcp *s, *c;
	struct t_vmm vmm;
	int before, i, fd;

	/* The loopback VMM refuses while nobody listens on the guest's port 5001. */
	t_vmm_start(&vmm, uds, T_VMM_FORWARD);
	c = client(GUEST, 5001);
	before = t_count_fds();
	for (i = 0; i < 20; i++) {
		assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
		assert_int_equal(errno, ECONNREFUSED);
	}
	assert_int_equal(t_count_fds(), before);
	s = server_mem(NULL, &sinfo);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	fd = t_accept(s);
	close(fd);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	t_vmm_stop(&vmm);
}

static void missing_vmm_socket_names_the_path(void **state)
{
	struct udo_vsock_tcp *c = client(GUEST, 5000);
	int before = t_count_fds();

	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(udo_log_get_error(c), uds));
	assert_non_null(strstr(udo_log_get_error(c), "connect to hybrid 7:5000 via"));
	assert_int_equal(t_count_fds(), before);
	udo_vsock_tcp_destroy(c);
}

static void unconfigured_cid_is_ehostunreach_naming_the_field(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = 8, .port = 5000 };
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	int before = t_count_fds();

	assert_null(client_mem(mem, &info));
	assert_int_equal(errno, EHOSTUNREACH);
	assert_non_null(strstr(udo_log_get_error(mem), "opts.hybrid_uds=\"8="));
	assert_int_equal(t_count_fds(), before);
	free(mem);
}

static void malformed_map_is_einval_quoting_the_entry(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = GUEST, .port = 5000 };
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	const char *modes[] = { "hybrid", NULL };
	int i;

	for (i = 0; i < 2; i++) {
		use(modes[i]); /* hybrid, then auto: never ignored */
		snprintf(map, sizeof(map), "7=/run/v.sock,seven=/x");
		assert_null(client_mem(mem, &info));
		assert_int_equal(errno, EINVAL);
		assert_non_null(strstr(udo_log_get_error(mem), "bad entry \"seven=/x\""));
	}
	use("hybrid");
	free(mem);
}

static void client_on_port_minus_one_is_einval(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = GUEST, .port = -1 };

	assert_null(client_mem(NULL, &info));
	assert_int_equal(errno, EINVAL);
}

static void auto_picks_hybrid_for_a_configured_cid(void **state)
{
	struct udo_vsock_tcp *c;

	use(NULL);
	c = client(GUEST, 5000);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "hybrid");
	udo_vsock_tcp_destroy(c);
	use("hybrid");
}

static void auto_is_unchanged_for_other_cids(void **state)
{
	struct udo_vsock_tcp *c;
	char without[16];

	use(NULL);
	map[0] = '\0';
	c = client(T_CID, 1);
	snprintf(without, sizeof(without), "%s", udo_vsock_tcp_get_transport(c));
	udo_vsock_tcp_destroy(c);
	use(NULL);
	c = client(T_CID, 1);
	assert_string_equal(udo_vsock_tcp_get_transport(c), without);
	udo_vsock_tcp_destroy(c);
	use("hybrid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unconfigured_cid_is_ehostunreach_naming_the_field),
		cmocka_unit_test(malformed_map_is_einval_quoting_the_entry),
		cmocka_unit_test(client_on_port_minus_one_is_einval),
		cmocka_unit_test(missing_vmm_socket_names_the_path),
		cmocka_unit_test(refusal_is_econnrefused_quoting_the_empty_reply),
		cmocka_unit_test(early_close_is_econnrefused),
		cmocka_unit_test(garbage_reply_is_eproto_quoting_it),
		cmocka_unit_test(truncated_reply_is_eproto_quoting_it),
		cmocka_unit_test(endless_reply_is_eproto_after_32_bytes),
		cmocka_unit_test(slow_reply_times_out_with_etimedout),
		cmocka_unit_test(timeout_from_the_environment_applies),
		cmocka_unit_test(vmm_that_never_accepts_times_out),
		cmocka_unit_test(refused_connect_leaks_nothing_and_can_be_retried),
		cmocka_unit_test(acknowledged_connect_is_a_plain_byte_stream),
		cmocka_unit_test(bytes_after_the_acknowledgement_belong_to_the_stream),
		cmocka_unit_test(auto_picks_hybrid_for_a_configured_cid),
		cmocka_unit_test(auto_is_unchanged_for_other_cids),
	};
	int r;

	snprintf(uds, sizeof(uds), "%s", t_tmp_path("v.sock"));
	use("hybrid");
	r = T_RUN(tests);
	t_tmp_cleanup();
	return r;
}
