/* SPDX-License-Identifier: MIT */
/*
 * Kernels before 6.3 (Debian 12's 6.1) answer an oversized vsock seqpacket
 * send, and a seqpacket MSG_PEEK, with ENOMEM; the library reports what
 * happened instead (-EMSGSIZE, -EOPNOTSUPP). Later kernels say it
 * themselves, and there an ENOMEM is a real lack of memory, which the
 * library passes on unchanged.
 *
 * Each case runs in a child with the fault shim preloaded: it makes send or
 * recv fail with ENOMEM and uname report the kernel release the case names
 * (t/fault/sockets.c), so both kernels are tested on whichever one runs the
 * suite. The real kernels' own answers are tested by t/seqpacket-messages
 * in the make check-vm guests (Debian 12's 6.1 and Debian 13's 6.12).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "fault/child.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

#define OLD_KERNEL "UDO_FAULT_UNAME_RELEASE=6.1.0-30-amd64"
#define NEW_KERNEL "UDO_FAULT_UNAME_RELEASE=6.12.48+deb13-amd64"
#define ODD_KERNEL "UDO_FAULT_UNAME_RELEASE=not-a-release"

/* ---- the children ---- */

static int vsock_seqpacket_socket(void)
{
	int fd = socket(AF_VSOCK, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fprintf(stderr, "# no AF_VSOCK SOCK_SEQPACKET socket here: %s\n", strerror(errno));
		exit(T_FAULT_SKIP);
	}
	return fd;
}

static ssize_t send_armed(int fd)
{
	char byte = 'x';
	ssize_t n;

	t_fault_arm();
	n = udo_vsock_tcp_send_data(fd, &byte, 1, NULL);
	t_fault_disarm();
	return n;
}

static ssize_t recv_armed(int fd, int flags)
{
	char byte;
	ssize_t n;

	t_fault_arm();
	n = udo_vsock_tcp_recv_data(fd, &byte, 1, &flags);
	t_fault_disarm();
	return n;
}

static void old_send(void **state)
{
	int fd = vsock_seqpacket_socket();

	assert_int_equal(send_armed(fd), -EMSGSIZE);
	close(fd);
}

static void old_recv(void **state)
{
	int fd = vsock_seqpacket_socket();

	assert_int_equal(recv_armed(fd, MSG_PEEK), -EOPNOTSUPP);
	assert_int_equal(recv_armed(fd, 0), -EFAULT);
	close(fd);
}

static void new_send_recv(void **state)
{
	int fd = vsock_seqpacket_socket();

	assert_int_equal(send_armed(fd), -ENOMEM);
	assert_int_equal(recv_armed(fd, MSG_PEEK), -ENOMEM);
	assert_int_equal(recv_armed(fd, 0), -ENOMEM);
	close(fd);
}

static void other_sockets(void **state)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(send_armed(sv[0]), -ENOMEM);
	assert_int_equal(recv_armed(sv[1], MSG_PEEK), -ENOMEM);
	close(sv[0]);
	close(sv[1]);
}

static const struct t_fault_case cases[] = {
	{ "before_6_3_an_oversized_vsock_seqpacket_send_is_EMSGSIZE", "send:ENOMEM",
	  OLD_KERNEL, old_send },
	{ "before_6_3_a_vsock_seqpacket_peek_is_EOPNOTSUPP_a_bad_buffer_EFAULT",
	  "recv:ENOMEM", OLD_KERNEL, old_recv },
	{ "from_6_3_ENOMEM_on_vsock_seqpacket_stays_ENOMEM", "send:ENOMEM,recv:ENOMEM",
	  NEW_KERNEL, new_send_recv },
	{ "an_unreadable_kernel_release_passes_ENOMEM_on", "send:ENOMEM,recv:ENOMEM",
	  ODD_KERNEL, new_send_recv },
	{ "before_6_3_ENOMEM_on_other_sockets_stays_ENOMEM", "send:ENOMEM,recv:ENOMEM",
	  OLD_KERNEL, other_sockets },
};

int main(int argc, char **argv)
{
	return t_fault_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
