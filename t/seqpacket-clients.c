/* SPDX-License-Identifier: MIT */
/*
 * Seqpacket under load, on the transport under test (unix here, vsock in
 * the make check-vm guest): concurrent clients each get only their own
 * messages, and hundreds of open/close cycles leak no fd.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seqpacket-common.h"

#define CLIENTS 16
#define MESSAGES 100
#define CYCLES 300

/* The server's side: echo each message back until the client closes. */
static void *echo_conn(void *arg)
{
	int fd = (int) (intptr_t) arg;
	char buf[2048];
	ssize_t n;

	while ((n = udo_vsock_tcp_recv_data(fd, buf, sizeof(buf), NULL)) > 0)
		if (udo_vsock_tcp_send_data(fd, buf, (size_t) n, NULL) != n)
			break;
	close(fd);
	return NULL;
}

struct client {
	struct udo_vsock_tcp *server;
	int id;
	int bad; /* messages that came back wrong */
};

/* Message j of client id: its own tag, a length that varies per message. */
static size_t make_message(char *buf, int id, int j)
{
	int n = snprintf(buf, 64, "client %d message %d:", id, j);
	size_t len = (size_t) n + (size_t) ((id * 37 + j * 11) % 1500);

	memset(buf + n, 'a' + id, len - (size_t) n);
	return len;
}

static void *run_client(void *arg)
{
	struct client *cl = arg;
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(cl->server),
	};
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, SOCK_SEQPACKET);
	char want[2048], got[2048];
	int j, fd;

	if (!c || udo_vsock_tcp_client_connect(c) != 0) {
		cl->bad = MESSAGES;
		udo_vsock_tcp_destroy(c);
		return NULL;
	}
	fd = udo_vsock_tcp_get_fd(c);
	for (j = 0; j < MESSAGES; j++) {
		size_t len = make_message(want, cl->id, j);
		ssize_t n;

		if (udo_vsock_tcp_client_send_data(c, want, len, NULL) != (ssize_t) len) {
			cl->bad++;
			continue;
		}
		n = udo_vsock_tcp_recv_data(fd, got, sizeof(got), NULL);
		if (n != (ssize_t) len || memcmp(got, want, len))
			cl->bad++;
	}
	udo_vsock_tcp_destroy(c);
	return NULL;
}

static void concurrent_clients_each_get_only_their_own_messages(void **state)
{
	struct udo_vsock_tcp *s = t_sp_server();
	struct client cl[CLIENTS];
	pthread_t ct[CLIENTS], et[CLIENTS];
	int i, fd;

	for (i = 0; i < CLIENTS; i++) {
		cl[i] = (struct client) { .server = s, .id = i };
		assert_int_equal(pthread_create(&ct[i], NULL, run_client, &cl[i]), 0);
	}
	for (i = 0; i < CLIENTS; i++) {
		fd = t_accept(s);
		assert_int_equal(pthread_create(&et[i], NULL, echo_conn, (void *) (intptr_t) fd), 0);
	}
	for (i = 0; i < CLIENTS; i++) {
		assert_int_equal(pthread_join(ct[i], NULL), 0);
		if (cl[i].bad)
			fail_msg("client %d: %d of %d messages wrong", i, cl[i].bad, MESSAGES);
	}
	for (i = 0; i < CLIENTS; i++)
		assert_int_equal(pthread_join(et[i], NULL), 0);
	udo_vsock_tcp_destroy(s);
}

static void hundreds_of_cycles_leak_no_fd(void **state)
{
	int port = t_unused_port(), before = t_count_fds(), i;
	struct udo_vsock_tcp_client_create_info refused = { .vcid = T_CID, .port = port };
	char got[8];

	for (i = 0; i < CYCLES; i++) {
		struct t_pair p = t_sp_pair_open();
		struct udo_vsock_tcp *c;

		t_sp_send(p.conn, "hi", 2);
		assert_int_equal(t_sp_recv(udo_vsock_tcp_get_fd(p.c), got, sizeof(got)), 2);
		t_pair_close(&p);
		/* A failed connect, retried once, leaks nothing either. */
		c = t_client_create(NULL, &refused, SOCK_SEQPACKET);
		assert_non_null(c);
		assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
		assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
		udo_vsock_tcp_destroy(c);
	}
	assert_int_equal(t_count_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_clients_each_get_only_their_own_messages),
		cmocka_unit_test(hundreds_of_cycles_leak_no_fd),
	};

	return T_RUN_TRANSPORTS(tests, T_SP_TRANSPORTS);
}
