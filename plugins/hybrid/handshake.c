/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ack.h"
#include "handshake.h"
#include "quote.h"

enum { STEP_CONNECT, STEP_SEND, STEP_ACK };

_Static_assert(sizeof(((struct udo_vsock_tcp *) 0)->step_buf) >= UDO_HYBRID_ACK_MAX,
               "the handshake holds the longest acknowledgement");

/* The kernel refuses a connect to a path that is not a socket as it does one
 * nobody listens on; that is a configuration error, never worth a retry. */
static bool not_a_socket(const char *path)
{
	struct stat st;

	return path[0] && stat(path, &st) == 0 && !S_ISSOCK(st.st_mode);
}

/* The connect to the VMM's socket failed with err: say why. */
static int connect_failed(struct udo_vsock_tcp *vsock, int err)
{
	const char *path = vsock->peer.un.sun_path;
	uint32_t port = (uint32_t) vsock->port;

	if (err == -ECONNREFUSED && not_a_socket(path))
		return udo_ctx_error(vsock, ENOTSOCK, false, "connect to hybrid %u:%u via %s: "
		                     "it is not a socket (the VMM's socket belongs there)",
		                     vsock->vcid, port, path);
	if (err == -ETIMEDOUT)
		return udo_ctx_error(vsock, ETIMEDOUT, true,
		                     "connect to hybrid %u:%u via %s: the VMM did not take the "
		                     "connection within %u ms", vsock->vcid, port, path,
		                     vsock->connect_timeout_ms);
	return udo_ctx_error(vsock, -err, true, "connect to hybrid %u:%u via %s", vsock->vcid,
	                     port, path);
}

static int send_step(struct udo_vsock_tcp *vsock)
{
	uint32_t port = (uint32_t) vsock->port;
	char req[32];
	int len = snprintf(req, sizeof(req), "CONNECT %u\n", port);
	ssize_t n;

	while (vsock->step_len < len) {
		n = send(vsock->fd, req + vsock->step_len, (size_t) (len - vsock->step_len),
		         MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			vsock->poll_events = POLLOUT;
			return -EINPROGRESS;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return udo_ctx_error(vsock, ECONNREFUSED, true,
			                     "connect to hybrid %u:%u via %s: the VMM closed the "
			                     "connection before reading \"CONNECT %u\"", vsock->vcid,
			                     port, vsock->peer.un.sun_path, port);
		if (n < 0)
			return connect_failed(vsock, -errno);
		vsock->step_len = (unsigned char) (vsock->step_len + n);
	}
	vsock->step = STEP_ACK;
	vsock->step_len = 0;
	return 0;
}

/* The line so far, one byte at a time: what follows its '\n' belongs to
 * the stream and stays in the socket for the caller. A partial line waits
 * for POLLIN. */
static int ack_step(struct udo_vsock_tcp *vsock)
{
	const char *path = vsock->peer.un.sun_path;
	uint32_t port = (uint32_t) vsock->port, host_port;
	char *line = vsock->step_buf, why[512];
	ssize_t n;
	int r;

	for (;;) {
		n = recv(vsock->fd, line + vsock->step_len, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			vsock->poll_events = POLLIN;
			return -EINPROGRESS;
		}
		if (n < 0 && errno != ECONNRESET)
			return udo_ctx_error(vsock, errno, true, "connect to hybrid %u:%u via %s: "
			                     "read the acknowledgement", vsock->vcid, port, path);
		if (n <= 0)
			break;
		vsock->step_len++;
		if (udo_hybrid_ack_done(line, vsock->step_len))
			break;
	}
	if (n > 0 && udo_hybrid_ack_parse(line, vsock->step_len, &host_port))
		return 0;
	r = udo_hybrid_ack_error(line, vsock->step_len, n <= 0, port, why, sizeof(why));
	return udo_ctx_error(vsock, r, true, "connect to hybrid %u:%u via %s: %s", vsock->vcid,
	                     port, path, why);
}

int udo_hybrid_connect_step(struct udo_vsock_tcp *vsock)
{
	int err;

	vsock->poll_events = 0;
	if (vsock->step == STEP_CONNECT) {
		err = udo_ctx_ensure_socket(vsock, AF_UNIX, "hybrid");
		if (err < 0)
			return err;
		/* AF_UNIX connects at once; a full backlog is EAGAIN, with
		 * nothing to wait for on the socket: reported as it is. */
		if (connect(vsock->fd, &vsock->peer.sa, vsock->peer_len) < 0)
			return connect_failed(vsock, -errno);
		vsock->step = STEP_SEND;
		vsock->step_len = 0;
	}
	if (vsock->step == STEP_SEND && (err = send_step(vsock)) < 0)
		return err;
	return ack_step(vsock);
}

/* The blocking connect's wait within a step ended early (the deadline, a
 * signal without SA_RESTART, a poll error). */
static int wait_ended(struct udo_vsock_tcp *vsock, int err)
{
	const char *path = vsock->peer.un.sun_path;
	uint32_t port = (uint32_t) vsock->port;
	char q[UDO_HYBRID_ACK_MAX * 4 + 4];

	if (vsock->step != STEP_ACK)
		return connect_failed(vsock, err);
	if (err == -ETIMEDOUT)
		return udo_ctx_error(vsock, ETIMEDOUT, true,
		                     "connect to hybrid %u:%u via %s: no acknowledgement "
		                     "within %u ms (received \"%s\")", vsock->vcid, port, path,
		                     vsock->connect_timeout_ms,
		                     udo_quote_n(q, sizeof(q), vsock->step_buf, vsock->step_len,
		                                 UDO_HYBRID_ACK_MAX));
	return udo_ctx_error(vsock, -err, true, "connect to hybrid %u:%u via %s: wait for the "
	                     "acknowledgement", vsock->vcid, port, path);
}

int udo_hybrid_connect_blocking(struct udo_vsock_tcp *vsock)
{
	struct udo_deadline deadline;
	int err;

	err = udo_ctx_ensure_socket(vsock, AF_UNIX, "hybrid");
	if (err < 0)
		return err;
	udo_deadline_start(&deadline, vsock->connect_timeout_ms);
	/* The VMM's socket with its backlog full: tried again until the
	 * deadline, which the non-blocking step cannot do. */
	err = udo_deadline_connect(vsock->fd, &vsock->peer.sa, vsock->peer_len, &deadline);
	if (err < 0)
		return connect_failed(vsock, err);
	vsock->step = STEP_SEND;
	vsock->step_len = 0;
	/* After a failure the core gives the context a fresh socket. */
	return udo_deadline_drive(vsock, &deadline, udo_hybrid_connect_step, wait_ended);
}
