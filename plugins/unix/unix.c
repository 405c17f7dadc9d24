/* SPDX-License-Identifier: MIT */
/*
 * The unix transport: AF_UNIX sockets in the abstract namespace, for two
 * ends on one machine (tests, CI). Streams and seqpacket alike: the kernel
 * keeps the message boundaries itself, so fd-based I/O needs nothing from
 * the library.
 *
 * Port P is the abstract name "udo-vsock-tcp/P" (a NUL byte, then those
 * bytes, P unsigned decimal), so any program can reach it (socat
 * ABSTRACT-CONNECT:udo-vsock-tcp/5000). Abstract names have no permissions:
 * anything in the network namespace may connect, as with loopback tcp.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "transport.h"

#define NAME_PREFIX "udo-vsock-tcp/"
/* Port -1 on a server: the first free port from a random place in the range
 * the kernel uses for ephemeral ports. */
#define PICK_FIRST 49152u
#define PICK_COUNT 16384u

static pthread_once_t local_cid_once = PTHREAD_ONCE_INIT;
static uint32_t local_cid;

static void read_local_cid(void)
{
	local_cid = udo_local_cid();
}

/* This machine's CIDs: 1, 2 and its own. */
static int unix_reachable(uint32_t cid)
{
	if (cid == VMADDR_CID_LOCAL || cid == VMADDR_CID_HOST)
		return 0;
	pthread_once(&local_cid_once, read_local_cid);
	return cid == local_cid && cid != UINT32_MAX ? 0 : -EHOSTUNREACH;
}

static int unix_client_reachable(const struct udo_vsock_tcp *vsock, uint32_t cid)
{
	(void) vsock;
	return unix_reachable(cid);
}

static int check_cid(struct udo_vsock_tcp *vsock, uint32_t cid, uint32_t port, bool server)
{
	if ((server && cid == VMADDR_CID_ANY) || unix_reachable(cid) == 0)
		return 0;
	return udo_ctx_error(vsock, EHOSTUNREACH, false,
	                     "%s unix %u:%u: the unix transport serves only this machine's "
	                     "CIDs (1, 2 and its own%s); use vsock for CID %u",
	                     server ? "bind to" : "connect to", cid, port,
	                     server ? ", or any" : "", cid);
}

/* The abstract address of port; its length for bind and connect. */
static socklen_t name_addr(struct sockaddr_un *sun, uint32_t port)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, NAME_PREFIX "%u", port);
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n);
}

static int bind_port(int fd, uint32_t port)
{
	struct sockaddr_un sun;
	socklen_t len = name_addr(&sun, port);

	return bind(fd, (struct sockaddr *) &sun, len) == 0 ? 0 : -errno;
}

/* Port -1: returns the port bound, or -errno. */
static int bind_any_port(int fd)
{
	unsigned int start = 0, i;
	int r = -EADDRINUSE;

	if (getrandom(&start, sizeof(start), GRND_NONBLOCK) != sizeof(start))
		start = (unsigned int) getpid() * 2654435761u;
	for (i = 0; i < PICK_COUNT && r == -EADDRINUSE; i++) {
		unsigned int port = PICK_FIRST + (start + i) % PICK_COUNT;

		r = bind_port(fd, port);
		if (r == 0)
			return (int) port;
	}
	return r;
}

static int unix_server_create(struct udo_vsock_tcp *vsock,
                              const struct udo_vsock_tcp_server_create_info *info)
{
	uint32_t port = (uint32_t) info->port;
	int fd, err;

	err = check_cid(vsock, info->vcid, port, true);
	if (err < 0)
		return err;
	fd = udo_ctx_socket(vsock, AF_UNIX, "unix");
	if (fd < 0)
		return fd;
	err = info->port == -1 ? bind_any_port(fd) : bind_port(fd, port);
	if (err < 0 && info->port == -1) {
		err = udo_ctx_error(vsock, -err, true, "bind to unix %u:-1 (@" NAME_PREFIX "%u-%u)",
		                    info->vcid, PICK_FIRST, PICK_FIRST + PICK_COUNT - 1);
		goto fail;
	}
	if (err < 0) {
		err = udo_ctx_error(vsock, -err, true, "bind to unix %u:%u (@" NAME_PREFIX "%u)",
		                    info->vcid, port, port);
		goto fail;
	}
	if (info->port == -1)
		port = (uint32_t) err;
	if (listen(fd, info->connections > 0 ? info->connections : SOMAXCONN) < 0) {
		err = udo_ctx_error(vsock, errno, true, "listen on unix %u:%u (@" NAME_PREFIX "%u)",
		                    info->vcid, port, port);
		goto fail;
	}
	vsock->fd = fd;
	vsock->vcid = info->vcid;
	vsock->port = (int) port;
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = info->vcid;
	vsock->addr.svm_port = port;
	return 0;
fail:
	close(fd);
	return err;
}

static int unix_client_create(struct udo_vsock_tcp *vsock,
                              const struct udo_vsock_tcp_client_create_info *info)
{
	int fd, err;

	if (info->port == -1)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "connect to unix %u:-1: a client needs a port, "
		                     "not VMADDR_PORT_ANY", info->vcid);
	err = check_cid(vsock, info->vcid, (uint32_t) info->port, false);
	if (err < 0)
		return err;
	fd = udo_ctx_socket(vsock, AF_UNIX, "unix");
	if (fd < 0)
		return fd;
	vsock->peer_len = name_addr(&vsock->peer.un, (uint32_t) info->port);
	vsock->fd = fd;
	vsock->vcid = info->vcid;
	vsock->port = info->port;
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = info->vcid;
	vsock->addr.svm_port = (uint32_t) info->port;
	return 0;
}

/*
 * AF_UNIX connects at once or, with the listener's backlog full, waits; a
 * blocking connect waits at most SO_SNDTIMEO (then EAGAIN), so the connect
 * timeout is that, cleared again before the socket is handed over.
 */
static int unix_client_connect(struct udo_vsock_tcp *vsock)
{
	uint32_t port = (uint32_t) vsock->port;
	unsigned int ms = vsock->connect_timeout_ms;
	int err;

	err = udo_ctx_ensure_socket(vsock, AF_UNIX, "unix");
	if (err < 0)
		return err;
	if (ms && (err = udo_set_send_timeout(vsock->fd, ms)) < 0)
		return udo_ctx_error(vsock, -err, true, "set the connect timeout for unix %u:%u",
		                     vsock->vcid, port);
	do
		err = connect(vsock->fd, &vsock->peer.sa, vsock->peer_len) == 0 ? 0 : -errno;
	while (err == -EINTR);
	if (err == 0 && ms && (err = udo_set_send_timeout(vsock->fd, 0)) < 0)
		return udo_ctx_error(vsock, -err, true, "clear the send timeout for unix %u:%u",
		                     vsock->vcid, port);
	if (err == -EAGAIN && ms)
		return udo_ctx_error(vsock, ETIMEDOUT, true,
		                     "connect to unix %u:%u (@" NAME_PREFIX "%u): not accepted "
		                     "within %u ms", vsock->vcid, port, port, ms);
	if (err < 0)
		return udo_ctx_error(vsock, -err, true, "connect to unix %u:%u (@" NAME_PREFIX "%u)",
		                     vsock->vcid, port, port);
	return 0;
}

static int unix_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	/* The peer is on this machine; its socket has no port. */
	return udo_ctx_accept_from(vsock, "unix", addr, VMADDR_CID_LOCAL);
}

/* A passed socket is ours when it is bound to "udo-vsock-tcp/P" with P the
 * port asked (any for -1) and the CID is one this transport serves. */
static int unix_server_adopt(struct udo_vsock_tcp *vsock,
                             const struct udo_vsock_tcp_server_create_info *info, int fd)
{
	struct sockaddr_un own, want;
	socklen_t len = sizeof(own), want_len;
	const char *p, *name = own.sun_path + 1;
	size_t n;
	unsigned long port = 0;

	if ((info->vcid != VMADDR_CID_ANY && unix_reachable(info->vcid) != 0) ||
	    getsockname(fd, (struct sockaddr *) &own, &len) < 0 || own.sun_family != AF_UNIX ||
	    len <= offsetof(struct sockaddr_un, sun_path) + 1 || own.sun_path[0] != '\0')
		return 0;
	n = len - offsetof(struct sockaddr_un, sun_path) - 1;
	if (n <= strlen(NAME_PREFIX) || memcmp(name, NAME_PREFIX, strlen(NAME_PREFIX)))
		return 0;
	for (p = name + strlen(NAME_PREFIX); p < name + n && *p >= '0' && *p <= '9'; p++) {
		port = port * 10 + (unsigned long) (*p - '0');
		if (port > UINT32_MAX)
			return 0;
	}
	/* The name must be exactly what a create of that port binds. */
	want_len = name_addr(&want, (uint32_t) port);
	if (want_len != len || memcmp(&want, &own, len) ||
	    (info->port != -1 && (uint32_t) info->port != (uint32_t) port))
		return 0;
	vsock->vcid = info->vcid;
	vsock->port = (int) (uint32_t) port;
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = info->vcid;
	vsock->addr.svm_port = (uint32_t) port;
	return 1;
}

static const struct udo_transport unix_transport = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "unix",
	.server_create = unix_server_create,
	.client_create = unix_client_create,
	.client_connect = unix_client_connect,
	.server_accept = unix_server_accept,
	.client_reachable = unix_client_reachable,
	.server_adopt = unix_server_adopt,
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &unix_transport;
}
