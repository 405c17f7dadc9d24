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
#include <limits.h>
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

/* Exit status of a child that found no vsock seqpacket socket to test on. */
#define CHILD_SKIPPED 77

extern void udo_fault_arm(int on) __attribute__((weak));

static char self[PATH_MAX];

/* ---- the children ---- */

static int vsock_seqpacket_socket(void)
{
	int fd = socket(AF_VSOCK, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fprintf(stderr, "# no AF_VSOCK SOCK_SEQPACKET socket here: %s\n", strerror(errno));
		exit(CHILD_SKIPPED);
	}
	return fd;
}

static ssize_t send_armed(int fd)
{
	char byte = 'x';
	ssize_t n;

	udo_fault_arm(1);
	n = udo_vsock_tcp_send_data(fd, &byte, 1, NULL);
	udo_fault_arm(0);
	return n;
}

static ssize_t recv_armed(int fd, int flags)
{
	char byte;
	ssize_t n;

	udo_fault_arm(1);
	n = udo_vsock_tcp_recv_data(fd, &byte, 1, &flags);
	udo_fault_arm(0);
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

struct kernel_case {
	const char *name;
	const char *fault;
	const char *release;
	void (*run)(void **state);
};

static const struct kernel_case cases[] = {
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
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- the parent: one child per case ---- */

static void run_case(void **state)
{
	const struct kernel_case *c = *state;
	const char *const env[] = { c->release, NULL };
	int status = t_fault_child(self, c->name, c->fault, env);

	if (status == CHILD_SKIPPED)
		skip();
	if (status != 0)
		fail_msg("case %s (%s, UDO_FAULT=%s) failed: exit status %d (see above)",
		         c->name, c->release, c->fault, status);
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[NCASES];
	ssize_t len;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "--case")) {
		struct CMUnitTest one[1];

		if (!udo_fault_arm)
			return 2;
		for (i = 0; i < NCASES && strcmp(cases[i].name, argv[2]); i++)
			;
		if (i == NCASES)
			return 2;
		memset(one, 0, sizeof(one));
		one[0].name = cases[i].name;
		one[0].test_func = cases[i].run;
		/* A skip in the child is its exit status: cmocka's own skip
		 * would read as a pass. */
		return T_RUN(one) ? 1 : 0;
	}

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 99;
	self[len] = '\0';
	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NCASES; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *) &cases[i];
	}
	return T_RUN(tests);
}
