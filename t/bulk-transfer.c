/* SPDX-License-Identifier: MIT */
/* 16 MiB cross the connection intact, in both directions, checked by hash. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

#define TOTAL (16u << 20)
#define CHUNK (64u << 10)

struct side {
	int fd;
	uint64_t hash;
	size_t bytes;
};

static void *sender(void *arg)
{
	struct side *s = arg;
	char *buf = malloc(CHUNK);
	size_t off;

	for (off = 0; off < TOTAL; off += CHUNK) {
		t_fill(buf, CHUNK, off);
		s->hash = t_hash(s->hash, buf, CHUNK);
		t_send_all(s->fd, buf, CHUNK);
		s->bytes += CHUNK;
	}
	/* End of stream: the receiver reads until EOF. */
	shutdown(s->fd, SHUT_WR);
	free(buf);
	return NULL;
}

/* Receive until the peer closes, hashing what arrives in whatever pieces. */
static void receive_to_end(struct side *r)
{
	char *buf = malloc(CHUNK);
	ssize_t n;

	while ((n = udo_vsock_tcp_recv_data(r->fd, buf, CHUNK, NULL)) > 0) {
		r->hash = t_hash(r->hash, buf, (size_t) n);
		r->bytes += (size_t) n;
	}
	assert_int_equal(n, 0);
	free(buf);
}

static void transfer(bool client_sends)
{
	struct t_pair p = t_pair_open();
	struct side tx = { .hash = T_HASH_INIT }, rx = { .hash = T_HASH_INIT };
	pthread_t th;

	tx.fd = client_sends ? udo_vsock_tcp_get_fd(p.c) : p.conn;
	rx.fd = client_sends ? p.conn : udo_vsock_tcp_get_fd(p.c);
	assert_int_equal(pthread_create(&th, NULL, sender, &tx), 0);
	receive_to_end(&rx);
	pthread_join(th, NULL);
	assert_int_equal(rx.bytes, TOTAL);
	assert_int_equal(tx.bytes, TOTAL);
	assert_true(rx.hash == tx.hash);
	t_pair_close(&p);
}

static void client_to_server_16mib_intact(void **state)
{
	transfer(true);
}

static void server_to_client_16mib_intact(void **state)
{
	transfer(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_to_server_16mib_intact),
		cmocka_unit_test(server_to_client_16mib_intact),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
