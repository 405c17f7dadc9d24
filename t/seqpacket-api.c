/* SPDX-License-Identifier: MIT */
/*
 * The 0.3 creates with a type, and which transports carry SOCK_SEQPACKET:
 * invalid types, get_type, tcp and hybrid refusing it, auto's picks, and
 * the unix transport's names and CIDs. Each test names the transport it
 * needs in opts, so the guest's UDO_VSOCK_TCP_TRANSPORT does not matter here.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* The transport each test names, given in opts; NULL: the environment's. */
static const char *on;

static struct udo_vsock_tcp *server_mem(void *mem,
                                        const struct udo_vsock_tcp_server_create_info *info,
                                        int type)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = on;
	o.type = type;
	return udo_vsock_tcp_server_create_opts(mem, info, &o);
}

static struct udo_vsock_tcp *client_mem(void *mem,
                                        const struct udo_vsock_tcp_client_create_info *info,
                                        int type, const char *uds)
{
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;

	o.transport = on;
	o.type = type;
	o.hybrid_uds = uds;
	return udo_vsock_tcp_client_create_opts(mem, info, &o);
}

static struct udo_vsock_tcp *server_on(uint32_t cid, int port, int type)
{
	struct udo_vsock_tcp_server_create_info info = { .vcid = cid, .port = port };

	return server_mem(NULL, &info, type);
}

static struct udo_vsock_tcp *client_for(uint32_t cid, int port, int type)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = cid, .port = port };

	return client_mem(NULL, &info, type, NULL);
}

static int reset(void **state)
{
	on = NULL;
	return 0;
}

static void an_invalid_type_is_einval_naming_the_allowed_types(void **state)
{
	static const int bad[] = { 0, -1, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM | SOCK_NONBLOCK,
	                           SOCK_SEQPACKET | SOCK_NONBLOCK, SOCK_CLOEXEC };
	struct udo_vsock_tcp_server_create_info sinfo = { .vcid = T_CID, .port = -1 };
	struct udo_vsock_tcp_client_create_info cinfo = { .vcid = T_CID, .port = 5000 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(udo_vsock_tcp_server_create_type(NULL, &sinfo, bad[i]));
		assert_int_equal(errno, EINVAL);
		errno = 0;
		assert_null(udo_vsock_tcp_client_create_type(NULL, &cinfo, bad[i]));
		assert_int_equal(errno, EINVAL);
		assert_null(udo_vsock_tcp_server_create_type(mem, &sinfo, bad[i]));
		t_assert_error(mem, EINVAL, "use SOCK_STREAM or SOCK_SEQPACKET");
		assert_null(udo_vsock_tcp_client_create_type(mem, &cinfo, bad[i]));
		t_assert_error(mem, EINVAL, "client_create_type: socket type");
	}
	errno = 0;
	assert_null(udo_vsock_tcp_client_create_type(NULL, NULL, SOCK_SEQPACKET));
	assert_int_equal(errno, EINVAL);
	test_free(mem);
}

static void get_type_is_the_created_type_and_minus_1_for_null(void **state)
{
	struct udo_vsock_tcp *s;

	on = "unix";
	assert_int_equal(udo_vsock_tcp_get_type(NULL), -1);
	s = server_on(T_CID, -1, SOCK_SEQPACKET | SOCK_CLOEXEC);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_type(s), SOCK_SEQPACKET);
	udo_vsock_tcp_destroy(s);
	s = server_on(T_CID, -1, SOCK_STREAM);
	assert_non_null(s);
	assert_int_equal(udo_vsock_tcp_get_type(s), SOCK_STREAM);
	udo_vsock_tcp_destroy(s);
	on = NULL;
	s = t_server(); /* the 0.1 create is SOCK_STREAM */
	assert_int_equal(udo_vsock_tcp_get_type(s), SOCK_STREAM);
	udo_vsock_tcp_destroy(s);
}

static void tcp_refuses_seqpacket_saying_what_to_use(void **state)
{
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp_server_create_info sinfo = { .vcid = T_CID, .port = 5000 };
	struct udo_vsock_tcp_client_create_info cinfo = { .vcid = T_CID, .port = 5000 };

	on = "tcp";
	errno = 0;
	assert_null(server_mem(mem, &sinfo, SOCK_SEQPACKET));
	assert_int_equal(errno, EPROTONOSUPPORT);
	t_assert_error(mem, EPROTONOSUPPORT, "bind to tcp 1:5000");
	t_assert_error(mem, EPROTONOSUPPORT, "use vsock, or unix");
	assert_null(client_mem(mem, &cinfo, SOCK_SEQPACKET, NULL));
	assert_int_equal(errno, EPROTONOSUPPORT);
	t_assert_error(mem, EPROTONOSUPPORT, "connect to tcp 1:5000");
	t_assert_error(mem, EPROTONOSUPPORT, "TCP keeps no message boundaries");
	test_free(mem);
}

static void hybrid_refuses_seqpacket_saying_what_to_use(void **state)
{
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp_client_create_info cinfo = { .vcid = 3, .port = 52 };
	struct udo_vsock_tcp *c;

	const char *uds = "3=/nonexistent/vm3.vsock";

	on = "hybrid";
	errno = 0;
	assert_null(client_mem(mem, &cinfo, SOCK_SEQPACKET, uds));
	assert_int_equal(errno, EPROTONOSUPPORT);
	t_assert_error(mem, EPROTONOSUPPORT, "connect to hybrid 3:52");
	t_assert_error(mem, EPROTONOSUPPORT, "streams only");
	t_assert_error(mem, EPROTONOSUPPORT, "use vsock");
	/* auto never hands seqpacket to hybrid, even for a configured CID
	 * (here vsock or unix, whichever reaches CID 3; only created). */
	on = "auto";
	c = client_mem(NULL, &cinfo, SOCK_SEQPACKET, uds);
	assert_non_null(c);
	assert_string_not_equal(udo_vsock_tcp_get_transport(c), "hybrid");
	udo_vsock_tcp_destroy(c);
	c = client_mem(NULL, &cinfo, SOCK_STREAM, uds);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "hybrid");
	udo_vsock_tcp_destroy(c);
	test_free(mem);
}

static void auto_seqpacket_is_vsock_where_cid_1_is_served_else_unix(void **state)
{
	const char *want = t_have_vsock_loopback() ? "vsock" : "unix";
	struct udo_vsock_tcp *s, *c;

	on = "auto";
	s = server_on(T_CID, -1, SOCK_SEQPACKET);
	assert_non_null(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s), want);
	c = client_for(T_CID, udo_vsock_tcp_get_port(s), SOCK_SEQPACKET);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), want);
	assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
}

static void auto_streams_never_pick_unix(void **state)
{
	struct udo_vsock_tcp *s;

	on = "auto";
	s = server_on(T_CID, -1, SOCK_STREAM);
	assert_non_null(s);
	assert_string_equal(udo_vsock_tcp_get_transport(s),
	                    t_have_vsock_loopback() ? "vsock" : "tcp");
	udo_vsock_tcp_destroy(s);
}

/* The child of the next test, run as a fresh process (exec'ed, so no
 * plugin is loaded yet) with a plugin directory that holds only unix. */
static int without_vsock(void)
{
	struct udo_vsock_tcp_client_create_info remote = { .vcid = 77, .port = 5 };
	void *mem = malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *s, *c = NULL;

	on = "auto";
	s = server_on(VMADDR_CID_ANY, -1, SOCK_SEQPACKET);
	if (s)
		c = client_for(VMADDR_CID_LOCAL, udo_vsock_tcp_get_port(s), SOCK_SEQPACKET);
	if (!s || !c || strcmp(udo_vsock_tcp_get_transport(s), "unix") ||
	    udo_vsock_tcp_client_connect(c) != 0) {
		printf("# without vsock: %s\n", !s || !c ? strerror(errno)
		                                          : udo_log_get_error(c));
		return 1;
	}
	if (client_mem(mem, &remote, SOCK_SEQPACKET, NULL) ||
	    errno != EPROTONOSUPPORT || !strstr(udo_log_get_error(mem), "auto 77:5") ||
	    !strstr(udo_log_get_error(mem), "unix does not either")) {
		printf("# without vsock, CID 77: %s\n", udo_log_get_error(mem));
		return 2;
	}
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	free(mem);
	return 0;
}

/* Without a vsock plugin, auto seqpacket serves local CIDs on unix and
 * refuses others with EPROTONOSUPPORT. */
static void auto_seqpacket_without_vsock_is_unix_locally_else_eprotonosupport(void **state)
{
	char dir[] = "/tmp/udo-sp-XXXXXX", link[PATH_MAX], target[PATH_MAX];
	const char *plugins = getenv("UDO_VSOCK_TCP_PLUGIN_PATH");
	int status;
	pid_t pid;

	if (!plugins)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/unix.so", dir);
	snprintf(target, sizeof(target), "%s/.libs/unix.so", plugins);
	if (access(target, R_OK) != 0) /* an installed tree: no .libs */
		snprintf(target, sizeof(target), "%s/unix.so", plugins);
	assert_int_equal(symlink(target, link), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("UDO_VSOCK_TCP_PLUGIN_PATH", dir, 1); /* a variable only: not a create setting */
		t_exec_self((char *[]){ "--without-vsock", NULL });
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(link);
	rmdir(dir);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void unix_serves_local_cids_only(void **state)
{
	uint32_t local = udo_vsock_tcp_get_local_vcid();
	uint32_t cids[] = { VMADDR_CID_LOCAL, VMADDR_CID_HOST, VMADDR_CID_ANY, local };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp_server_create_info sinfo = { .vcid = 7, .port = 5000 };
	struct udo_vsock_tcp *s, *c;
	size_t i;

	on = "unix";
	for (i = 0; i < sizeof(cids) / sizeof(cids[0]); i++) {
		if (cids[i] == UINT32_MAX && i == 3)
			continue; /* no /dev/vsock: no CID of its own */
		s = server_on(cids[i], -1, SOCK_SEQPACKET);
		assert_non_null(s);
		assert_string_equal(udo_vsock_tcp_get_transport(s), "unix");
		if (cids[i] != VMADDR_CID_ANY) {
			c = client_for(cids[i], udo_vsock_tcp_get_port(s), SOCK_SEQPACKET);
			assert_non_null(c);
			assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
			udo_vsock_tcp_destroy(c);
		}
		udo_vsock_tcp_destroy(s);
	}
	assert_null(server_mem(mem, &sinfo, SOCK_SEQPACKET));
	assert_int_equal(errno, EHOSTUNREACH);
	t_assert_error(mem, EHOSTUNREACH, "bind to unix 7:5000");
	assert_null(client_mem(mem, &(struct udo_vsock_tcp_client_create_info)
	                      { .vcid = 7, .port = 5000 }, SOCK_STREAM, NULL));
	assert_int_equal(errno, EHOSTUNREACH);
	t_assert_error(mem, EHOSTUNREACH, "connect to unix 7:5000");
	test_free(mem);
}

static socklen_t abstract_name(struct sockaddr_un *sun, int port)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "udo-vsock-tcp/%u",
	             (uint32_t) port);
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n);
}

static void a_unix_port_is_the_abstract_name_udo_vsock_tcp_slash_port(void **state)
{
	static const int types[] = { SOCK_SEQPACKET, SOCK_STREAM };
	struct sockaddr_vm peer;
	struct sockaddr_un sun;
	struct udo_vsock_tcp *s, *c;
	socklen_t len;
	size_t i;
	int fd, conn;
	char got[8];

	on = "unix";
	for (i = 0; i < 2; i++) {
		/* A plain AF_UNIX client reaches a library server by its name. */
		s = server_on(T_CID, -1, types[i]);
		assert_non_null(s);
		fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		len = abstract_name(&sun, udo_vsock_tcp_get_port(s));
		assert_int_equal(connect(fd, (struct sockaddr *) &sun, len), 0);
		conn = udo_vsock_tcp_server_accept(s, &peer);
		assert_true(conn >= 0);
		assert_int_equal(peer.svm_family, AF_VSOCK);
		assert_int_equal(peer.svm_cid, VMADDR_CID_LOCAL);
		assert_int_equal(send(fd, "raw", 3, 0), 3);
		assert_int_equal(udo_vsock_tcp_recv_data(conn, got, sizeof(got), NULL), 3);
		close(conn);
		close(fd);
		udo_vsock_tcp_destroy(s);

		/* A library client reaches a plain AF_UNIX server, port above
		 * INT_MAX included (written unsigned in the name). */
		fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		len = abstract_name(&sun, (int) 3000000000u);
		assert_int_equal(bind(fd, (struct sockaddr *) &sun, len), 0);
		assert_int_equal(listen(fd, 1), 0);
		c = client_for(T_CID, (int) 3000000000u, types[i]);
		assert_non_null(c);
		assert_int_equal(udo_vsock_tcp_client_connect(c), 0);
		conn = accept(fd, NULL, NULL);
		assert_true(conn >= 0);
		assert_int_equal(udo_vsock_tcp_client_send_data(c, "lib", 3, NULL), 3);
		assert_int_equal(recv(conn, got, sizeof(got), 0), 3);
		close(conn);
		close(fd);
		udo_vsock_tcp_destroy(c);
	}
}

static void a_unix_port_in_use_is_eaddrinuse_naming_it(void **state)
{
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *s;
	struct udo_vsock_tcp_server_create_info info = { .vcid = T_CID };
	char want[64];

	on = "unix";
	s = server_on(T_CID, -1, SOCK_SEQPACKET);
	assert_non_null(s);
	info.port = udo_vsock_tcp_get_port(s);
	assert_null(server_mem(mem, &info, SOCK_SEQPACKET));
	assert_int_equal(errno, EADDRINUSE);
	snprintf(want, sizeof(want), "bind to unix 1:%u (@udo-vsock-tcp/%u)",
	         (uint32_t) info.port, (uint32_t) info.port);
	t_assert_error(mem, EADDRINUSE, want);
	udo_vsock_tcp_destroy(s);
	/* Closed, the name is free at once: a restarted server rebinds. */
	s = server_mem(mem, &info, SOCK_SEQPACKET);
	assert_non_null(s);
	udo_vsock_tcp_destroy(s);
	test_free(mem);
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--without-vsock"))
		return without_vsock();
	const struct CMUnitTest tests[] = {
		T(an_invalid_type_is_einval_naming_the_allowed_types),
		T(get_type_is_the_created_type_and_minus_1_for_null),
		T(tcp_refuses_seqpacket_saying_what_to_use),
		T(hybrid_refuses_seqpacket_saying_what_to_use),
		T(auto_seqpacket_is_vsock_where_cid_1_is_served_else_unix),
		T(auto_streams_never_pick_unix),
		T(auto_seqpacket_without_vsock_is_unix_locally_else_eprotonosupport),
		T(unix_serves_local_cids_only),
		T(a_unix_port_is_the_abstract_name_udo_vsock_tcp_slash_port),
		T(a_unix_port_in_use_is_eaddrinuse_naming_it),
	};

	return T_RUN(tests);
}
