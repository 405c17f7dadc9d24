/* SPDX-License-Identifier: MIT */
/*
 * Socket activation, the rules: a server create adopts a passed listening
 * socket (LISTEN_PID, LISTEN_FDS, fds from 3) of the transport's family and
 * type, bound to the port asked (any for -1) and a matching address; each
 * at most once; get_port/get_vcid report its own address; destroy closes it.
 * The program passes the sockets to itself, as a service manager would,
 * before its first create: here tcp, vsock and "auto"; the unix
 * transport's abstract names in t/activation-unix. t/activation-socket
 * drives the real systemd-socket-activate.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common.h"
#include "activation-passed.h"

enum { TCP_LOOP, TCP_TWICE, TCP_ANY, TCP_BOUND, UDP_LOOP, TCP_OTHER, TCP_REPLACED, VSOCK_ANY,
       NPASSED };

static struct t_passed p[NPASSED];
static bool have_vsock;

/* Tests later create tcp servers on 127.0.0.1 and the port of a passed
 * socket of another kind, and expect the bind to work: the port is held
 * here until the end, by a socket that does not listen and lets a server
 * (SO_REUSEADDR) bind beside it. */
static int tcp_reserved[3], n_reserved;

static int reserve_tcp(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *) &sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	assert_true(n_reserved < 3);
	tcp_reserved[n_reserved++] = fd;
	return fd;
}

/* Another kind of socket (made by make(port)), on a port also held on tcp
 * 127.0.0.1: another pair until one is free on both (a busy machine). */
static int with_tcp_held(int (*make)(int *port, const char *addr), const char *addr, int *port)
{
	int tries, fd;

	for (tries = 0; tries < 1000; tries++) {
		*port = 0;
		fd = make(port, addr);
		if (fd < 0)
			return -1;
		if (reserve_tcp(*port) >= 0)
			return fd;
		close(fd);
	}
	fail_msg("no port free on tcp 127.0.0.1 beside %s in 1000 tries", addr);
	return -1;
}

static int udp_socket(int *port, const char *addr)
{
	return t_inet_socket(SOCK_DGRAM, addr, false, port);
}

static int listening_socket(int *port, const char *addr)
{
	return t_inet_socket(SOCK_STREAM, addr, true, port);
}

/* A vsock listener on CID any and a port below 65536 (so that a tcp server
 * may ask for the same number). */
static int vsock_listener(int *port, const char *unused)
{
	struct sockaddr_vm svm = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY };
	socklen_t len = sizeof(svm);
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0), tries;
	/* Where the last call's search stopped: a caller that asks again
	 * (its tcp port was taken) gets another port, not the same one. */
	static unsigned int next;

	(void) unused;
	if (fd < 0)
		return -1;
	/* A port the kernel picks may be above 65535: pick in range instead. */
	for (tries = 0; tries < 1000; tries++) {
		svm.svm_port = 20000u + ((unsigned int) getpid() + next++ * 7919u) % 40000u;
		if (bind(fd, (struct sockaddr *) &svm, sizeof(svm)) == 0)
			break;
		if (errno != EADDRINUSE)
			break;
	}
	if (tries == 1000 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *) &svm, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = (int) svm.svm_port;
	return fd;
}

static void pass_sockets(void)
{
	int fd[NPASSED];

	/* Make them all first: 3 + i may be one of them until all are made. */
	fd[TCP_LOOP] = t_inet_socket(SOCK_STREAM, "127.0.0.1", true, &p[TCP_LOOP].port);
	fd[TCP_TWICE] = t_inet_socket(SOCK_STREAM, "127.0.0.1", true, &p[TCP_TWICE].port);
	fd[TCP_ANY] = t_inet_socket(SOCK_STREAM, "0.0.0.0", true, &p[TCP_ANY].port);
	fd[TCP_BOUND] = t_inet_socket(SOCK_STREAM, "127.0.0.1", false, &p[TCP_BOUND].port);
	fd[UDP_LOOP] = with_tcp_held(udp_socket, "127.0.0.1", &p[UDP_LOOP].port);
	fd[TCP_OTHER] = with_tcp_held(listening_socket, "127.0.0.2", &p[TCP_OTHER].port);
	fd[TCP_REPLACED] = t_inet_socket(SOCK_STREAM, "127.0.0.1", true, &p[TCP_REPLACED].port);
	fd[VSOCK_ANY] = with_tcp_held(vsock_listener, "vsock", &p[VSOCK_ANY].port);
	have_vsock = fd[VSOCK_ANY] >= 0;
	if (!have_vsock) /* a placeholder that matches nothing */
		fd[VSOCK_ANY] = t_inet_socket(SOCK_DGRAM, "127.0.0.1", false, &p[VSOCK_ANY].port);
	t_pass_all(p, fd, NPASSED, tcp_reserved, n_reserved);
}

/* A server of transport (and tcp map, or NULL), both given in opts. */
static struct udo_vsock_tcp *server_with(const char *transport, const char *map, int type,
                                         uint32_t cid, int port)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = cid, .port = port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = transport;
	o.tcp_map = map;
	o.type = type;
	return udo_vsock_tcp_server_create_opts(NULL, &si, &o);
}

static struct udo_vsock_tcp *server(const char *transport, uint32_t cid, int port)
{
	return server_with(transport, NULL, 0, cid, port);
}

static void not_listening_socket_is_not_adopted(void **state)
{
	struct udo_vsock_tcp *s = server("tcp", VMADDR_CID_LOCAL, p[TCP_BOUND].port);

	/* Not adopted, so the library binds the port itself, which is taken. */
	assert_null(s);
	assert_int_equal(errno, EADDRINUSE);
}

static void socket_of_another_type_is_not_adopted(void **state)
{
	struct udo_vsock_tcp *s = server("tcp", VMADDR_CID_LOCAL, p[UDP_LOOP].port);

	assert_non_null(s);
	assert_int_not_equal(udo_vsock_tcp_get_fd(s), p[UDP_LOOP].fd);
	udo_vsock_tcp_destroy(s);
}

static void matching_socket_is_adopted_and_reports_its_address(void **state)
{
	struct udo_vsock_tcp *s = server("tcp", VMADDR_CID_LOCAL, p[TCP_LOOP].port), *c;
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL };
	int conn;

	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_fd(s), p[TCP_LOOP].fd);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "tcp");
	assert_int_equal(udo_vsock_tcp_get_port(s), p[TCP_LOOP].port);
	assert_int_equal(udo_vsock_tcp_get_vcid(s), VMADDR_CID_LOCAL);
	assert_int_equal(fcntl(p[TCP_LOOP].fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* It serves. */
	ci.port = p[TCP_LOOP].port;
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &(struct udo_vsock_tcp_opts) {
	        .size = sizeof(struct udo_vsock_tcp_opts), .transport = "tcp" });
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	conn = t_accept(s);
	close(conn);
	udo_vsock_tcp_destroy(c);
	/* destroy closes it */
	udo_vsock_tcp_destroy(s);
	assert_int_equal(fcntl(p[TCP_LOOP].fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

static void a_socket_is_adopted_once(void **state)
{
	struct udo_vsock_tcp *s = server("tcp", VMADDR_CID_LOCAL, p[TCP_TWICE].port), *again;

	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_fd(s), p[TCP_TWICE].fd);
	/* A second server for the same port does not get the same socket: it
	 * binds its own, and the port is taken. */
	again = server("tcp", VMADDR_CID_LOCAL, p[TCP_TWICE].port);
	assert_null(again);
	assert_int_equal(errno, EADDRINUSE);
	udo_vsock_tcp_destroy(s);
}

static void a_passed_fd_replaced_by_the_program_is_not_adopted(void **state)
{
	int port = 0, fd = t_inet_socket(SOCK_STREAM, "127.0.0.1", true, &port);
	struct udo_vsock_tcp *s;

	/* The program put another listener where the passed one was. */
	t_pass(p, TCP_REPLACED, fd);
	s = server("tcp", VMADDR_CID_LOCAL, port);
	if (s)
		assert_int_not_equal(udo_vsock_tcp_get_fd(s), p[TCP_REPLACED].fd);
	udo_vsock_tcp_destroy(s);
}

static void address_must_match_the_cids_mapped_address(void **state)
{
	struct udo_vsock_tcp *s = server("tcp", VMADDR_CID_LOCAL, p[TCP_OTHER].port);

	/* 127.0.0.2 is not CID 1's address: the library binds 127.0.0.1. */
	assert_non_null(s);
	assert_int_not_equal(udo_vsock_tcp_get_fd(s), p[TCP_OTHER].fd);
	udo_vsock_tcp_destroy(s);
	s = server_with("tcp", "5=127.0.0.2", 0, 5, p[TCP_OTHER].port);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_fd(s), p[TCP_OTHER].fd);
	assert_int_equal(udo_vsock_tcp_get_vcid(s), 5);
	udo_vsock_tcp_destroy(s);
}

static void vsock_socket_is_not_adopted_by_tcp(void **state)
{
	struct udo_vsock_tcp *s;

	if (!have_vsock)
		skip();
	s = server("tcp", VMADDR_CID_ANY, p[VSOCK_ANY].port);
	assert_non_null(s);
	assert_int_not_equal(udo_vsock_tcp_get_fd(s), p[VSOCK_ANY].fd);
	udo_vsock_tcp_destroy(s);
}

static void auto_takes_the_transport_of_the_passed_socket(void **state)
{
	struct udo_vsock_tcp *s;

	if (!have_vsock)
		skip();
	/* A vsock socket on CID any matches a request for CID 1. */
	s = server("auto", VMADDR_CID_LOCAL, p[VSOCK_ANY].port);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_fd(s), p[VSOCK_ANY].fd);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "vsock");
	assert_int_equal(udo_vsock_tcp_get_vcid(s), VMADDR_CID_ANY);
	assert_int_equal((uint32_t) udo_vsock_tcp_get_port(s), (uint32_t) p[VSOCK_ANY].port);
	udo_vsock_tcp_destroy(s);
}

static void any_port_takes_a_wildcard_socket_under_auto(void **state)
{
	struct udo_vsock_tcp *s = server("auto", VMADDR_CID_LOCAL, -1);

	/* What is left: 0.0.0.0 matches every CID; -1 any port. */
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_fd(s), p[TCP_ANY].fd);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "tcp");
	assert_int_equal(udo_vsock_tcp_get_port(s), p[TCP_ANY].port);
	assert_int_equal(udo_vsock_tcp_get_vcid(s), VMADDR_CID_ANY);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	/* In this order: each adoption uses a socket up. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_listening_socket_is_not_adopted),
		cmocka_unit_test(socket_of_another_type_is_not_adopted),
		cmocka_unit_test(matching_socket_is_adopted_and_reports_its_address),
		cmocka_unit_test(a_socket_is_adopted_once),
		cmocka_unit_test(a_passed_fd_replaced_by_the_program_is_not_adopted),
		cmocka_unit_test(address_must_match_the_cids_mapped_address),
		cmocka_unit_test(vsock_socket_is_not_adopted_by_tcp),
		cmocka_unit_test(auto_takes_the_transport_of_the_passed_socket),
		cmocka_unit_test(any_port_takes_a_wildcard_socket_under_auto),
	};

#ifndef HAVE_LIBSYSTEMD
	printf("1..0 # SKIP built without libsystemd: no socket activation\n");
	return 0;
#endif
	pass_sockets();
	return T_RUN(tests);
}
