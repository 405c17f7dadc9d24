/* SPDX-License-Identifier: MIT */
/*
 * The hybrid transport: vsock as Firecracker and cloud-hypervisor give it to
 * the host, through Unix sockets that the VMM owns (README, "Hybrid vsock").
 *
 *   host to guest: connect to the guest's socket (UDO_VSOCK_TCP_UDS), send
 *     "CONNECT <port>\n", read "OK <host_port>\n"; then a plain byte stream.
 *   guest to host: the VMM forwards a guest's connection to host port P to
 *     "<socket>_P", where a server for that guest's CID and port listens.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport.h"
#include "uds-map.h"
#include "map-text.h"
#include "handshake.h"

/* Port -1 on a server: a free port from the range the kernel uses for
 * ephemeral ports, starting at a random place in it. */
#define PICK_FIRST 49152u
#define PICK_COUNT 16384u

/*
 * The VMM socket for cid from UDO_VSOCK_TCP_UDS. A server on VMADDR_CID_ANY
 * takes the only guest when exactly one is configured. 0 with *out set, or
 * -errno with the error recorded.
 */
static int find_socket(struct udo_vsock_tcp *vsock, bool server, uint32_t cid, int port,
                       struct udo_udsmap_entry *out)
{
	const char *op = server ? "bind to" : "connect to";
	const char *text = vsock->hybrid_uds, *name = vsock->hybrid_uds_name;
	const struct udo_udsmap_entry *e;
	struct udo_udsmap map;
	char why[400], pt[UDO_PORT_TEXT_MAX];

	/* The parser names the variable; the map may come from opts. */
	if (udo_udsmap_parse(text ? text : "", &map, why, sizeof(why)) < 0)
		return udo_ctx_error(vsock, EINVAL, false, "%s hybrid %u:%s: %s%s", op, cid,
		                     udo_port_text(port, pt, sizeof(pt)), name,
		                     map_why(why, UDO_UDSMAP_ENV));
	e = udo_udsmap_lookup(&map, cid);
	if (!e && server && cid == VMADDR_CID_ANY) {
		if (map.count != 1)
			return udo_ctx_error(vsock, EADDRNOTAVAIL, false,
			                     "bind to hybrid %u:%s: a server on any CID needs "
			                     "exactly one guest in %s (it has %zu): give the "
			                     "guest's CID", cid, udo_port_text(port, pt, sizeof(pt)), name,
			                     map.count);
		e = &map.entry[0];
	}
	if (!e)
		return udo_ctx_error(vsock, server ? EADDRNOTAVAIL : EHOSTUNREACH, false,
		                     "%s hybrid %u:%s: CID %u has no VMM socket: set "
		                     "%s=\"%u=/path/to/vsock.sock\"",
		                     op, cid, udo_port_text(port, pt, sizeof(pt)), cid, name, cid);
	*out = *e;
	return 0;
}

static socklen_t un_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path); /* callers checked the length */
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* --- host to guest ------------------------------------------------------ */

static int hybrid_client_create(struct udo_vsock_tcp *vsock,
                                const struct udo_vsock_tcp_client_create_info *info)
{
	struct udo_udsmap_entry e;
	int fd, err;

	if (info->port == -1)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "connect to hybrid %u:-1: a client needs a port, "
		                     "not VMADDR_PORT_ANY", info->vcid);
	err = find_socket(vsock, false, info->vcid, info->port, &e);
	if (err < 0)
		return err;
	fd = udo_ctx_socket(vsock, AF_UNIX, "hybrid");
	if (fd < 0)
		return fd;
	vsock->peer_len = un_addr(&vsock->peer.un, e.path);
	vsock->fd = fd;
	udo_ctx_set_address(vsock, info->vcid, (uint32_t) info->port);
	return 0;
}

/* One handshake for both kinds of context (handshake.c): a blocking connect
 * drives the steps a non-blocking one runs from the caller's event loop. */
static int hybrid_client_connect(struct udo_vsock_tcp *vsock)
{
	if (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK)
		return udo_hybrid_connect_step(vsock);
	return udo_hybrid_connect_blocking(vsock); /* after a failure the core renews the socket */
}

/* 0: this transport has a VMM socket for cid; -EINVAL: the variable is
 * malformed (the create reports it); -EHOSTUNREACH otherwise. */
static int hybrid_client_reachable(const struct udo_vsock_tcp *vsock, uint32_t cid)
{
	const char *text = vsock->hybrid_uds;
	struct udo_udsmap map;

	if (!text)
		return -EHOSTUNREACH;
	if (udo_udsmap_parse(text, &map, NULL, 0) < 0)
		return -EINVAL;
	return udo_udsmap_lookup(&map, cid) ? 0 : -EHOSTUNREACH;
}

/* --- guest to host ------------------------------------------------------ */

enum existing { GONE, STALE, LIVE, NOT_A_SOCKET };

/*
 * What holds path: a socket nobody listens on any more refuses a connect
 * (STALE). The probe connects and closes at once, so a live server may see
 * one empty connection.
 */
static int probe_existing(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = un_addr(&sun, path);
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? GONE : -errno;
	if (!S_ISSOCK(st.st_mode))
		return NOT_A_SOCKET;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (struct sockaddr *) &sun, len) == 0 ? 0 : errno;
	close(fd);
	if (r == ECONNREFUSED)
		return STALE;
	if (r == ENOENT)
		return GONE;
	return LIVE; /* accepted, or EAGAIN (a full backlog), or another kind of socket */
}

/* Bind fd to path; a stale socket there is replaced (replace) or skipped. */
static int bind_path(struct udo_vsock_tcp *vsock, int fd, const char *path, bool replace,
                     uint32_t cid, uint32_t port)
{
	struct sockaddr_un sun;
	socklen_t len = un_addr(&sun, path);
	int state;

	if (bind(fd, (struct sockaddr *) &sun, len) == 0)
		return 0;
	if (errno == EADDRINUSE && !replace)
		return -EADDRINUSE; /* the caller tries another port */
	if (errno != EADDRINUSE)
		return udo_ctx_error(vsock, errno, true, "bind to hybrid %u:%u (%s)", cid, port,
		                     path);
	state = probe_existing(path);
	if (state < 0)
		return udo_ctx_error(vsock, -state, true, "bind to hybrid %u:%u (%s): "
		                     "check the socket already there", cid, port, path);
	if (state == LIVE)
		return udo_ctx_error(vsock, EADDRINUSE, true, "bind to hybrid %u:%u (%s): "
		                     "another server is listening there", cid, port, path);
	if (state == NOT_A_SOCKET)
		return udo_ctx_error(vsock, EADDRINUSE, true, "bind to hybrid %u:%u (%s): "
		                     "the path exists and is not a socket (left in place)",
		                     cid, port, path);
	if (state == STALE && unlink(path) < 0 && errno != ENOENT)
		return udo_ctx_error(vsock, errno, true, "bind to hybrid %u:%u: remove the "
		                     "stale socket %s", cid, port, path);
	if (bind(fd, (struct sockaddr *) &sun, len) == 0)
		return 0;
	return udo_ctx_error(vsock, errno, true, "bind to hybrid %u:%u (%s)", cid, port, path);
}

static int port_path(struct udo_vsock_tcp *vsock, const char *base, uint32_t cid,
                     unsigned int port, char *out)
{
	size_t n = (size_t) snprintf(out, sizeof(vsock->peer.un.sun_path), "%s_%u", base, port);

	if (n >= sizeof(vsock->peer.un.sun_path))
		return udo_ctx_error(vsock, ENAMETOOLONG, true, "bind to hybrid %u:%u (%s_%u)",
		                     cid, port, base, port);
	return 0;
}

/* Port -1: the first free port from a random place in the ephemeral range.
 * Returns the port, or -errno. */
static int bind_any_port(struct udo_vsock_tcp *vsock, int fd, const char *base, uint32_t cid)
{
	char path[sizeof(vsock->peer.un.sun_path)];
	unsigned int start = 0, i, port;
	int r;

	if (getrandom(&start, sizeof(start), GRND_NONBLOCK) != sizeof(start))
		start = (unsigned int) getpid() * 2654435761u;
	for (i = 0; i < PICK_COUNT; i++) {
		port = PICK_FIRST + (start + i) % PICK_COUNT;
		r = port_path(vsock, base, cid, port, path);
		if (r < 0)
			return r;
		r = bind_path(vsock, fd, path, false, cid, port);
		if (r == 0)
			return (int) port;
		if (r != -EADDRINUSE)
			return r;
	}
	return udo_ctx_error(vsock, EADDRINUSE, true, "bind to hybrid %u:-1 (%s_%u-%u): "
	                     "no free port", cid, base, PICK_FIRST, PICK_FIRST + PICK_COUNT - 1);
}

static int hybrid_server_create(struct udo_vsock_tcp *vsock,
                                const struct udo_vsock_tcp_server_create_info *info)
{
	char path[sizeof(vsock->peer.un.sun_path)];
	struct udo_udsmap_entry e;
	bool any = info->port == -1;
	uint32_t port = (uint32_t) info->port;
	int fd, err;

	err = find_socket(vsock, true, info->vcid, info->port, &e);
	if (err < 0)
		return err;
	if (!any && (err = port_path(vsock, e.path, info->vcid, port, path)) < 0)
		return err;
	fd = udo_ctx_socket(vsock, AF_UNIX, "hybrid");
	if (fd < 0)
		return fd;
	if (!any)
		err = bind_path(vsock, fd, path, true, info->vcid, port);
	else if ((err = bind_any_port(vsock, fd, e.path, info->vcid)) >= 0)
		port = (uint32_t) err;
	if (err < 0)
		goto fail;
	if (listen(fd, info->connections > 0 ? info->connections : SOMAXCONN) < 0) {
		err = udo_ctx_error(vsock, errno, true, "listen on hybrid %u:%u (%s_%u)",
		                    info->vcid, port, e.path, port);
		goto fail;
	}
	vsock->fd = fd;
	udo_ctx_set_address(vsock, info->vcid, port);
	/* The guest this server hears from: accept reports it as the peer. */
	vsock->addr.svm_cid = e.cid;
	return 0;
fail:
	close(fd);
	return err;
}

static int hybrid_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	/* The VMM tells the guest's CID (by the socket) but not its port. */
	return udo_ctx_accept_from(vsock, "hybrid", addr, vsock->addr.svm_cid);
}

/* The VMM refused the CONNECT (nobody listens in the guest) or reset it,
 * or has not created its socket yet (ENOENT). */
static const int hybrid_wait_errnos[] = { ECONNREFUSED, ECONNRESET, ENOENT, 0 };

static const struct udo_transport hybrid_transport = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "hybrid",
	.carries = UDO_CARRIES_STREAM,
	.carries_why = "the VMM's Unix-socket protocol carries streams only",
	.wait_errnos = hybrid_wait_errnos,
	.auto_use = UDO_AUTO_CONFIGURED,
	.server_create = hybrid_server_create,
	.client_create = hybrid_client_create,
	.client_connect = hybrid_client_connect,
	.server_accept = hybrid_server_accept,
	.client_reachable = hybrid_client_reachable,
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &hybrid_transport;
}
