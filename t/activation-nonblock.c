/* SPDX-License-Identifier: MIT */
/*
 * A non-blocking server (UDO_VSOCK_TCP_OPT_NONBLOCK) that adopts a passed
 * listening socket (socket activation) makes it O_NONBLOCK too: an accept
 * with nobody waiting is EAGAIN, and the accepted fd is non-blocking.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "common.h"

static int passed_port;

/* A listening tcp socket on 127.0.0.1, passed as fd 3 (LISTEN_FDS=1). */
static void pass_one_socket(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char n[16];

	if (fd < 0 || inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *) &sin, &len) < 0) {
		perror("passed socket");
		exit(99);
	}
	passed_port = ntohs(sin.sin_port);
	if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) < 0)) {
		perror("dup2");
		exit(99);
	}
	snprintf(n, sizeof(n), "%d", (int) getpid());
	setenv("LISTEN_PID", n, 1); /* LISTEN_* are the protocol itself */
	setenv("LISTEN_FDS", "1", 1);
}

static bool nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_NONBLOCK);
}

static void an_adopted_socket_is_made_nonblocking(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL,
	                                               .port = passed_port };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL,
	                                               .port = passed_port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *s, *c;
	struct pollfd p;
	int conn;

	assert_false(nonblocking(3));
	o.transport = "tcp";
	o.flags = UDO_VSOCK_TCP_OPT_NONBLOCK;
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &o);
	if (!s)
		fail_msg("server: %s", strerror(errno));
	assert_int_equal(udo_vsock_tcp_get_fd(s), 3);
	assert_true(nonblocking(3));
	errno = 0;
	assert_int_equal(udo_vsock_tcp_server_accept(s, NULL), -1);
	assert_int_equal(errno, EAGAIN);

	o.flags = 0;
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	p = (struct pollfd) { .fd = 3, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 20000), 1);
	conn = udo_vsock_tcp_server_accept(s, NULL);
	assert_true(conn >= 0);
	assert_true(nonblocking(conn));
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_adopted_socket_is_made_nonblocking),
	};

#ifndef HAVE_LIBSYSTEMD
	printf("1..0 # SKIP built without libsystemd: no socket activation\n");
	return 0;
#endif
	pass_one_socket();
	return T_RUN(tests);
}
