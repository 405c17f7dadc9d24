/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "common.h"

struct udo_vsock_tcp *t_server(void)
{
	return t_server_type(SOCK_STREAM);
}

struct udo_vsock_tcp *t_server_type(int type)
{
	struct udo_vsock_tcp_server_create_info info = {
		.vcid = T_CID, .port = -1, .connections = 64,
	};
	struct udo_vsock_tcp *s = t_server_create(NULL, &info, type);

	if (!s)
		fail_msg("%s server (type %d) on CID %u: %s", t_under_test() ? t_under_test() : "auto",
		         type, T_CID, strerror(errno));
	t_assert_under_test(s);
	return s;
}

struct udo_vsock_tcp *t_client(struct udo_vsock_tcp *server)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = T_CID, .port = udo_vsock_tcp_get_port(server),
	};

	return t_connected(t_client_create(NULL, &info, 0), &info);
}

struct udo_vsock_tcp *t_connected(struct udo_vsock_tcp *c,
                                  const struct udo_vsock_tcp_client_create_info *info)
{
	if (!c)
		fail_msg("client for CID %u port %d: %s", info->vcid, info->port, strerror(errno));
	t_assert_under_test(c);
	if (udo_vsock_tcp_client_connect(c) != 0)
		fail_msg("connect: %s", udo_log_get_error(c));
	return c;
}

int t_accept(struct udo_vsock_tcp *server)
{
	int fd = udo_vsock_tcp_server_accept(server, NULL);

	if (fd < 0)
		fail_msg("accept: %s", udo_log_get_error(server));
	return fd;
}

int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

void t_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = udo_vsock_tcp_send_data(fd, p, len, NULL);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			fail_msg("send: %s", strerror((int) -n));
		p += n;
		len -= (size_t) n;
	}
}

void t_recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = udo_vsock_tcp_recv_data(fd, p, len, NULL);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			fail_msg("recv: %s", n ? strerror((int) -n) : "peer closed early");
		p += n;
		len -= (size_t) n;
	}
}

const char *t_transport(void)
{
	struct udo_vsock_tcp_client_create_info info = { .vcid = T_CID, .port = 1 };
	struct udo_vsock_tcp *c = t_client_create(NULL, &info, 0);
	static char name[16];

	assert_non_null(c);
	strncpy(name, udo_vsock_tcp_get_transport(c), sizeof(name) - 1);
	udo_vsock_tcp_destroy(c);
	return name;
}

int t_refused_errno(const char *transport)
{
	return strcmp(transport, "vsock") ? ECONNREFUSED : ECONNRESET;
}

int t_run(const char *name, const struct CMUnitTest *tests, size_t count)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests(name, tests, count, NULL, NULL);
}

uint64_t t_hash(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void t_fill(void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char) (((off + i) * 2654435761u) >> 13);
}

/* On tcp a freed port is soon another's: any port-0 bind or outgoing
 * connect of this busy machine may take it. So the last port handed out
 * stays held by a socket bound to it that does not listen (a connect is
 * refused) and lets a server with SO_REUSEADDR (the library's) bind beside
 * it. One at a time, so that the fds a test counts stay put. */
static int unused_held = -1;

/* A socket bound beside (SO_REUSEADDR) to the address of ss; -1 when the
 * address was taken meanwhile. */
static int hold_tcp_port(const struct sockaddr_storage *ss, socklen_t len)
{
	int h = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (h < 0)
		fail_msg("socket: %s", strerror(errno));
	if (setsockopt(h, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(h, (const struct sockaddr *) ss, len) != 0) {
		close(h);
		return -1;
	}
	return h;
}

int t_unused_port(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int tries, port, h;

	for (tries = 0; tries < 100; tries++) {
		struct udo_vsock_tcp *s = t_server();
		bool tcp = !strcmp(udo_vsock_tcp_get_transport(s), "tcp");

		port = udo_vsock_tcp_get_port(s);
		len = sizeof(ss);
		if (tcp && getsockname(udo_vsock_tcp_get_fd(s), (struct sockaddr *) &ss, &len) != 0)
			fail_msg("getsockname: %s", strerror(errno));
		udo_vsock_tcp_destroy(s);
		if (!tcp)
			return port;
		h = hold_tcp_port(&ss, len);
		if (h < 0)
			continue;
		if (unused_held >= 0) {
			/* The same fd number as before: the fds a test counts stay put. */
			if (dup3(h, unused_held, O_CLOEXEC) < 0)
				fail_msg("dup3: %s", strerror(errno));
			close(h);
			h = unused_held;
		}
		unused_held = h;
		return port;
	}
	fail_msg("no tcp port could be held in 100 tries");
	return -1;
}

bool t_have_vsock_loopback(void)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_LOCAL, .svm_port = VMADDR_PORT_ANY,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

void t_assert_error(const void *ctx, uint32_t code, const char *want)
{
	if (udo_log_get_error_code(ctx) != code || !strstr(udo_log_get_error(ctx), want))
		fail_msg("expected error %u containing \"%s\", got %u \"%s\"", code, want,
		         udo_log_get_error_code(ctx), udo_log_get_error(ctx));
}

struct t_pair t_pair_open(void)
{
	struct t_pair p;

	p.s = t_server();
	p.c = t_client(p.s);
	p.conn = t_accept(p.s);
	return p;
}

void t_pair_close(struct t_pair *p)
{
	if (p->conn >= 0)
		close(p->conn);
	udo_vsock_tcp_destroy(p->c);
	udo_vsock_tcp_destroy(p->s);
}

long t_elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

unsigned int t_wait_attempts(const char *msg)
{
	const char *p = strstr(msg, " ms and ");
	unsigned int n = 0;

	if (!p || sscanf(p, " ms and %u attempt", &n) != 1)
		fail_msg("no attempt count in \"%s\"", msg);
	return n;
}

void t_exec_self(char *const args[])
{
	const char *emulator = getenv("UDO_TEST_EMULATOR");
	char self[PATH_MAX], *argv[16];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t n = 0, i;

	if (len < 0) {
		fprintf(stderr, "readlink /proc/self/exe: %s\n", strerror(errno));
		return;
	}
	self[len] = '\0'; /* the emulated program's own path, under qemu-user too */
	if (emulator && *emulator)
		argv[n++] = (char *) emulator;
	argv[n++] = self;
	for (i = 0; args[i] && n < sizeof(argv) / sizeof(argv[0]) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	execvp(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
}
