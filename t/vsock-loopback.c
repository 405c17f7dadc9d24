/* SPDX-License-Identifier: MIT */
/*
 * Real AF_VSOCK over the kernel's loopback transport (CID 1): what only a
 * machine with vsock_loopback can show. `make check-vm` runs these in a qemu
 * guest that has it; elsewhere they skip, except auto's choice, which holds
 * everywhere. In that guest (UDO_VM_GUEST set) a missing vsock loopback is a
 * failure, not a skip, so a broken guest never passes by skipping.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define BIG_SIZE (16u << 20)  /* 16 MiB */
#define CHUNK (64u << 10)

static bool in_vm_guest(void)
{
	const char *v = getenv("UDO_VM_GUEST");

	return v && *v;
}

/* Skip without vsock loopback, except in the check-vm guest, which must have it. */
static void need_vsock_loopback(void)
{
	if (t_have_vsock_loopback())
		return;
	if (in_vm_guest())
		fail_msg("UDO_VM_GUEST is set but CID 1 is not served: vsock_loopback not loaded?");
	skip();
}

static void use_transport(const char *name)
{
	t_use_transport(name);
}

/* A deterministic stream (xorshift64) and a hash of what went by (FNV-1a). */
struct stream {
	uint64_t state;
	uint64_t hash;
	size_t bytes;
};

static void stream_init(struct stream *s)
{
	s->state = 0x9e3779b97f4a7c15ull;
	s->hash = 0xcbf29ce484222325ull;
	s->bytes = 0;
}

static void stream_fill(struct stream *s, unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			s->state ^= s->state << 13;
			s->state ^= s->state >> 7;
			s->state ^= s->state << 17;
		}
		buf[i] = (unsigned char) (s->state >> (8 * (i % 8)));
	}
}

static void stream_hash(struct stream *s, const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		s->hash = (s->hash ^ buf[i]) * 0x100000001b3ull;
	s->bytes += len;
}

/* The sending side runs in a thread: cmocka's asserts belong to the main
 * thread, so it only records what happened. */
struct sender {
	int port;
	int done;         /* write end of a pipe, closed when the thread ends */
	struct stream sent;
	char error[600];
};

static void *send_big_(struct sender *snd);

static void *send_big(void *arg)
{
	struct sender *snd = arg;
	void *r = send_big_(snd);

	close(snd->done);
	return r;
}

static void *send_big_(struct sender *snd)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = snd->port };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);
	static unsigned char buf[CHUNK];

	stream_init(&snd->sent);
	if (!c || udo_vsock_tcp_client_connect(c) != 0) {
		snprintf(snd->error, sizeof(snd->error), "client for CID %u port %u: %s",
		         T_CID, (unsigned int) snd->port, c ? udo_log_get_error(c) : strerror(errno));
		udo_vsock_tcp_destroy(c);
		return NULL;
	}
	while (snd->sent.bytes < BIG_SIZE) {
		size_t off = 0;

		stream_fill(&snd->sent, buf, CHUNK);
		while (off < CHUNK) {
			ssize_t n = udo_vsock_tcp_client_send_data(c, buf + off, CHUNK - off, NULL);

			if (n == -EINTR)
				continue;
			if (n <= 0) {
				snprintf(snd->error, sizeof(snd->error), "send after %zu bytes: %s",
				         snd->sent.bytes + off, strerror((int) -n));
				udo_vsock_tcp_destroy(c);
				return NULL;
			}
			off += (size_t) n;
		}
		stream_hash(&snd->sent, buf, CHUNK);
	}
	udo_vsock_tcp_destroy(c); /* the receiver sees end of stream */
	return NULL;
}

static void local_cid_reads_2_on_a_vhost_vsock_host(void **state)
{
	/* With vhost_vsock loaded (a vsock host) and no guest transport of its
	 * own, the kernel's local CID is VMADDR_CID_HOST. */
	bool host = access("/dev/vhost-vsock", F_OK) == 0;
	bool guest_transport = access("/sys/module/vmw_vsock_virtio_transport", F_OK) == 0 ||
	                       access("/sys/module/vmw_vsock_vmci_transport", F_OK) == 0 ||
	                       access("/sys/module/hv_sock", F_OK) == 0;

	if (in_vm_guest() && (!host || guest_transport))
		fail_msg("UDO_VM_GUEST is set but vhost_vsock is %s and a guest transport is %s",
		         host ? "loaded" : "absent", guest_transport ? "loaded" : "absent");
	if (!host || guest_transport)
		skip();
	assert_int_equal(udo_vsock_tcp_get_local_vcid(), VMADDR_CID_HOST);
}

static void cid1_loopback_carries_16_mib_intact(void **state)
{
	static unsigned char buf[CHUNK];
	struct sockaddr_vm peer = { 0 };
	struct sender snd = { 0 };
	struct udo_vsock_tcp *s;
	struct pollfd pfd[2];
	struct stream got;
	pthread_t thread;
	int fd, done[2];
	ssize_t n;

	need_vsock_loopback();
	use_transport("vsock");
	s = t_server();
	assert_string_equal(udo_vsock_tcp_get_transport(s), "vsock");
	snd.port = udo_vsock_tcp_get_port(s);
	assert_int_equal(pipe2(done, O_CLOEXEC), 0);
	snd.done = done[1];
	assert_int_equal(pthread_create(&thread, NULL, send_big, &snd), 0);

	/* Accept once the client connects; if it gives up instead, say why. */
	pfd[0] = (struct pollfd) { .fd = udo_vsock_tcp_get_fd(s), .events = POLLIN };
	pfd[1] = (struct pollfd) { .fd = done[0], .events = POLLIN };
	while (poll(pfd, 2, -1) < 0)
		assert_int_equal(errno, EINTR);
	close(done[0]);
	if (!(pfd[0].revents & POLLIN)) {
		pthread_join(thread, NULL);
		fail_msg("no connection to accept: %s", snd.error);
	}
	fd = udo_vsock_tcp_server_accept(s, &peer);
	if (fd < 0)
		fail_msg("accept: %s (sender: %s)", udo_log_get_error(s), snd.error);
	/* A local peer is seen as CID 1. */
	assert_int_equal(peer.svm_family, AF_VSOCK);
	assert_int_equal(peer.svm_cid, VMADDR_CID_LOCAL);

	stream_init(&got);
	while ((n = udo_vsock_tcp_recv_data(fd, buf, sizeof(buf), NULL)) != 0) {
		if (n == -EINTR)
			continue;
		if (n < 0)
			fail_msg("recv after %zu bytes: %s", got.bytes, strerror((int) -n));
		stream_hash(&got, buf, (size_t) n);
	}
	assert_int_equal(pthread_join(thread, NULL), 0);
	if (snd.error[0])
		fail_msg("sender: %s", snd.error);
	assert_int_equal(snd.sent.bytes, BIG_SIZE);
	assert_int_equal(got.bytes, BIG_SIZE);
	assert_true(got.hash == snd.sent.hash);
	close(fd);
	udo_vsock_tcp_destroy(s);
}

static void refused_connect_is_econnreset_naming_vsock_cid_and_port(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID };
	struct udo_vsock_tcp *s, *c;
	char where[64];
	const char *msg;

	need_vsock_loopback();
	use_transport("vsock");
	/* A port that was just served and is no longer. */
	s = t_server();
	info.port = udo_vsock_tcp_get_port(s);
	udo_vsock_tcp_destroy(s);

	c = t_client_create(NULL, &info, 0);
	if (!c)
		fail_msg("client for CID %u port %u: %s", T_CID, (unsigned int) info.port, strerror(errno));
	assert_string_equal(udo_vsock_tcp_get_transport(c), "vsock");
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(udo_log_get_error_code(c), ECONNRESET);
	msg = udo_log_get_error(c);
	snprintf(where, sizeof(where), "vsock %u:%u", T_CID, (unsigned int) info.port);
	if (!strstr(msg, where) || !strstr(msg, strerror(ECONNRESET)))
		fail_msg("message \"%s\" does not name \"%s\" and \"%s\"",
		         msg, where, strerror(ECONNRESET));
	udo_vsock_tcp_destroy(c);
}

static void auto_picks_vsock_where_cid1_is_served_and_tcp_elsewhere(void **state)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = 1 };
	bool loopback = t_have_vsock_loopback();
	const char *want = loopback ? "vsock" : "tcp";
	struct udo_vsock_tcp *c;

	if (in_vm_guest() && !loopback)
		fail_msg("UDO_VM_GUEST is set but CID 1 is not served: vsock_loopback not loaded?");
	use_transport("auto");
	c = t_client_create(NULL, &info, 0);
	if (!c)
		fail_msg("client for CID 1 with auto: %s", strerror(errno));
	assert_string_equal(udo_vsock_tcp_get_transport(c), want);
	udo_vsock_tcp_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_cid_reads_2_on_a_vhost_vsock_host),
		cmocka_unit_test(cid1_loopback_carries_16_mib_intact),
		cmocka_unit_test(refused_connect_is_econnreset_naming_vsock_cid_and_port),
		cmocka_unit_test(auto_picks_vsock_where_cid1_is_served_and_tcp_elsewhere),
	};

	return T_RUN(tests);
}
