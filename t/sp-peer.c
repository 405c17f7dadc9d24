/* SPDX-License-Identifier: MIT */
/*
 * A seqpacket program for the udo-vsock tests to talk to (t/cli-seqpacket.sh),
 * on CID 1 over the library's choice of transport (unix here, vsock in the
 * make check-vm guest), that shows message boundaries:
 *
 *   sp-peer server          serve on CID 1 and a free port (printed on
 *                           standard output): each message M of N bytes is
 *                           answered with the message "N:M" (an empty one
 *                           too: "0:"). Many connections at once; runs
 *                           until killed.
 *   sp-peer send PORT M...  connect to CID 1:PORT, send each M as one
 *                           message ("" an empty one), end the stream
 *                           (shutdown), then print each message received as
 *                           "N:M" on its own line until the peer ends its side.
 *   sp-peer tell M...       serve on CID 1 and a free port (printed), take
 *                           one connection, and do as send does on it.
 * Empty messages are told from the end of stream as udo-vsock does
 * (cli/message.c).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "../cli/message.h"

#define MSG_MAX 300000

static int fail(const char *what, const void *ctx)
{
	fprintf(stderr, "sp-peer: %s: %s\n", what,
	        ctx ? udo_log_get_error(ctx) : strerror(errno));
	return 1;
}

static void *answer(void *arg)
{
	int fd = (int) (long) arg, n0;
	char *in = malloc(MSG_MAX), *out = malloc(MSG_MAX + 16);
	ssize_t n;
	bool eof = false;

	udo_cli_msg_prepare(fd);
	while (in && out && (((n = udo_cli_msg_recv(fd, in, MSG_MAX, 0, &eof)) >= 0 && !eof) ||
	                     n == -EINTR)) {
		if (n < 0)
			continue;
		n0 = snprintf(out, 16, "%zd:", n);
		memcpy(out + n0, in, (size_t) n);
		if (udo_vsock_tcp_send_data(fd, out, (size_t) n0 + (size_t) n, NULL) < 0)
			break;
	}
	free(in);
	free(out);
	close(fd);
	return NULL;
}

static int serve(void)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp *server = udo_vsock_tcp_server_create_type(NULL, &info,
	                                                                SOCK_SEQPACKET);
	pthread_t t;
	int fd;

	if (!server)
		return fail("seqpacket server on CID 1", NULL);
	printf("%u\n", (uint32_t) udo_vsock_tcp_get_port(server));
	fflush(stdout);
	for (;;) {
		fd = udo_vsock_tcp_server_accept(server, NULL);
		if (fd < 0)
			return fail("accept", server);
		if (pthread_create(&t, NULL, answer, (void *) (long) fd) != 0)
			return fail("thread", NULL);
		pthread_detach(t);
	}
}

/* Send each of msgs on fd, end the stream, print what comes back. */
static int talk(int fd, int count, char **msgs)
{
	char *buf = malloc(MSG_MAX);
	ssize_t n;
	bool eof = false;
	int i;

	if (!buf)
		return fail("allocate", NULL);
	udo_cli_msg_prepare(fd);
	for (i = 0; i < count; i++) {
		n = udo_vsock_tcp_send_data(fd, msgs[i], strlen(msgs[i]), NULL);
		if (n < 0) {
			free(buf);
			errno = (int) -n;
			return fail("send", NULL);
		}
	}
	shutdown(fd, SHUT_WR);
	while (((n = udo_cli_msg_recv(fd, buf, MSG_MAX, 0, &eof)) >= 0 && !eof) || n == -EINTR)
		if (n >= 0)
			printf("%zd:%.*s\n", n, (int) n, buf);
	free(buf);
	if (n < 0) {
		errno = (int) -n;
		return fail("receive", NULL);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static int send_messages(int port, int count, char **msgs)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = port };
	struct udo_vsock_tcp *c = udo_vsock_tcp_client_create_type(NULL, &info, SOCK_SEQPACKET);
	int r;

	if (!c)
		return fail("seqpacket client for CID 1", NULL);
	if (udo_vsock_tcp_client_connect(c) != 0)
		return fail("connect", c);
	r = talk(udo_vsock_tcp_get_fd(c), count, msgs);
	udo_vsock_tcp_destroy(c);
	return r;
}

static int tell(int count, char **msgs)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create_type(NULL, &info, SOCK_SEQPACKET);
	int fd, r;

	if (!s)
		return fail("seqpacket server on CID 1", NULL);
	printf("%u\n", (uint32_t) udo_vsock_tcp_get_port(s));
	fflush(stdout);
	fd = udo_vsock_tcp_server_accept(s, NULL);
	if (fd < 0)
		return fail("accept", s);
	r = talk(fd, count, msgs);
	close(fd);
	udo_vsock_tcp_destroy(s);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "server"))
		return serve();
	if (argc >= 3 && !strcmp(argv[1], "send"))
		return send_messages((int) strtoul(argv[2], NULL, 10), argc - 3, argv + 3);
	if (argc >= 2 && !strcmp(argv[1], "tell"))
		return tell(argc - 2, argv + 2);
	fprintf(stderr, "usage: sp-peer server | sp-peer send PORT MESSAGE... | "
	        "sp-peer tell MESSAGE...\n");
	return 2;
}
