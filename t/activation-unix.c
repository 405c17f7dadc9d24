/* SPDX-License-Identifier: MIT */
/*
 * Socket activation on the unix transport: a seqpacket server adopts the
 * passed listener on its abstract name ("udo-vsock-tcp/PORT"), as
 * systemd-socket-activate --seqpacket passes it; a stream server never takes
 * a seqpacket socket; the name for port 4294967295 (VMADDR_PORT_ANY) is no
 * port's. The program passes the sockets to itself, as a service manager
 * would, before its first create (t/activation-passed.h); t/activation has
 * the rules on tcp, vsock and "auto".
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common.h"
#include "activation-passed.h"

enum { UNIX_PORT_ANY, UNIX_SEQ, NPASSED };

static struct t_passed p[NPASSED];
static bool have_unix_port_any;

/* A seqpacket listener on the unix transport's abstract name for a port
 * of its own ("udo-vsock-tcp/P"), as systemd-socket-activate --seqpacket
 * would pass it. */
static int unix_seqpacket_socket(int *port)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), n, tries;

	assert_true(fd >= 0);
	for (tries = 0; tries < 100; tries++) {
		*port = 20000 + (int) ((unsigned int) (getpid() + tries * 7919) % 20000u);
		n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "udo-vsock-tcp/%d", *port);
		if (bind(fd, (struct sockaddr *) &sun,
		         (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n)) == 0)
			break;
	}
	assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/* A seqpacket listener on "udo-vsock-tcp/4294967295": the name of no port
 * (4294967295 is VMADDR_PORT_ANY, -1). -1 when another program holds it. */
static int unix_port_any_socket(void)
{
	static const char name[] = "udo-vsock-tcp/4294967295";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memcpy(sun.sun_path + 1, name, sizeof(name) - 1);
	if (bind(fd, (struct sockaddr *) &sun,
	         (socklen_t) (offsetof(struct sockaddr_un, sun_path) + sizeof(name))) != 0 ||
	    listen(fd, 8) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void pass_sockets(void)
{
	int fd[NPASSED];

	fd[UNIX_PORT_ANY] = unix_port_any_socket();
	have_unix_port_any = fd[UNIX_PORT_ANY] >= 0;
	if (!have_unix_port_any) /* a placeholder that matches nothing */
		fd[UNIX_PORT_ANY] = t_inet_socket(SOCK_DGRAM, "127.0.0.1", false,
		                                  &p[UNIX_PORT_ANY].port);
	fd[UNIX_SEQ] = unix_seqpacket_socket(&p[UNIX_SEQ].port);
	t_pass_all(p, fd, NPASSED, NULL, 0);
}

/* A server on CID 1 of transport (given in opts) and type. */
static struct udo_vsock_tcp *server_of(const char *transport, int type, int port)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = transport;
	o.type = type;
	return udo_vsock_tcp_server_create_opts(NULL, &si, &o);
}

static struct udo_vsock_tcp *seqpacket_server(const char *transport, int port)
{
	return server_of(transport, SOCK_SEQPACKET, port);
}

static void a_unix_seqpacket_server_adopts_the_passed_abstract_socket(void **state)
{
	struct udo_vsock_tcp *s = seqpacket_server("unix", p[UNIX_SEQ].port);

	/* Not adopted, the bind would fail: the activator holds the name. */
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_fd(s), p[UNIX_SEQ].fd);
	assert_string_equal(udo_vsock_tcp_get_transport(s), "unix");
	assert_int_equal(udo_vsock_tcp_get_type(s), SOCK_SEQPACKET);
	assert_int_equal(udo_vsock_tcp_get_port(s), p[UNIX_SEQ].port);
	udo_vsock_tcp_destroy(s);
}

static void a_stream_server_does_not_take_a_passed_seqpacket_socket(void **state)
{
	struct udo_vsock_tcp *s = server_of("unix", SOCK_STREAM, p[UNIX_SEQ].port);

	/* Stream and seqpacket abstract names are apart: its own bind works. */
	assert_non_null(s);
	assert_int_not_equal(udo_vsock_tcp_get_fd(s), p[UNIX_SEQ].fd);
	udo_vsock_tcp_destroy(s);
}

static void a_name_for_port_4294967295_is_not_adopted_for_any_port(void **state)
{
	struct udo_vsock_tcp *s;

	if (!have_unix_port_any)
		skip(); /* another program holds the name */
	/* The valid passed name was taken above: none is left for -1. */
	s = seqpacket_server("unix", -1);
	assert_non_null(s);
	assert_int_not_equal(udo_vsock_tcp_get_fd(s), p[UNIX_PORT_ANY].fd);
	assert_int_not_equal(udo_vsock_tcp_get_port(s), -1);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	/* In this order: each adoption uses a socket up. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_stream_server_does_not_take_a_passed_seqpacket_socket),
		cmocka_unit_test(a_unix_seqpacket_server_adopts_the_passed_abstract_socket),
		cmocka_unit_test(a_name_for_port_4294967295_is_not_adopted_for_any_port),
	};

#ifndef HAVE_LIBSYSTEMD
	printf("1..0 # SKIP built without libsystemd: no socket activation\n");
	return 0;
#endif
	pass_sockets();
	return T_RUN(tests);
}
