/* SPDX-License-Identifier: MIT */
/*
 * Socket activation leaves alone what it does not adopt: the passed fds a
 * create does not take keep their close-on-exec flag as the service
 * manager (or the program) left it, whether the create adopts one of the
 * others or none at all; only the adopted fd is made close-on-exec. A
 * program that creates a server and then execs a helper still hands the
 * helper its other sockets.
 *
 * The library reads the passed fds once per process, at its first server
 * create: each case runs in a child of its own, which passes itself the
 * sockets (LISTEN_PID, LISTEN_FDS, fds from 3) as a service manager would.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "activation-child.h"

static bool is_cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* The flags of fds 3 .. 3 + n - 1 are want[], but for skip (-1: none). */
static int flags_are(int n, const bool *want, int skip)
{
	for (int i = 0; i < n; i++)
		if (i != skip && is_cloexec(3 + i) != want[i])
			return t_child_fail("passed fd %d: close-on-exec %s, was %s before the create",
			                  3 + i, is_cloexec(3 + i) ? "set" : "cleared",
			                  want[i] ? "set" : "cleared");
	return 0;
}

static const bool mixed[3] = { false, false, true };

static int adopt_one_keep_the_others(void)
{
	struct udo_vsock_tcp *s;

	if (t_pass(3, mixed, NULL) < 0)
		return t_child_fail("pass the sockets: %s", strerror(errno));
	s = t_tcp_server(t_passed_port[0]);
	if (!s || udo_vsock_tcp_get_fd(s) != 3)
		return t_child_fail("the server did not adopt fd 3: %s",
		                  s ? "it has another fd" : strerror(errno));
	if (!is_cloexec(3))
		return t_child_fail("the adopted fd 3 is not close-on-exec");
	return flags_are(3, mixed, 0);
}

static int adopt_none_keep_all(void)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_LOCAL, .port = -1 };
	struct udo_vsock_tcp *s;

	if (t_pass(3, mixed, NULL) < 0)
		return t_child_fail("pass the sockets: %s", strerror(errno));
	/* A unix server: the passed tcp sockets are not for it. */
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &(struct udo_vsock_tcp_opts) {
	        .size = sizeof(struct udo_vsock_tcp_opts), .transport = "unix" });
	if (!s)
		return t_child_fail("a unix server of its own: %s", strerror(errno));
	if (udo_vsock_tcp_get_fd(s) < 3 + 3)
		return t_child_fail("the unix server took passed fd %d", udo_vsock_tcp_get_fd(s));
	udo_vsock_tcp_destroy(s);
	return flags_are(3, mixed, -1);
}

static void the_fds_a_create_does_not_adopt_keep_their_flags(void **state)
{
	(void) state;
	t_in_child(adopt_one_keep_the_others);
}

static void a_create_that_adopts_nothing_changes_no_flag(void **state)
{
	(void) state;
	t_in_child(adopt_none_keep_all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_fds_a_create_does_not_adopt_keep_their_flags),
		cmocka_unit_test(a_create_that_adopts_nothing_changes_no_flag),
	};

#ifndef HAVE_LIBSYSTEMD
	printf("1..0 # SKIP built without libsystemd: no socket activation\n");
	return 0;
#endif
	return T_RUN(tests);
}
