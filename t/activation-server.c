/* SPDX-License-Identifier: MIT */
/*
 * An ordinary library server for the socket activation tests
 * (t/activation-socket.sh), written with no knowledge of activation:
 *
 *   activation-server CID PORT
 *
 * creates a server on CID:PORT, accepts one connection, answers it with
 * "fd=FD transport=NAME vcid=CID port=PORT\n" (what the context reports)
 * and exits 0. Failures: one line on stderr, exit 1.
 */
/* No config.h: debian/tests/socket-activation builds this file against the
 * installed package alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

int main(int argc, char **argv)
{
	struct udo_vsock_tcp_server_create_info si = { 0 };
	struct udo_vsock_tcp *s;
	char line[128];
	int conn, n;

	if (argc != 3) {
		fprintf(stderr, "usage: activation-server CID PORT\n");
		return 2;
	}
	si.vcid = (uint32_t) strtoul(argv[1], NULL, 0);
	si.port = (int) strtol(argv[2], NULL, 0);
	s = udo_vsock_tcp_server_create(NULL, &si);
	if (!s) {
		perror("activation-server: server_create");
		return 1;
	}
	conn = udo_vsock_tcp_server_accept(s, NULL);
	if (conn < 0) {
		fprintf(stderr, "activation-server: %s\n", udo_log_get_error(s));
		return 1;
	}
	n = snprintf(line, sizeof(line), "fd=%d transport=%s vcid=%u port=%u\n",
	             udo_vsock_tcp_get_fd(s), udo_vsock_tcp_get_transport(s),
	             udo_vsock_tcp_get_vcid(s), (unsigned int) udo_vsock_tcp_get_port(s));
	if (udo_vsock_tcp_send_data(conn, line, (size_t) n, NULL) != n)
		return 1;
	close(conn);
	udo_vsock_tcp_destroy(s);
	return 0;
}
