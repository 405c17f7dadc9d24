/* SPDX-License-Identifier: MIT */
/*
 * Socket activation: the service manager (systemd, systemd-socket-activate)
 * listens for the program and hands the sockets over at exec (LISTEN_PID,
 * LISTEN_FDS, fds from 3; libsystemd's sd-daemon reads them). A server
 * create that asks for what a passed socket is takes that socket instead of
 * binding its own: the port is already bound by the manager, and binding it
 * again would fail.
 *
 * What this must remember, which passed fds were adopted (each at most once
 * per process), is the library's one global state besides the plugin table.
 * The fds are noted once, with their inode, so that a number the program
 * closed and the kernel gave to another socket is never taken for the
 * passed one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "activation.h"

struct passed_fd {
	int fd;
	dev_t dev;
	ino_t ino;
	bool adopted;
};

static pthread_once_t passed_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t passed_lock = PTHREAD_MUTEX_INITIALIZER;
static struct passed_fd *passed; /* kept for the life of the process */
static int passed_count;
static pid_t passed_pid;         /* a forked child adopts nothing */

static void note_passed_fds(void)
{
	struct stat st;
	int n = sd_listen_fds(0), i; /* 0: the variables stay for later creates */

	if (n <= 0 || !(passed = calloc((size_t) n, sizeof(*passed))))
		return;
	for (i = 0; i < n; i++) {
		passed[i].fd = SD_LISTEN_FDS_START + i;
		if (fstat(passed[i].fd, &st) < 0) {
			passed[i].adopted = true; /* not there: never to be taken */
			continue;
		}
		passed[i].dev = st.st_dev;
		passed[i].ino = st.st_ino;
	}
	passed_count = n;
	passed_pid = getpid();
}

/* Still the socket that was passed, listening, of the type asked for. */
static bool still_passed(const struct passed_fd *p, int type)
{
	struct stat st;

	if (fstat(p->fd, &st) < 0 || st.st_dev != p->dev || st.st_ino != p->ino)
		return false;
	return sd_is_socket(p->fd, AF_UNSPEC, type, 1) > 0;
}

/* The transports that may serve the request, in the order "auto" tries them. */
static int candidates(const struct udo_vsock_tcp *vsock, int mode,
                      enum udo_transport_id out[UDO_TRANSPORT_COUNT])
{
	const char *uds = vsock->hybrid_uds;
	int n = 0;

	if (mode != UDO_TRANSPORT_AUTO) {
		out[n++] = (enum udo_transport_id) mode;
		return n;
	}
	out[n++] = UDO_TRANSPORT_VSOCK;
	/* The fallbacks auto picks: unix for messages, tcp (or hybrid) for streams. */
	if (vsock->type == SOCK_SEQPACKET) {
		out[n++] = UDO_TRANSPORT_UNIX;
		return n;
	}
	out[n++] = UDO_TRANSPORT_TCP;
	if (uds && *uds)
		out[n++] = UDO_TRANSPORT_HYBRID;
	return n;
}

/* Offer fd to each candidate transport; the one whose address it is takes it. */
static const struct udo_transport *
adopt_by(struct udo_vsock_tcp *vsock, const enum udo_transport_id *ids, int n,
         const struct udo_vsock_tcp_server_create_info *info, int fd)
{
	const struct udo_transport *t;
	int i;

	for (i = 0; i < n; i++) {
		/* A transport that does not load cannot serve; the create that
		 * follows a miss reports why, if it matters. */
		t = udo_transport_load(ids[i], vsock);
		if (t && t->server_adopt && t->server_adopt(vsock, info, fd) > 0)
			return t;
	}
	return NULL;
}

bool udo_activation_adopt(struct udo_vsock_tcp *vsock, int mode,
                          const struct udo_vsock_tcp_server_create_info *info, int type)
{
	enum udo_transport_id ids[UDO_TRANSPORT_COUNT];
	const struct udo_transport *t = NULL;
	int n, i;

	pthread_once(&passed_once, note_passed_fds);
	if (!passed_count || passed_pid != getpid())
		return false;
	n = candidates(vsock, mode, ids);
	pthread_mutex_lock(&passed_lock);
	for (i = 0; i < passed_count && !t; i++) {
		if (passed[i].adopted || !still_passed(&passed[i], type))
			continue;
		t = adopt_by(vsock, ids, n, info, passed[i].fd);
		if (t) {
			passed[i].adopted = true;
			vsock->fd = passed[i].fd;
			vsock->transport = t;
		}
	}
	pthread_mutex_unlock(&passed_lock);
	udo_ctx_clear_error(vsock);
	if (t)
		fcntl(vsock->fd, F_SETFD, FD_CLOEXEC); /* the only fd flag */
	return t != NULL;
}
