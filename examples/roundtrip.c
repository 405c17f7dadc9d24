/* SPDX-License-Identifier: MIT */
/*
 * A round trip over the best transport this machine has: a server on CID 1
 * (loopback) and a client that sends a message and reads the echo. Uses
 * every function of <udo/vsock-tcp.h>. Build against an installed copy with
 *   cc roundtrip.c $(pkg-config --cflags --libs udo-vsock-tcp)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

static int fail(const char *what, const void *ctx)
{
	fprintf(stderr, "roundtrip: %s: %s\n", what,
	        ctx ? udo_log_get_error(ctx) : strerror(errno));
	return 1;
}

int main(void)
{
	struct udo_vsock_tcp_server_create_info sinfo = {
		.vcid = VMADDR_CID_LOCAL, .port = -1, .connections = 1,
	};
	struct udo_vsock_tcp_client_create_info cinfo = { .vcid = VMADDR_CID_LOCAL };
	const char msg[] = "hello over udo-vsock-tcp";
	char echo[sizeof(msg)], reply[sizeof(msg)];
	struct udo_vsock_tcp *server, *client;
	struct sockaddr_vm peer;
	ssize_t n;
	int conn;

	server = udo_vsock_tcp_server_create(NULL, &sinfo);
	if (!server)
		return fail("server", NULL);
	cinfo.port = udo_vsock_tcp_get_port(server);

	client = udo_vsock_tcp_client_create(NULL, &cinfo);
	if (!client)
		return fail("client", NULL);
	if (udo_vsock_tcp_client_connect(client) != 0)
		return fail("connect", client);
	conn = udo_vsock_tcp_server_accept(server, &peer);
	if (conn < 0)
		return fail("accept", server);

	if (udo_vsock_tcp_client_send_data(client, msg, sizeof(msg), NULL) != (ssize_t) sizeof(msg))
		return fail("send", client);
	n = udo_vsock_tcp_recv_data(conn, echo, sizeof(echo), NULL);
	if (n != (ssize_t) sizeof(msg) || udo_vsock_tcp_send_data(conn, echo, (size_t) n, NULL) != n)
		return fail("echo", server);
	n = udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(client), reply, sizeof(reply), NULL);
	if (n != (ssize_t) sizeof(msg) || memcmp(reply, msg, sizeof(msg)))
		return fail("reply", client);

	printf("round trip over %s: CID %u port %u, peer CID %u, %zd bytes echoed intact"
	       " (context %d bytes, local CID %d)\n",
	       udo_vsock_tcp_get_transport(client), udo_vsock_tcp_get_vcid(client),
	       (unsigned int) udo_vsock_tcp_get_port(client), peer.svm_cid, n, udo_vsock_tcp_get_sizeof(),
	       (int) udo_vsock_tcp_get_local_vcid());
	close(conn);
	udo_vsock_tcp_destroy(client);
	udo_vsock_tcp_destroy(server);
	return 0;
}
