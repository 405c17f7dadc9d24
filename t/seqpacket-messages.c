/* SPDX-License-Identifier: MIT */
/*
 * SOCK_SEQPACKET keeps message boundaries, on the transport under test
 * (unix here, vsock in the make check-vm guest): the cases of the kernel's
 * tools/testing/vsock/vsock_test.c, as a user of this library meets them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "seqpacket-common.h"

/* Message sizes from 1 byte up to max: every size to 64, then each power of
 * two and its neighbours, then max itself. Returns the count written. */
static size_t sizes_up_to(size_t max, size_t *out, size_t cap)
{
	size_t n = 0, s, p;

	for (s = 1; s <= 64 && s <= max && n < cap; s++)
		out[n++] = s;
	for (p = 128; p < max && n + 3 <= cap; p *= 2) {
		out[n++] = p - 1;
		out[n++] = p;
		if (p + 1 < max)
			out[n++] = p + 1;
	}
	if (n < cap && max > 64 && out[n - 1] != max)
		out[n++] = max;
	return n;
}

struct sender {
	int fd;
	const size_t *sizes;
	size_t count;
};

static void *send_sizes(void *arg)
{
	struct sender *s = arg;
	size_t max = s->sizes[s->count - 1], i;
	unsigned char *buf = malloc(max);
	ssize_t n;

	for (i = 0; buf && i < s->count; i++) {
		t_fill(buf, s->sizes[i], i);
		n = udo_vsock_tcp_send_data(s->fd, buf, s->sizes[i], NULL);
		if (n < 0 || (size_t) n != s->sizes[i])
			break;
	}
	free(buf);
	return (void *) (uintptr_t) (buf && i == s->count);
}

static void boundaries_are_kept_from_1_byte_to_the_largest_message(void **state)
{
	struct t_pair p = t_sp_pair_open();
	int cfd = udo_vsock_tcp_get_fd(p.c);
	size_t max = t_sp_max_message(cfd), sizes[200], count, i, n;
	struct sender s = { .fd = cfd, .sizes = sizes };
	unsigned char *got = malloc(max + 1), *want = malloc(max);
	pthread_t th;
	void *ok;

	print_message("# largest %s seqpacket message: %zu bytes\n", t_sp_transport(), max);
	assert_non_null(got);
	assert_non_null(want);
	s.count = count = sizes_up_to(max, sizes, 200);
	assert_int_equal(pthread_create(&th, NULL, send_sizes, &s), 0);
	for (i = 0; i < count; i++) {
		n = t_sp_recv(p.conn, got, max + 1);
		if (n != sizes[i])
			fail_msg("message %zu: %zu bytes received, %zu sent", i, n, sizes[i]);
		t_fill(want, n, i);
		assert_memory_equal(got, want, n);
	}
	assert_int_equal(pthread_join(th, &ok), 0);
	assert_true(ok != NULL);
	free(got);
	free(want);
	t_pair_close(&p);
}

static void a_larger_message_is_emsgsize_and_nothing_of_it_is_sent(void **state)
{
	struct t_pair p = t_sp_pair_open();
	int cfd = udo_vsock_tcp_get_fd(p.c);
	size_t max = t_sp_max_message(cfd);
	/* As long as the longest send: qemu-user reads the whole buffer (EFAULT
	 * past its end) before the kernel looks at the size. */
	char *big = calloc(1, 4 * max), got[16];
	int dontwait = MSG_DONTWAIT;

	assert_non_null(big);
	assert_int_equal(udo_vsock_tcp_send_data(cfd, big, max + 1, NULL), -EMSGSIZE);
	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, big, 4 * max, NULL), -EMSGSIZE);
	/* Nothing of either is queued: the next message is the first one. */
	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, got, sizeof(got), &dontwait), -EAGAIN);
	t_sp_send(cfd, "after", 5);
	assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 5);
	assert_memory_equal(got, "after", 5);
	free(big);
	t_pair_close(&p);
}

static void a_short_buffer_gets_the_first_part_and_the_rest_is_dropped(void **state)
{
	struct t_pair p = t_sp_pair_open();
	int cfd = udo_vsock_tcp_get_fd(p.c);
	char got[16];

	t_sp_send(cfd, "0123456789", 10);
	t_sp_send(cfd, "next", 4);
	assert_int_equal(t_sp_recv(p.conn, got, 4), 4);
	assert_memory_equal(got, "0123", 4);
	assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 4);
	assert_memory_equal(got, "next", 4);
	t_pair_close(&p);
}

static void msg_trunc_returns_the_full_length(void **state)
{
	struct t_pair p = t_sp_pair_open();
	char got[16] = { 0 };
	int trunc = MSG_TRUNC;

	t_sp_send(udo_vsock_tcp_get_fd(p.c), "0123456789", 10);
	t_sp_send(udo_vsock_tcp_get_fd(p.c), "next", 4);
	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, got, 3, &trunc), 10);
	assert_memory_equal(got, "012", 3);
	assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 4);
	assert_memory_equal(got, "next", 4);
	t_pair_close(&p);
}

/* The running kernel's release is at least major.minor. */
static bool kernel_at_least(unsigned int major, unsigned int minor, const char **release)
{
	static struct utsname u;
	unsigned int ma = 0, mi = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		fail_msg("cannot read this kernel's release");
	*release = u.release;
	return ma > major || (ma == major && mi >= minor);
}

/* vsock can peek at a seqpacket message from Linux 6.6; before (Debian
 * 12's 6.1) the library says -EOPNOTSUPP (the contract), and the message
 * must stay queued. unix always can. */
static void msg_peek_leaves_the_message(void **state)
{
	struct t_pair p = t_sp_pair_open();
	char got[16] = { 0 };
	int peek = MSG_PEEK;
	const char *release;
	ssize_t n;

	t_sp_send(udo_vsock_tcp_get_fd(p.c), "peek me", 7);
	t_sp_send(udo_vsock_tcp_get_fd(p.c), "then", 4);
	n = udo_vsock_tcp_recv_data(p.conn, got, sizeof(got), &peek);
	if (!strcmp(t_sp_transport(), "vsock") && !kernel_at_least(6, 6, &release)) {
		print_message("# kernel %s (before 6.6): vsock cannot MSG_PEEK seqpacket,"
		              " -EOPNOTSUPP expected\n", release);
		assert_int_equal(n, -EOPNOTSUPP);
	} else {
		if (!strcmp(t_sp_transport(), "vsock"))
			print_message("# kernel %s (6.6 or later): vsock peeks at seqpacket\n",
			              release);
		assert_int_equal(n, 7);
		assert_memory_equal(got, "peek me", 7);
		memset(got, 0, sizeof(got));
		assert_int_equal(udo_vsock_tcp_recv_data(p.conn, got, 4, &peek), 4);
		assert_memory_equal(got, "peek", 4);
	}
	assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 7);
	assert_memory_equal(got, "peek me", 7);
	assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 4);
	assert_memory_equal(got, "then", 4);
	t_pair_close(&p);
}

static void msg_dontwait_on_an_empty_socket_is_eagain(void **state)
{
	struct t_pair p = t_sp_pair_open();
	int dontwait = MSG_DONTWAIT;
	char got[8];

	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, got, sizeof(got), &dontwait), -EAGAIN);
	assert_int_equal(udo_vsock_tcp_recv_data(udo_vsock_tcp_get_fd(p.c), got, sizeof(got),
	                                         &dontwait), -EAGAIN);
	t_pair_close(&p);
}

static void a_receive_timeout_is_eagain_within_its_bound(void **state)
{
	struct t_pair p = t_sp_pair_open();
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	struct timespec a, b;
	char got[8];
	double ms;

	assert_int_equal(setsockopt(p.conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, got, sizeof(got), NULL), -EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double) (b.tv_sec - a.tv_sec) * 1e3 + (double) (b.tv_nsec - a.tv_nsec) / 1e6;
	/* A bound on a wait, with a wide margin: neither at once nor stuck. */
	assert_true(ms >= 150 && ms < 10000);
	t_pair_close(&p);
}

/* vsock_test's "invalid receive buffer": a receive into memory that is not
 * mapped fails (EFAULT) and the next message still arrives whole. */
static void an_invalid_receive_buffer_fails_and_the_next_message_arrives(void **state)
{
	struct t_pair p = t_sp_pair_open();
	long page = sysconf(_SC_PAGESIZE);
	char *bad = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), got[16];
	ssize_t n;

	assert_true(bad != MAP_FAILED);
	assert_int_equal(munmap(bad, (size_t) page), 0);
	t_sp_send(udo_vsock_tcp_get_fd(p.c), "lost", 4);
	t_sp_send(udo_vsock_tcp_get_fd(p.c), "kept", 4);
	n = udo_vsock_tcp_recv_data(p.conn, bad, 4, NULL);
	assert_int_equal(n, -EFAULT);
	assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 4);
	if (!memcmp(got, "lost", 4)) /* unix keeps the message a fault did not copy */
		assert_int_equal(t_sp_recv(p.conn, got, sizeof(got)), 4);
	assert_memory_equal(got, "kept", 4);
	t_pair_close(&p);
}

static void a_peer_that_closed_reads_0(void **state)
{
	struct t_pair p = t_sp_pair_open();
	char got[8];

	t_sp_send(p.conn, "bye", 3);
	close(p.conn);
	p.conn = -1;
	assert_int_equal(t_sp_recv(udo_vsock_tcp_get_fd(p.c), got, sizeof(got)), 3);
	assert_int_equal(t_sp_recv(udo_vsock_tcp_get_fd(p.c), got, sizeof(got)), 0);
	assert_int_equal(t_sp_recv(udo_vsock_tcp_get_fd(p.c), got, sizeof(got)), 0);
	t_pair_close(&p);
}

/* SIGPIPE keeps its default action (main): a missing MSG_NOSIGNAL kills us. */
static void sending_to_a_closed_peer_is_epipe_never_sigpipe(void **state)
{
	struct t_pair p = t_sp_pair_open();
	ssize_t n = 0;
	int i;

	close(p.conn);
	p.conn = -1;
	for (i = 0; i < 10000 && n >= 0; i++)
		n = udo_vsock_tcp_client_send_data(p.c, "x", 1, NULL);
	assert_true(n == -EPIPE || n == -ECONNRESET);
	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, "x", 1, NULL), -EPIPE);
	t_pair_close(&p);
}

static void fd_based_functions_work_on_accepted_fds(void **state)
{
	struct t_pair p = t_sp_pair_open();
	int cfd = udo_vsock_tcp_get_fd(p.c);
	char got[16];

	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, "ping", 4, NULL), 4);
	assert_int_equal(udo_vsock_tcp_recv_data(p.conn, got, sizeof(got), NULL), 4);
	assert_memory_equal(got, "ping", 4);
	assert_int_equal(udo_vsock_tcp_send_data(p.conn, "pong!", 5, NULL), 5);
	assert_int_equal(udo_vsock_tcp_send_data(p.conn, "", 0, NULL), 0);
	assert_int_equal(udo_vsock_tcp_recv_data(cfd, got, sizeof(got), NULL), 5);
	assert_memory_equal(got, "pong!", 5);
	t_pair_close(&p);
}

static void every_fd_is_seqpacket_and_close_on_exec(void **state)
{
	struct t_pair p = t_sp_pair_open();
	int fds[3] = { udo_vsock_tcp_get_fd(p.s), udo_vsock_tcp_get_fd(p.c), p.conn };
	int i, type;
	socklen_t len;

	for (i = 0; i < 3; i++) {
		len = sizeof(type);
		assert_int_equal(getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type, &len), 0);
		assert_int_equal(type, SOCK_SEQPACKET);
		assert_true(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
	}
	assert_int_equal(udo_vsock_tcp_get_type(p.s), SOCK_SEQPACKET);
	assert_int_equal(udo_vsock_tcp_get_type(p.c), SOCK_SEQPACKET);
	t_pair_close(&p);
}

static void a_refused_connect_names_transport_cid_port_and_errno(void **state)
{
	struct udo_vsock_tcp *s = t_sp_server();
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(s),
	};
	struct udo_vsock_tcp *c;
	char want[64];
	int code = t_refused_errno(t_sp_transport());

	udo_vsock_tcp_destroy(s);
	c = t_client_create(NULL, &info, SOCK_SEQPACKET);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, code);
	snprintf(want, sizeof(want), "connect to %s %u:%u", t_sp_transport(), T_CID,
	         (uint32_t) info.port);
	t_assert_error(c, (uint32_t) code, want);
	t_assert_error(c, (uint32_t) code, strerror(code));
	/* A refused connect may be retried on the same context. */
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, code);
	udo_vsock_tcp_destroy(c);
}

int main(void)
{
	signal(SIGPIPE, SIG_DFL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boundaries_are_kept_from_1_byte_to_the_largest_message),
		cmocka_unit_test(a_larger_message_is_emsgsize_and_nothing_of_it_is_sent),
		cmocka_unit_test(a_short_buffer_gets_the_first_part_and_the_rest_is_dropped),
		cmocka_unit_test(msg_trunc_returns_the_full_length),
		cmocka_unit_test(msg_peek_leaves_the_message),
		cmocka_unit_test(msg_dontwait_on_an_empty_socket_is_eagain),
		cmocka_unit_test(a_receive_timeout_is_eagain_within_its_bound),
		cmocka_unit_test(an_invalid_receive_buffer_fails_and_the_next_message_arrives),
		cmocka_unit_test(a_peer_that_closed_reads_0),
		cmocka_unit_test(sending_to_a_closed_peer_is_epipe_never_sigpipe),
		cmocka_unit_test(fd_based_functions_work_on_accepted_fds),
		cmocka_unit_test(every_fd_is_seqpacket_and_close_on_exec),
		cmocka_unit_test(a_refused_connect_names_transport_cid_port_and_errno),
	};

	return T_RUN_TRANSPORTS(tests, T_SP_TRANSPORTS);
}
