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
 * anything in the network namespace may connect, as with loopback tcp, and
 * any user may bind any name first. Ports below 1024 are privileged on vsock
 * and tcp; here a client gives them the same meaning itself: it talks only
 * to a server run by root or by its own user (SO_PEERCRED), else EACCES.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../adopt-addr.h"
#include "transport.h"

#define NAME_PREFIX UDO_UNIX_NAME_PREFIX
/* Port -1 on a server: the first free port from a random place in the range
 * the kernel uses for ephemeral ports. */
#define PICK_FIRST 49152u
#define PICK_COUNT 16384u
/* Below this port, only a server of root or of this process's user is
 * trusted, as only such a one could bind the port on vsock or tcp. */
#define PRIVILEGED_PORTS 1024u

/* This machine's CIDs: 1, 2 and its own. */
static int unix_reachable(uint32_t cid)
{
	if (cid == VMADDR_CID_LOCAL || cid == VMADDR_CID_HOST)
		return 0;
	return cid == udo_local_cid_once() && cid != UINT32_MAX ? 0 : -EHOSTUNREACH;
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
	return udo_unix_name(sun, port);
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

/*
 * Whose is the name of port, which another socket holds: a probe
 * connection (non-blocking, closed at once: the holder sees a connection
 * that ends without a byte) reads the listener's SO_PEERCRED. Writes the
 * explanation to buf.
 */
static void describe_holder(const struct udo_vsock_tcp *vsock, uint32_t port, char *buf,
                            size_t len)
{
	struct sockaddr_un sun;
	socklen_t sun_len = name_addr(&sun, port);
	struct ucred cred;
	socklen_t cred_len = sizeof(cred);
	int fd = socket(AF_UNIX, vsock->type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool known = fd >= 0 && connect(fd, (struct sockaddr *) &sun, sun_len) == 0 &&
	             getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) == 0;

	if (fd >= 0)
		close(fd);
	if (!known)
		snprintf(buf, len, "another socket holds this name (whose is unknown: it "
		         "accepts no connection)");
	else if (cred.pid == getpid())
		snprintf(buf, len, "this process already holds this name (held by uid %u "
		         "(pid %d), another server of it)", (unsigned int) cred.uid, (int) cred.pid);
	else
		snprintf(buf, len, "another process holds this name: held by uid %u (pid %d)",
		         (unsigned int) cred.uid, (int) cred.pid);
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
	if (err == -EADDRINUSE) {
		char holder[160];

		describe_holder(vsock, port, holder, sizeof(holder));
		err = udo_ctx_error(vsock, EADDRINUSE, false, "bind to unix %u:%u (@" NAME_PREFIX
		                    "%u): %s: %s", info->vcid, port, port, strerror(EADDRINUSE),
		                    holder);
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
	udo_ctx_set_address(vsock, info->vcid, port);
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
	udo_ctx_set_address(vsock, info->vcid, (uint32_t) info->port);
	return 0;
}

/*
 * A connected client on a port below PRIVILEGED_PORTS: is the server root's
 * or this user's? Anyone may bind an abstract name, so the name alone proves
 * nothing. 0, or -EACCES (nothing was sent to the server).
 */
static int check_server(struct udo_vsock_tcp *vsock, uint32_t port)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uid_t me;

	if (port >= PRIVILEGED_PORTS)
		return 0;
	me = geteuid();
	if (getsockopt(vsock->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return udo_ctx_error(vsock, errno, true, "connect to unix %u:%u (@" NAME_PREFIX
		                     "%u): read who runs the server (SO_PEERCRED), which a port "
		                     "below %u needs", vsock->vcid, port, port, PRIVILEGED_PORTS);
	if (cred.uid == 0 || cred.uid == me)
		return 0;
	return udo_ctx_error(vsock, EACCES, false,
	                     "connect to unix %u:%u (@" NAME_PREFIX "%u): the server there runs "
	                     "as uid %u (pid %d); below port %u the unix transport trusts only "
	                     "a server of root or of this process's uid %u (any user may bind "
	                     "an abstract name first): %s", vsock->vcid, port, port,
	                     (unsigned int) cred.uid, (int) cred.pid, PRIVILEGED_PORTS,
	                     (unsigned int) me, strerror(EACCES));
}

/*
 * AF_UNIX connects at once or, with the listener's backlog full, waits until
 * it is accepted; the connect timeout bounds that wait in wall time, whatever
 * signals arrive (udo_deadline_connect).
 */
static int unix_client_connect(struct udo_vsock_tcp *vsock)
{
	uint32_t port = (uint32_t) vsock->port;
	struct udo_deadline deadline;
	int err;

	err = udo_ctx_ensure_socket(vsock, AF_UNIX, "unix");
	if (err < 0)
		return err;
	udo_deadline_start(&deadline, vsock->connect_timeout_ms);
	err = udo_deadline_connect(vsock->fd, &vsock->peer.sa, vsock->peer_len, &deadline);
	if (err == -ETIMEDOUT)
		return udo_ctx_error(vsock, ETIMEDOUT, true,
		                     "connect to unix %u:%u (@" NAME_PREFIX "%u): not accepted "
		                     "within %u ms", vsock->vcid, port, port,
		                     vsock->connect_timeout_ms);
	if (err < 0)
		return udo_ctx_error(vsock, -err, true, "connect to unix %u:%u (@" NAME_PREFIX "%u)",
		                     vsock->vcid, port, port);
	return check_server(vsock, port);
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
	struct sockaddr_un own;
	socklen_t len = sizeof(own);
	uint32_t port;

	if ((info->vcid != VMADDR_CID_ANY && unix_reachable(info->vcid) != 0) ||
	    getsockname(fd, (struct sockaddr *) &own, &len) < 0 ||
	    !udo_adopt_unix(&own, len, info->port, &port))
		return 0;
	udo_ctx_set_address(vsock, info->vcid, port);
	return 1;
}

/* Nobody is bound to the abstract name yet (refused), or reset. */
static const int unix_wait_errnos[] = { ECONNREFUSED, ECONNRESET, 0 };

static const struct udo_transport unix_transport = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "unix",
	.carries = UDO_CARRIES_STREAM | UDO_CARRIES_SEQPACKET,
	.carries_why = NULL,
	.wait_errnos = unix_wait_errnos,
	.auto_fallback = UDO_CARRIES_SEQPACKET,
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
