/* SPDX-License-Identifier: MIT */
/* Bytes go both ways intact; accept reports the peer; flags reach the kernel. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common.h"

static void message_round_trip_is_intact(void **state)
{
	struct t_pair p = t_pair_open();
	char msg[] = "ping from the guest agent", buf[sizeof(msg)];

	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, msg, sizeof(msg), NULL), sizeof(msg));
	t_recv_all(p.conn, buf, sizeof(buf));
	assert_memory_equal(buf, msg, sizeof(msg));
	t_send_all(p.conn, buf, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	t_recv_all(udo_vsock_tcp_get_fd(p.c), buf, sizeof(buf));
	assert_memory_equal(buf, msg, sizeof(msg));
	t_pair_close(&p);
}

static void accept_fills_the_peer_as_sockaddr_vm(void **state)
{
	struct udo_vsock_tcp *s = t_server(), *c = t_client(s);
	struct sockaddr_vm peer;
	union { struct sockaddr sa; struct sockaddr_storage ss; struct sockaddr_vm vm; } local;
	socklen_t len = sizeof(local);
	unsigned int local_port;
	int conn;

	memset(&peer, 0xa5, sizeof(peer));
	conn = udo_vsock_tcp_server_accept(s, &peer);
	assert_true(conn >= 0);
	assert_int_equal(peer.svm_family, AF_VSOCK);
	/* A server sees every local peer as CID 1. */
	assert_int_equal(peer.svm_cid, VMADDR_CID_LOCAL);
	assert_int_equal(getsockname(udo_vsock_tcp_get_fd(c), &local.sa, &len), 0);
	/* A unix client's socket has no name, so no port to tell. */
	local_port = local.sa.sa_family == AF_UNIX ? VMADDR_PORT_ANY
	             : local.sa.sa_family == AF_VSOCK ? local.vm.svm_port
	             : local.sa.sa_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *) &local)->sin6_port)
	                                              : ntohs(((struct sockaddr_in *) &local)->sin_port);
	assert_int_equal(peer.svm_port, local_port);
	close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void recv_flags_are_passed_msg_peek(void **state)
{
	struct t_pair p = t_pair_open();
	int peek = MSG_PEEK | MSG_WAITALL;
	char buf[5] = { 0 };

	t_send_all(udo_vsock_tcp_get_fd(p.c), "hello", 5);
	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, buf, 5, &peek), 5);
	assert_memory_equal(buf, "hello", 5);
	memset(buf, 0, sizeof(buf));
	/* Peeked bytes are still there for the next read. */
	t_recv_all(p.conn, buf, 5);
	assert_memory_equal(buf, "hello", 5);
	t_pair_close(&p);
}

static void recv_dontwait_on_empty_socket_gives_eagain(void **state)
{
	struct t_pair p = t_pair_open();
	int flags = MSG_DONTWAIT;
	char buf[8];

	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, buf, sizeof(buf), &flags), -EAGAIN);
	t_pair_close(&p);
}

static void recv_returns_zero_when_peer_closes(void **state)
{
	struct t_pair p = t_pair_open();
	char buf[8];

	udo_vsock_tcp_destroy(p.c);
	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, buf, sizeof(buf), NULL), 0);
	close(p.conn);
	udo_vsock_tcp_destroy(p.s);
}

static void libudo_style_zero_flags_argument_works(void **state)
{
	struct t_pair p = t_pair_open();
	char buf[512], out[512];

	/* libudo's own tests pass 0 as the last argument. */
	memset(buf, 'T', sizeof(buf));
	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, buf, sizeof(buf), 0), sizeof(buf));
	t_recv_all(p.conn, out, sizeof(out));
	assert_memory_equal(buf, out, sizeof(buf));
	t_pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_round_trip_is_intact),
		cmocka_unit_test(accept_fills_the_peer_as_sockaddr_vm),
		cmocka_unit_test(recv_flags_are_passed_msg_peek),
		cmocka_unit_test(recv_dontwait_on_empty_socket_gives_eagain),
		cmocka_unit_test(recv_returns_zero_when_peer_closes),
		cmocka_unit_test(libudo_style_zero_flags_argument_works),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
