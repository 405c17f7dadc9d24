/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seqpacket-common.h"

const char *t_sp_transport(void)
{
	return t_under_test();
}

struct udo_vsock_tcp *t_sp_server(void)
{
	struct udo_vsock_tcp *s = t_server_type(SOCK_SEQPACKET);

	assert_string_equal(udo_vsock_tcp_get_transport(s), t_sp_transport());
	return s;
}

struct udo_vsock_tcp *t_sp_client(struct udo_vsock_tcp *server)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(server),
	};
	struct udo_vsock_tcp *c;

	c = t_connected(t_client_create(NULL, &info, SOCK_SEQPACKET), &info);
	assert_string_equal(udo_vsock_tcp_get_transport(c), t_sp_transport());
	return c;
}

struct t_pair t_sp_pair_open(void)
{
	struct t_pair p;

	p.s = t_sp_server();
	p.c = t_sp_client(p.s);
	p.conn = t_accept(p.s);
	return p;
}

size_t t_sp_max_message(int fd)
{
	unsigned long long vbuf = 0;
	int sndbuf = 0;
	socklen_t len;

	if (!strcmp(t_sp_transport(), "vsock")) {
		len = sizeof(vbuf);
		if (getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, &vbuf, &len) < 0)
			fail_msg("SO_VM_SOCKETS_BUFFER_SIZE: %s", strerror(errno));
		return (size_t) vbuf;
	}
	len = sizeof(sndbuf);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) < 0)
		fail_msg("SO_SNDBUF: %s", strerror(errno));
	return (size_t) sndbuf - 32;
}

void t_sp_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = udo_vsock_tcp_send_data(fd, buf, len, NULL);
	while (n == -EINTR);
	if (n < 0 || (size_t) n != len)
		fail_msg("send of a %zu-byte message: %zd (%s)", len, n,
		         n < 0 ? strerror((int) -n) : "short");
}

size_t t_sp_recv(int fd, void *buf, size_t cap)
{
	ssize_t n;

	do
		n = udo_vsock_tcp_recv_data(fd, buf, cap, NULL);
	while (n == -EINTR);
	if (n < 0)
		fail_msg("recv: %s", strerror((int) -n));
	return (size_t) n;
}
