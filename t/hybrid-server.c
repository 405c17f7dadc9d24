/* SPDX-License-Identifier: MIT */
/*
 * The hybrid transport's guest-to-host side: the VMM forwards a guest's
 * connection to host port P to "<uds>_P", where a hybrid server for that
 * guest's CID and port listens.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "hybrid-peer.h"

#define GUEST 7

static char uds[80]; /* leaves room for "_<port>" in sun_path */

/* What the creates give in opts, so the guest's UDO_VSOCK_TCP_TRANSPORT
 * does not matter here: the transport (NULL: "auto") and the map. */
static const char *on = "hybrid";
static char map_in_use[400];

static void use_map(const char *map)
{
	if (map)
		snprintf(map_in_use, sizeof(map_in_use), "%s", map);
	else
		snprintf(map_in_use, sizeof(map_in_use), "%d=%s", GUEST, uds);
}

static struct udo_vsock_tcp_opts opts(void)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = on ? on : "auto";
	o.hybrid_uds = map_in_use;
	return o;
}

static struct udo_vsock_tcp *server_mem(void *mem,
                                        const struct udo_vsock_tcp_server_create_info *info)
{
	struct udo_vsock_tcp_opts o = opts();

	return udo_vsock_tcp_server_create_opts(mem, info, &o);
}

static struct udo_vsock_tcp *client_mem(void *mem,
                                        const struct udo_vsock_tcp_client_create_info *info)
{
	struct udo_vsock_tcp_opts o = opts();

	return udo_vsock_tcp_client_create_opts(mem, info, &o);
}

static struct udo_vsock_tcp *server(uint32_t cid, int port)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = cid, .port = port };

	return server_mem(NULL, &info);
}

static const char *port_path(int port)
{
	static char p[sizeof(((struct sockaddr_un *) 0)->sun_path)];

	snprintf(p, sizeof(p), "%.80s_%d", uds, port);
	return p;
}

static const char *port_path_u(unsigned int port)
{
	static char p[sizeof(((struct sockaddr_un *) 0)->sun_path)];

	snprintf(p, sizeof(p), "%.80s_%u", uds, port);
	return p;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static bool cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* A guest connects to host port `port`; the server accepts, bytes flow. */
static void guest_reaches(struct udo_vsock_tcp *s, int port)
{
	struct sockaddr_vm peer;
	int g = t_guest_connect(uds, port), fd;
	char buf[2];

	if (g < 0)
		fail_msg("guest connect to %s: %s", port_path(port), strerror(-g));
	memset(&peer, 0xff, sizeof(peer));
	fd = udo_vsock_tcp_server_accept(s, &peer);
	assert_true(fd >= 0);
	assert_true(cloexec(fd));
	assert_int_equal(peer.svm_family, AF_VSOCK);
	assert_int_equal(peer.svm_cid, GUEST);
	assert_int_equal(peer.svm_port, VMADDR_PORT_ANY);
	t_send_all(g, "hi", 2);
	t_recv_all(fd, buf, 2);
	assert_memory_equal(buf, "hi", 2);
	close(fd);
	close(g);
}

static void server_listens_on_the_uds_path_and_port(void **state)
{
	struct udo_vsock_tcp *s = server(GUEST, 5000);

	assert_non_null(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "hybrid");
	assert_int_equal(udo_vsock_tcp_get_port(s), 5000);
	assert_int_equal(udo_vsock_tcp_get_vcid(s), GUEST);
	assert_true(cloexec(udo_vsock_tcp_get_fd(s)));
	assert_true(is_socket(port_path(5000)));
	guest_reaches(s, 5000);
	udo_vsock_tcp_destroy(s);
}

static void accept_without_an_address_works(void **state)
{
	struct udo_vsock_tcp *s = server(GUEST, 5002);
	int g, fd;

	assert_non_null(s);
	g = t_guest_connect(uds, 5002);
	assert_true(g >= 0);
	fd = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(fd >= 0);
	close(fd);
	close(g);
	udo_vsock_tcp_destroy(s);
}

static void port_minus_one_picks_a_free_port(void **state)
{
	struct udo_vsock_tcp *a = server(GUEST, -1), *b = server(GUEST, -1);
	int pa, pb;

	assert_non_null(a);
	assert_non_null(b);
	pa = udo_vsock_tcp_get_port(a);
	pb = udo_vsock_tcp_get_port(b);
	assert_true(pa > 0);
	assert_true(pb > 0);
	assert_int_not_equal(pa, pb);
	assert_string_equal(udo_log_get_error(a), "");
	assert_true(is_socket(port_path(pa)));
	guest_reaches(a, pa);
	guest_reaches(b, pb);
	udo_vsock_tcp_destroy(a);
	udo_vsock_tcp_destroy(b);
}

static void socket_of_a_dead_server_is_replaced(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct udo_vsock_tcp *s;
	int dead = socket(AF_UNIX, SOCK_STREAM, 0);

	/* A server that died: its socket file stays, nobody listens. */
	memcpy(sun.sun_path, port_path(5003), sizeof(sun.sun_path));
	assert_int_equal(bind(dead, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(dead, 1), 0);
	close(dead);
	assert_int_equal(t_guest_connect(uds, 5003), -ECONNREFUSED);

	s = server(GUEST, 5003);
	if (!s)
		fail_msg("server over a stale socket: %s", strerror(errno));
	guest_reaches(s, 5003);
	udo_vsock_tcp_destroy(s);

	/* A destroyed server leaves a dead socket too: a restart takes it over. */
	s = server(GUEST, 5003);
	assert_non_null(s);
	guest_reaches(s, 5003);
	udo_vsock_tcp_destroy(s);
}

static void socket_still_served_is_never_removed(void **state)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = GUEST, .port = 5004 };
	struct udo_vsock_tcp *live = server(GUEST, 5004);
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	struct stat before, after;
	int fds = t_count_fds();

	assert_non_null(live);
	assert_int_equal(stat(port_path(5004), &before), 0);
	assert_null(server_mem(mem, &info));
	assert_int_equal(errno, EADDRINUSE);
	assert_non_null(strstr(udo_log_get_error(mem), "another server is listening there"));
	assert_int_equal(t_count_fds(), fds);
	assert_int_equal(stat(port_path(5004), &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	/* The probe's empty connection aside, the live server still serves. */
	close(udo_vsock_tcp_server_accept(live, NULL));
	guest_reaches(live, 5004);
	udo_vsock_tcp_destroy(live);
	free(mem);
}

static void file_that_is_not_a_socket_is_left_alone(void **state)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = GUEST, .port = 5005 };
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	char buf[8] = "";
	int fd = open(port_path(5005), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_null(server_mem(mem, &info));
	assert_int_equal(errno, EADDRINUSE);
	assert_non_null(strstr(udo_log_get_error(mem), "is not a socket"));
	fd = open(port_path(5005), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "keep", 4);
	close(fd);
	free(mem);
}

static void any_cid_serves_the_only_configured_guest(void **state)
{
	struct udo_vsock_tcp *s = server(VMADDR_CID_ANY, 5006);
	char two[400];

	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_vcid(s), VMADDR_CID_ANY);
	guest_reaches(s, 5006); /* the peer is CID 7 */
	udo_vsock_tcp_destroy(s);

	snprintf(two, sizeof(two), "7=%s,8=%s.8", uds, uds);
	use_map(two);
	assert_null(server(VMADDR_CID_ANY, 5007));
	assert_int_equal(errno, EADDRNOTAVAIL);
	use_map(NULL);
}

static void unconfigured_cid_is_eaddrnotavail(void **state)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = 9, .port = 5000 };
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());

	assert_null(server_mem(mem, &info));
	assert_int_equal(errno, EADDRNOTAVAIL);
	assert_non_null(strstr(udo_log_get_error(mem), "opts.hybrid_uds=\"9="));
	free(mem);
}

/* A message prints a port unsigned, and VMADDR_PORT_ANY as -1. */
static void messages_print_ports_unsigned_and_any_as_minus_one(void **state)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = 9, .port = -1 };
	struct udo_vsock_tcp *mem = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());

	assert_null(server_mem(mem, &info));
	assert_non_null(strstr(udo_log_get_error(mem), "bind to hybrid 9:-1: CID 9"));
	info.port = (int) 4294967294u;
	assert_null(server_mem(mem, &info));
	assert_non_null(strstr(udo_log_get_error(mem), "bind to hybrid 9:4294967294: CID 9"));
	free(mem);
}

static void path_too_long_for_a_socket_is_enametoolong(void **state)
{
	char map[200];

	/* 105 characters fit the map; with "_5000" they no longer fit sun_path. */
	snprintf(map, sizeof(map), "7=/%0104d", 0);
	use_map(map);
	assert_null(server(GUEST, 5000));
	assert_int_equal(errno, ENAMETOOLONG);
	use_map(NULL);
}

/* vsock ports are 32-bit: -2 is port 4294967294, on the path and the wire. */
static void ports_above_int_max_are_passed_on_as_32_bits(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = GUEST, .port = -2 };
	struct udo_vsock_tcp *s = server(GUEST, -2), *c;
	struct t_vmm vmm;

	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_port(s), -2);
	assert_true(is_socket(port_path_u(4294967294u)));
	t_vmm_start(&vmm, uds, T_VMM_FORWARD); /* forwards CONNECT 4294967294 there */
	c = client_mem(NULL, &ci);
	assert_non_null(c);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect: %s", udo_log_get_error(c));
	close(t_accept(s));
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	t_vmm_stop(&vmm);
}

static void auto_serves_a_configured_guest_on_hybrid(void **state)
{
	struct udo_vsock_tcp *s;

	on = NULL;
	s = server(GUEST, 5008);
	on = "hybrid";
	assert_non_null(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "hybrid");
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
				cmocka_unit_test(unconfigured_cid_is_eaddrnotavail),
		cmocka_unit_test(messages_print_ports_unsigned_and_any_as_minus_one),
		cmocka_unit_test(path_too_long_for_a_socket_is_enametoolong),
		cmocka_unit_test(socket_still_served_is_never_removed),
		cmocka_unit_test(file_that_is_not_a_socket_is_left_alone),
		cmocka_unit_test(server_listens_on_the_uds_path_and_port),
		cmocka_unit_test(accept_without_an_address_works),
		cmocka_unit_test(port_minus_one_picks_a_free_port),
		cmocka_unit_test(socket_of_a_dead_server_is_replaced),
		cmocka_unit_test(any_cid_serves_the_only_configured_guest),
		cmocka_unit_test(ports_above_int_max_are_passed_on_as_32_bits),
		cmocka_unit_test(auto_serves_a_configured_guest_on_hybrid),
	};
	int r;

	snprintf(uds, sizeof(uds), "%s", t_tmp_path("v.sock"));
	use_map(NULL);
	r = T_RUN(tests);
	t_tmp_cleanup();
	return r;
}
