/* SPDX-License-Identifier: MIT */
/*
 * Socket activation with variables sd_listen_fds() refuses: the socket is
 * passed (fd 3, its port held), but LISTEN_FDS or LISTEN_PID is malformed,
 * so nothing can be adopted, and the create's own bind finds the port in
 * use. The error must say that passed sockets were there but could not be
 * used, and why, not just "Address already in use". The passed fd keeps
 * its flags all the same. Each case in a child of its own (the library
 * reads the variables once per process).
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

static const char *want_text;

/* fd 3 passed with LISTEN_FDS (or LISTEN_PID, when pid is set) as given. */
static int broken(const char *listen_fds, const char *pid)
{
	struct udo_vsock_tcp *s = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	const char *msg;

	if (!s || t_pass(1, NULL, listen_fds) < 0)
		return t_child_fail("pass the socket: %s", strerror(errno));
	if (pid)
		setenv("LISTEN_PID", pid, 1); /* LISTEN_* are the protocol itself */
	if (udo_vsock_tcp_server_create_opts(s, &(struct udo_vsock_tcp_server_create_info) {
	                                        .vcid = VMADDR_CID_LOCAL, .port = t_passed_port[0] },
	                                     &(struct udo_vsock_tcp_opts) {
	                                        .size = sizeof(struct udo_vsock_tcp_opts),
	                                        .transport = "tcp" }))
		return t_child_fail("the create worked on a port the passed socket holds");
	msg = udo_log_get_error(s);
	if (udo_log_get_error_code(s) != EADDRINUSE || !strstr(msg, "Address already in use"))
		return t_child_fail("not \"address in use\": %s", msg);
	if (!strstr(msg, "sockets were passed to this process") || !strstr(msg, want_text))
		return t_child_fail("the message does not say why the passed socket was not "
		                    "used (%s): %s", want_text, msg);
	if (fcntl(3, F_GETFD) & FD_CLOEXEC)
		return t_child_fail("passed fd 3 was made close-on-exec");
	free(s);
	return 0;
}

static int not_a_number(void)
{
	want_text = "LISTEN_FDS=\"abc\" is not a number";
	return broken("abc", NULL);
}

static int negative(void)
{
	want_text = "LISTEN_FDS=\"-1\" is not a count";
	return broken("-1", NULL);
}

static int more_than_open(void)
{
	want_text = "LISTEN_FDS=\"50\" names fds 3 to 52, but fd ";
	return broken("50", NULL);
}

static int bad_pid(void)
{
	want_text = "LISTEN_PID=\"12x\" is not a process id";
	return broken(NULL, "12x");
}

static void listen_fds_not_a_number_is_explained(void **state)
{
	(void) state;
	t_in_child(not_a_number);
}

static void listen_fds_negative_is_explained(void **state)
{
	(void) state;
	t_in_child(negative);
}

static void listen_fds_naming_fds_not_open_is_explained(void **state)
{
	(void) state;
	t_in_child(more_than_open);
}

static void listen_pid_malformed_is_explained(void **state)
{
	(void) state;
	t_in_child(bad_pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listen_fds_not_a_number_is_explained),
		cmocka_unit_test(listen_fds_negative_is_explained),
		cmocka_unit_test(listen_fds_naming_fds_not_open_is_explained),
		cmocka_unit_test(listen_pid_malformed_is_explained),
	};

#ifndef HAVE_LIBSYSTEMD
	printf("1..0 # SKIP built without libsystemd: no socket activation\n");
	return 0;
#endif
	return T_RUN(tests);
}
