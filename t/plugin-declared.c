/* SPDX-License-Identifier: MIT */
/*
 * The core goes by what a transport's table declares, not by its name: a
 * plugin named "unix" (t/fake/declared) that declares streams only, a
 * "nobody is there yet" errno of its own and no adoption of passed sockets
 * gets a seqpacket create refused naming it, its errno retried by the
 * connect wait (and no other), and a passed socket left with a line saying
 * why.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common.h"

#define PORT_NOT_YET 1 /* as t/fake/declared/unix.c */
#define PORT_FINAL 2

static struct udo_vsock_tcp *client(uint32_t port, unsigned int wait_ms)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL, .port = (int) port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.flags = UDO_VSOCK_TCP_OPT_NO_ENV;
	o.transport = "unix";
	o.connect_wait_ms = wait_ms;
	return udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
}

static void seqpacket_is_refused_naming_the_transport(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = VMADDR_CID_LOCAL, .port = 5000 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());

	o.flags = UDO_VSOCK_TCP_OPT_NO_ENV;
	o.transport = "unix";
	o.type = SOCK_SEQPACKET;
	errno = 0;
	assert_null(udo_vsock_tcp_client_create_opts(mem, &ci, &o));
	assert_int_equal(errno, EPROTONOSUPPORT);
	t_assert_error(mem, EPROTONOSUPPORT, "the unix transport carries SOCK_STREAM only");
	t_assert_error(mem, EPROTONOSUPPORT, "a test transport that declares streams only");
	test_free(mem);
}

static void declared_errno_is_retried_by_the_connect_wait(void **state)
{
	struct udo_vsock_tcp *c = client(PORT_NOT_YET, 500);

	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, EHOSTDOWN);
	t_assert_error(c, EHOSTDOWN, "gave up waiting for the listener");
	assert_null(strstr(udo_log_get_error(c), " 1 attempt "));
	udo_vsock_tcp_destroy(c);
}

static void undeclared_errno_is_final(void **state)
{
	struct udo_vsock_tcp *c = client(PORT_FINAL, 60000);

	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	assert_int_equal(errno, EHOSTUNREACH);
	assert_null(strstr(udo_log_get_error(c), "waiting for the listener"));
	udo_vsock_tcp_destroy(c);
}

#ifdef HAVE_LIBSYSTEMD
/* A listening abstract unix stream socket at fd 3, passed to this process
 * as a service manager passes it. */
static bool pass_socket(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char n[16];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof(sa_family_t)) < 0 ||
	    listen(fd, 1) < 0) /* an autobound abstract name */
		return false;
	if (fd != 3) {
		if (dup2(fd, 3) != 3)
			return false;
		close(fd);
	}
	snprintf(n, sizeof(n), "%d", (int) getpid());
	setenv("LISTEN_PID", n, 1);
	setenv("LISTEN_FDS", "1", 1);
	return true;
}
#endif

static void no_adoption_says_so_when_the_bind_fails(void **state)
{
#ifdef HAVE_LIBSYSTEMD
	struct udo_vsock_tcp_server_create_info si = { .vcid = VMADDR_CID_ANY, .port = 5000 };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());

	o.transport = "unix";
	errno = 0;
	assert_null(udo_vsock_tcp_server_create_opts(mem, &si, &o));
	assert_int_equal(errno, EADDRINUSE);
	t_assert_error(mem, EADDRINUSE, "sockets were passed to this process (socket activation) "
	               "but the unix transport does not adopt passed sockets");
	test_free(mem);
#else
	skip(); /* built without libsystemd: no adoption at all */
#endif
}

int main(void)
{
	char self[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seqpacket_is_refused_naming_the_transport),
		cmocka_unit_test(undeclared_errno_is_final),
		cmocka_unit_test(declared_errno_is_retried_by_the_connect_wait),
		cmocka_unit_test(no_adoption_says_so_when_the_bind_fails),
	};

	if (n <= 0) {
		fprintf(stderr, "plugin-declared: needs /proc/self/exe\n");
		return 1;
	}
	self[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/fake/declared", dirname(self));
	setenv("UDO_VSOCK_TCP_PLUGIN_PATH", dir, 1);
#ifdef HAVE_LIBSYSTEMD
	/* Before the first create: the library notes passed sockets once. */
	if (!pass_socket()) {
		perror("plugin-declared: pass a unix socket");
		return 1;
	}
#endif
	return T_RUN(tests);
}
