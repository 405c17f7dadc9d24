/* SPDX-License-Identifier: MIT */
/* Many clients at once, each served on its own connection, none mixed up. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define CLIENTS 48

struct job {
	int port;
	int id;
	bool ok;
	char err[160];
};

static void *client_main(void *arg)
{
	struct job *j = arg;
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = j->port };
	struct udo_vsock_tcp *c = t_client_create(NULL, &ci, 0);
	char msg[32] = { 0 }, reply[32] = { 0 };
	ssize_t n, got = 0;

	if (!c || udo_vsock_tcp_client_connect(c) != 0) {
		snprintf(j->err, sizeof(j->err), "%s", c ? udo_log_get_error(c) : "create failed");
		udo_vsock_tcp_destroy(c);
		return NULL;
	}
	snprintf(msg, sizeof(msg), "client %05d", j->id);
	if (udo_vsock_tcp_client_send_data(c, msg, sizeof(msg), NULL) == (ssize_t) sizeof(msg)) {
		while (got < (ssize_t) sizeof(reply) &&
		       (n = udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(c), reply + got,
		                                    sizeof(reply) - (size_t) got, NULL)) > 0)
			got += n;
	}
	j->ok = got == (ssize_t) sizeof(reply) && !memcmp(reply, msg, sizeof(msg));
	udo_vsock_tcp_destroy(c);
	return NULL;
}

static void *echo_one(void *arg)
{
	int fd = (int) (intptr_t) arg;
	char buf[32];
	ssize_t n;

	while ((n = udo_vsock_tcp_recv_data(fd, buf, sizeof(buf), NULL)) > 0)
		if (udo_vsock_tcp_send_data(fd, buf, (size_t) n, NULL) != n)
			break;
	close(fd);
	return NULL;
}

static void many_clients_at_once_each_get_their_own_echo(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	pthread_t clients[CLIENTS], servers[CLIENTS];
	struct job jobs[CLIENTS];
	int i;

	for (i = 0; i < CLIENTS; i++) {
		jobs[i] = (struct job){ .port = udo_vsock_tcp_get_port(s), .id = i };
		assert_int_equal(pthread_create(&clients[i], NULL, client_main, &jobs[i]), 0);
	}
	for (i = 0; i < CLIENTS; i++) {
		int fd = t_accept(s);

		assert_int_equal(pthread_create(&servers[i], NULL, echo_one, (void *) (intptr_t) fd), 0);
	}
	for (i = 0; i < CLIENTS; i++) {
		pthread_join(clients[i], NULL);
		pthread_join(servers[i], NULL);
	}
	for (i = 0; i < CLIENTS; i++)
		if (!jobs[i].ok)
			fail_msg("client %d: %s", i, jobs[i].err[0] ? jobs[i].err : "wrong echo");
	udo_vsock_tcp_destroy(s);
}

static void backlog_holds_clients_until_accepted(void **state)
{
	struct udo_vsock_tcp *s = t_server();
	struct udo_vsock_tcp *c[8];
	int i, fd;

	/* Connect all before accepting any: the listen queue holds them. */
	for (i = 0; i < 8; i++)
		c[i] = t_client(s);
	for (i = 0; i < 8; i++) {
		fd = t_accept(s);
		close(fd);
	}
	for (i = 0; i < 8; i++)
		udo_vsock_tcp_destroy(c[i]);
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_clients_at_once_each_get_their_own_echo),
		cmocka_unit_test(backlog_holds_clients_until_accepted),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
