/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "names.h"

static const struct t_etc_file stock_files[] = {
	{ "hosts", T_DEBIAN_HOSTS },
	{ NULL, NULL },
};

/* The stock hosts file, with the resolver told to put IPv4 first (gai.conf:
 * RFC 6724's default table, IPv4-mapped raised above all). */
static const struct t_etc_file ipv4_first_files[] = {
	{ "hosts", T_DEBIAN_HOSTS },
	{ "gai.conf", "precedence ::1/128 50\n"
	              "precedence ::/0 40\n"
	              "precedence ::ffff:0:0/96 100\n"
	              "precedence 2002::/16 30\n"
	              "precedence ::/96 20\n" },
	{ NULL, NULL },
};

static const char *const v6_first[] = { "::1", "127.0.0.1" };
static const char *const v4_first[] = { "127.0.0.1", "::1" };

const struct t_names_root t_stock_root = { stock_files, "localhost", v6_first, 2, true };
const struct t_names_root t_ipv4_first_root = { ipv4_first_files, "localhost", v4_first, 2, true };

/* The addresses name resolves to here, as text, in order; 0 or -1. */
static int resolved(const char *name, char (*out)[INET6_ADDRSTRLEN], int max)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	int n = 0;

	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	for (a = res; a && n < max; a = a->ai_next) {
		const void *ip = a->ai_family == AF_INET6
			? (const void *) &((struct sockaddr_in6 *) a->ai_addr)->sin6_addr
			: (const void *) &((struct sockaddr_in *) a->ai_addr)->sin_addr;
		inet_ntop(a->ai_family, ip, out[n++], INET6_ADDRSTRLEN);
	}
	freeaddrinfo(res);
	return n;
}

/* True when name resolves to exactly these addresses, in this order. */
static bool resolves_to(const char *name, const char *const *want, int count)
{
	char got[8][INET6_ADDRSTRLEN];
	int i;

	if (resolved(name, got, 8) != count)
		return false;
	for (i = 0; i < count; i++)
		if (strcmp(got[i], want[i]))
			return false;
	return true;
}

struct run {
	const struct t_names_root *root;
	t_etc_body body;
	void *arg;
};

/* In the child: the root must resolve its name as the case needs. */
static int checked_body(void *arg, char *why, size_t len)
{
	const struct run *run = arg;
	const struct t_names_root *root = run->root;
	char got[8][INET6_ADDRSTRLEN], list[8 * (INET6_ADDRSTRLEN + 1)] = "";
	int n = resolved(root->name, got, 8), i;

	if (!resolves_to(root->name, root->order, root->count)) {
		for (i = 0; i < n; i++)
			strcat(strcat(list, i ? " " : ""), got[i]);
		WHY("%s resolves to \"%s\" here; the case needs %s first", root->name, list,
		    root->order[0]);
		return T_BODY_SKIP;
	}
	return run->body(run->arg, why, len);
}

void t_names_run(const struct t_names_root *root, t_etc_body body, void *arg)
{
	struct run run = { root, body, arg };

	if (root->ipv6 && !t_have_ipv6_loopback())
		t_skip_because("::1 is not configured on lo");
	t_private_etc(root->files, checked_body, &run);
}

int t_sock_family(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	return getsockname(fd, (struct sockaddr *) &ss, &sl) == 0 ? ss.ss_family : -1;
}

socklen_t t_inet_addr(const char *ip, int port, struct sockaddr_in6 *out)
{
	struct sockaddr_in *in = (struct sockaddr_in *) out;

	memset(out, 0, sizeof(*out));
	if (strchr(ip, ':')) {
		out->sin6_family = AF_INET6;
		out->sin6_port = htons((uint16_t) port);
		inet_pton(AF_INET6, ip, &out->sin6_addr);
		return sizeof(*out);
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t) port);
	inet_pton(AF_INET, ip, &in->sin_addr);
	return sizeof(*in);
}

int t_plain_bound(const char *ip, int port)
{
	struct sockaddr_in6 a;
	socklen_t sl = t_inet_addr(ip, port, &a);
	int fd = socket(a.sin6_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && bind(fd, (struct sockaddr *) &a, sl) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

int t_bound_port(int fd)
{
	struct sockaddr_in6 a;
	socklen_t sl = sizeof(a);

	getsockname(fd, (struct sockaddr *) &a, &sl);
	return ntohs(a.sin6_port); /* sin_port sits at the same offset */
}

int t_port_free_on_both(int *v6, int *v4)
{
	int tries;

	/* A busy machine holds many ports on one address only (TIME-WAIT
	 * included): try other pairs until one is free on both. */
	for (tries = 0; tries < 1000; tries++) {
		*v4 = -1;
		*v6 = t_plain_bound("::1", 0);
		if (*v6 < 0)
			return -1;
		*v4 = t_plain_bound("127.0.0.1", t_bound_port(*v6));
		if (*v4 >= 0)
			return t_bound_port(*v6);
		close(*v6);
	}
	*v6 = -1;
	return -1;
}

struct udo_vsock_tcp *t_names_client(uint32_t cid, int port)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = cid, .port = port };

	return t_client_create(NULL, &ci, 0);
}

int t_names_round_trip(uint32_t scid, uint32_t ccid, int sfamily, char *why, size_t len)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = scid, .port = -1 };
	struct udo_vsock_tcp *s = t_server_create(NULL, &si, 0), *c = NULL;
	int conn = -1, r = T_BODY_FAIL;
	char buf[4];

	if (!s)
		return WHY("server on CID %u: %s", scid, strerror(errno)), T_BODY_FAIL;
	if (t_sock_family(udo_vsock_tcp_get_fd(s)) != sfamily) {
		WHY("server on CID %u: bound family %d, expected %d", scid,
		    t_sock_family(udo_vsock_tcp_get_fd(s)), sfamily);
	} else if (!(c = t_names_client(ccid, udo_vsock_tcp_get_port(s)))) {
		WHY("client for CID %u: %s", ccid, strerror(errno));
	} else if (udo_vsock_tcp_client_connect(c) != 0) {
		WHY("connect: %s", udo_log_get_error(c));
	} else if (fcntl(udo_vsock_tcp_get_fd(c), F_GETFL) & O_NONBLOCK) {
		WHY("connected, but the client's socket is non-blocking");
	} else if ((conn = udo_vsock_tcp_server_accept(s, NULL)) < 0) {
		WHY("accept: %s", udo_log_get_error(s));
	} else if (udo_vsock_tcp_client_send_data(c, "name", 4, NULL) != 4 ||
	           udo_vsock_tcp_recv_data(conn, buf, 4, &(int){ MSG_WAITALL }) != 4 ||
	           memcmp(buf, "name", 4)) {
		WHY("the bytes sent did not arrive");
	} else {
		r = T_BODY_OK;
	}
	if (conn >= 0)
		close(conn);
	udo_vsock_tcp_destroy(c);
	udo_vsock_tcp_destroy(s);
	return r;
}
