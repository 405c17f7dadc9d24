/* SPDX-License-Identifier: MIT */
/* Threads that each use their own contexts need no locks: all run at once,
 * including the first load of the transport plugin. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define THREADS 8
#define ROUNDS 50

struct worker {
	pthread_barrier_t *start;
	int failures;
	char err[200];
};

static bool one_round(struct worker *w, int round)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID };
	struct udo_vsock_tcp *s = t_server_create(NULL, &si, 0), *c = NULL;
	char msg[16] = { 0 }, buf[16];
	int conn = -1;
	bool ok = false;

	if (!s)
		goto out;
	ci.port = udo_vsock_tcp_get_port(s);
	c = t_client_create(NULL, &ci, 0);
	if (!c || udo_vsock_tcp_client_connect(c) != 0)
		goto out;
	conn = udo_vsock_tcp_server_accept(s, NULL);
	snprintf(msg, sizeof(msg), "r%06d", round);
	if (conn < 0 || udo_vsock_tcp_client_send_data(c, msg, sizeof(msg), NULL) != sizeof(msg))
		goto out;
	ok = udo_vsock_tcp_recv_data(conn, buf, sizeof(buf), &(int){ MSG_WAITALL }) == sizeof(buf) &&
	     !memcmp(buf, msg, sizeof(msg));
out:
	if (!ok && !w->err[0])
		snprintf(w->err, sizeof(w->err), "round %d: %s", round,
		         c ? udo_log_get_error(c) : s ? udo_log_get_error(s) : "server create failed");
	if (conn >= 0)
		close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	return ok;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int i;

	pthread_barrier_wait(w->start);
	for (i = 0; i < ROUNDS; i++)
		if (!one_round(w, i))
			w->failures++;
	return NULL;
}

static void threads_with_own_contexts_run_concurrently(void **state)
{
	pthread_barrier_t start;
	pthread_t th[THREADS];
	struct worker w[THREADS];
	int i;

	pthread_barrier_init(&start, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .start = &start };
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
	for (i = 0; i < THREADS; i++)
		if (w[i].failures)
			fail_msg("thread %d: %d failed rounds, first: %s", i, w[i].failures, w[i].err);
}

static void errors_stay_in_their_own_context(void **state)
{
	struct udo_vsock_tcp_client_create_info bad = { .vcid = T_CID, .port = -1 };
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *s = t_server();

	assert_null(t_client_create(mem, &bad, 0));
	assert_int_not_equal(udo_log_get_error_code(mem), 0);
	/* The failure above left no trace in an unrelated context. */
	assert_int_equal(udo_log_get_error_code(s), 0);
	assert_string_equal(udo_log_get_error(s), "");
	udo_vsock_tcp_destroy(s);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_with_own_contexts_run_concurrently),
		cmocka_unit_test(errors_stay_in_their_own_context),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
