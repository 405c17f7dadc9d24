/* SPDX-License-Identifier: MIT */
/*
 * An ordinary vsock tool talks to a library server: `socat - VSOCK-CONNECT:1:PORT`
 * reaches a vsock server on CID 1, and both directions carry their bytes.
 * Ports print as the kernel sees them (unsigned 32-bit).
 * Needs vsock loopback and socat: `make check-vm` runs it in a qemu guest that
 * has both; elsewhere it skips.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

extern char **environ;

/* Start socat with its stdin and stdout on pipes; false when socat is absent. */
static bool spawn_socat(int port, pid_t *pid, int *to, int *from)
{
	char addr[48];
	char *argv[] = { "socat", "-", addr, NULL };
	posix_spawn_file_actions_t fa;
	int in[2], out[2], err;

	snprintf(addr, sizeof(addr), "VSOCK-CONNECT:%u:%u", VMADDR_CID_LOCAL, (unsigned int) port);
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	err = posix_spawnp(pid, "socat", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (err == ENOENT) {
		close(in[1]);
		close(out[0]);
		return false;
	}
	if (err)
		fail_msg("spawn socat: %s", strerror(err));
	*to = in[1];
	*from = out[0];
	return true;
}

static void socat_vsock_connect_talks_to_a_library_server(void **state)
{
	static const char hello[] = "hello from socat\n";
	static const char reply[] = "hello from libudo-vsock-tcp\n";
	char buf[128];
	struct udo_vsock_tcp *s;
	struct pollfd pfd[2];
	int to = -1, from = -1, fd, status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (!t_have_vsock_loopback()) {
		if (getenv("UDO_VM_GUEST"))
			fail_msg("UDO_VM_GUEST is set but CID 1 is not served: vsock_loopback not loaded?");
		skip();
	}
	t_use_transport("vsock");
	s = t_server();
	if (!spawn_socat(udo_vsock_tcp_get_port(s), &pid, &to, &from)) {
		udo_vsock_tcp_destroy(s);
		skip(); /* no socat in PATH */
	}
	assert_int_equal(write(to, hello, strlen(hello)), (ssize_t) strlen(hello));

	/* Wait for socat's connection, or for socat to give up (its stdout closes). */
	pfd[0] = (struct pollfd) { .fd = udo_vsock_tcp_get_fd(s), .events = POLLIN };
	pfd[1] = (struct pollfd) { .fd = from, .events = POLLIN };
	while (poll(pfd, 2, -1) < 0)
		assert_int_equal(errno, EINTR);
	if (!(pfd[0].revents & POLLIN)) {
		waitpid(pid, &status, 0);
		fail_msg("socat %s to vsock 1:%u exited (status %d) without connecting",
		         "VSOCK-CONNECT", (unsigned int) udo_vsock_tcp_get_port(s), status);
	}
	fd = t_accept(s);
	t_recv_all(fd, buf, strlen(hello));
	assert_memory_equal(buf, hello, strlen(hello));
	t_send_all(fd, reply, strlen(reply));
	close(fd); /* socat writes the reply out, then sees the end of stream */

	while (got < sizeof(buf) && (n = read(from, buf + got, sizeof(buf) - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n > 0);
		got += (size_t) n;
	}
	close(from);
	close(to);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(got, strlen(reply));
	assert_memory_equal(buf, reply, strlen(reply));
	udo_vsock_tcp_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socat_vsock_connect_talks_to_a_library_server),
	};

	return T_RUN(tests);
}
