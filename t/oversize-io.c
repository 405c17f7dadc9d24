/* SPDX-License-Identifier: MIT */
/* A size above SSIZE_MAX is no buffer a program has: send_data, recv_data
 * and client_send_data refuse it with -EINVAL and touch nothing. The
 * buffers end at a PROT_NONE page, so a library that passed such a size on
 * gets EFAULT or a short count from the kernel (never a read past the
 * buffer into memory that exists) and fails these tests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define OVERSIZE ((size_t) SSIZE_MAX + 1)
#define BUF_LEN 16

/* BUF_LEN bytes right before an inaccessible page. */
static char *guarded_buffer(void **map, size_t *map_len)
{
	size_t page = (size_t) sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);

	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + page, page, PROT_NONE), 0);
	memset(p, 'x', page);
	*map = p;
	*map_len = 2 * page;
	return p + page - BUF_LEN;
}

/* Nothing is waiting on fd. */
static void assert_nothing_queued(int fd)
{
	char b;

	assert_int_equal(recv(fd, &b, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

/* A connected socket pair and a guarded buffer. */
struct fixture {
	int sv[2];
	void *map;
	size_t map_len;
	char *buf;
};

static int fixture_open(void **state)
{
	struct fixture *f = test_malloc(sizeof(*f));

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sv), 0);
	f->buf = guarded_buffer(&f->map, &f->map_len);
	*state = f;
	return 0;
}

static int fixture_close(void **state)
{
	struct fixture *f = *state;

	close(f->sv[0]);
	close(f->sv[1]);
	munmap(f->map, f->map_len);
	test_free(f);
	return 0;
}

static void send_data_refuses_a_size_above_ssize_max(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(udo_vsock_tcp_send_data(f->sv[0], f->buf, OVERSIZE, NULL), -EINVAL);
	assert_nothing_queued(f->sv[1]);
}

static void recv_data_refuses_a_size_above_ssize_max(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send(f->sv[1], "y", 1, 0), 1);
	assert_int_equal(udo_vsock_tcp_recv_data(f->sv[0], f->buf, OVERSIZE, NULL), -EINVAL);
	assert_int_equal(f->buf[0], 'x');
	/* The byte is still there for a sane receive. */
	assert_int_equal(udo_vsock_tcp_recv_data(f->sv[0], f->buf, 1, NULL), 1);
	assert_int_equal(f->buf[0], 'y');
}

static void client_send_data_refuses_a_size_above_ssize_max(void **state)
{
	struct fixture *f = *state;
	struct t_pair p = t_pair_open();

	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, f->buf, OVERSIZE, NULL), -EINVAL);
	assert_nothing_queued(p.conn);
	/* The stream is intact: a sane send still arrives whole. */
	assert_int_equal(udo_vsock_tcp_client_send_data(p.c, f->buf, BUF_LEN, NULL), BUF_LEN);
	t_recv_all(p.conn, f->buf, BUF_LEN);
	t_pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(send_data_refuses_a_size_above_ssize_max,
		                                fixture_open, fixture_close),
		cmocka_unit_test_setup_teardown(recv_data_refuses_a_size_above_ssize_max,
		                                fixture_open, fixture_close),
		cmocka_unit_test_setup_teardown(client_send_data_refuses_a_size_above_ssize_max,
		                                fixture_open, fixture_close),
	};

	return T_RUN_TRANSPORTS(tests, T_STREAM_TRANSPORTS);
}
