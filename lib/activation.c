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
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
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
/* Why sd_listen_fds() refused the variables, for a create that then fails
 * to bind ("" when it did not); read after passed_once. */
static char refused_why[UDO_QUOTE_BUF + 128];

/*
 * sd_listen_fds() makes every fd LISTEN_FDS names close-on-exec (from 3 up
 * to the first that is not open), adopted or not. A program that creates a
 * server and then execs a helper must still hand the helper its other
 * passed sockets: so the flags of those fds are read before and put back
 * after, and only the fd a create adopts is made close-on-exec (there).
 * flags[i] is fd 3 + i's; the count is how many were open.
 */
static int save_fd_flags(int **flags)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char *end;
	long want;
	int n = 0;

	*flags = NULL;
	if (!pid || !fds)
		return 0;
	errno = 0;
	want = strtol(fds, &end, 10);
	/* What sd_listen_fds() would refuse before touching any fd. */
	if (errno || end == fds || *end || want <= 0 || want > INT_MAX - SD_LISTEN_FDS_START)
		return 0;
	while (n < want && fcntl(SD_LISTEN_FDS_START + n, F_GETFD) >= 0)
		n++;
	if (!n || !(*flags = calloc((size_t) n, sizeof(**flags))))
		return 0;
	for (int i = 0; i < n; i++)
		(*flags)[i] = fcntl(SD_LISTEN_FDS_START + i, F_GETFD);
	return n;
}

static void restore_fd_flags(const int *flags, int n)
{
	for (int i = 0; i < n; i++)
		if (flags[i] >= 0 && fcntl(SD_LISTEN_FDS_START + i, F_GETFD) != flags[i])
			fcntl(SD_LISTEN_FDS_START + i, F_SETFD, flags[i]);
}

/* A number, all of text, that fits an int. */
static bool parse_int(const char *text, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(text, &end, 10);
	return !errno && end != text && !*end && *v >= INT_MIN && *v <= INT_MAX;
}

/* sd_listen_fds() said r (-errno): say which variable is wrong, and how. */
static void explain_refusal(int r)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char qp[UDO_QUOTE_BUF], qf[UDO_QUOTE_BUF];
	long v;
	int fd;

	if (pid && (!parse_int(pid, &v) || v <= 0)) {
		snprintf(refused_why, sizeof(refused_why), "LISTEN_PID=\"%s\" is not a process id",
		         udo_quote(qp, sizeof(qp), pid));
		return;
	}
	udo_quote(qf, sizeof(qf), fds ? fds : "");
	if (!fds || !parse_int(fds, &v)) {
		snprintf(refused_why, sizeof(refused_why), "LISTEN_FDS=\"%s\" is not a number", qf);
		return;
	}
	if (v <= 0 || v > INT_MAX - SD_LISTEN_FDS_START) {
		snprintf(refused_why, sizeof(refused_why), "LISTEN_FDS=\"%s\" is not a count of "
		         "fds (1 to %d)", qf, INT_MAX - SD_LISTEN_FDS_START);
		return;
	}
	for (fd = SD_LISTEN_FDS_START; fd - SD_LISTEN_FDS_START < v; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			snprintf(refused_why, sizeof(refused_why), "LISTEN_FDS=\"%s\" names fds %d "
			         "to %ld, but fd %d is not open", qf, SD_LISTEN_FDS_START,
			         SD_LISTEN_FDS_START + v - 1, fd);
			return;
		}
	snprintf(refused_why, sizeof(refused_why), "sd_listen_fds: %s", strerror(-r));
}

static void note_passed_fds(void)
{
	struct stat st;
	int *flags, saved = save_fd_flags(&flags);
	int n = sd_listen_fds(0), i; /* 0: the variables stay for later creates */

	restore_fd_flags(flags, saved);
	free(flags);
	if (n < 0) {
		explain_refusal(n);
		passed_pid = getpid();
	}
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

/* The transports that may serve the request: the one asked for, or those
 * "auto" could pick (lib/auto.c), in the order it tries them. */
static unsigned int candidates(struct udo_vsock_tcp *vsock, int mode, uint32_t cid,
                               udo_transport_id out[UDO_TRANSPORT_COUNT])
{
	if (mode == UDO_TRANSPORT_AUTO)
		return udo_auto_candidates(vsock, cid, out);
	out[0] = mode;
	return 1;
}

/* Offer fd to each candidate transport; the one whose address it is takes it. */
static const struct udo_transport *
adopt_by(struct udo_vsock_tcp *vsock, const udo_transport_id *ids, int n,
         const struct udo_vsock_tcp_server_create_info *info, int fd)
{
	const struct udo_transport *t;
	int i;

	for (i = 0; i < n; i++) {
		/* A transport that does not load cannot serve; the create that
		 * follows a miss reports why, if it matters. */
		t = udo_transport_load(ids[i], vsock);
		if (t && udo_transport_carries(t, vsock->type) && t->server_adopt &&
		    t->server_adopt(vsock, info, fd) > 0)
			return t;
	}
	return NULL;
}

bool udo_activation_adopt(struct udo_vsock_tcp *vsock, int mode,
                          const struct udo_vsock_tcp_server_create_info *info, int type)
{
	udo_transport_id ids[UDO_TRANSPORT_COUNT];
	const struct udo_transport *t = NULL;
	int n, i;

	pthread_once(&passed_once, note_passed_fds);
	if (!passed_count || passed_pid != getpid())
		return false;
	n = (int) candidates(vsock, mode, info->vcid, ids);
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

/* A passed socket of type that no create has adopted yet. */
static bool unadopted_passed(int type)
{
	bool found = false;
	int i;

	pthread_mutex_lock(&passed_lock);
	for (i = 0; i < passed_count && !found; i++)
		found = !passed[i].adopted && still_passed(&passed[i], type);
	pthread_mutex_unlock(&passed_lock);
	return found;
}

/* The transport asked for declares no adoption (no server_adopt) while a
 * passed socket of the type waits: its name, else NULL. */
static const char *not_adopting(struct udo_vsock_tcp *vsock, int mode)
{
	const struct udo_transport *t;

	if (mode == UDO_TRANSPORT_AUTO || !passed_count || !unadopted_passed(vsock->type))
		return NULL;
	/* Loaded already: the create that failed ran it. */
	t = udo_transport_load(mode, vsock);
	return t && !t->server_adopt ? t->name : NULL;
}

void udo_activation_note_refused(struct udo_vsock_tcp *vsock, int mode)
{
	size_t len = strnlen(vsock->err.buffer, sizeof(vsock->err.buffer));
	char *end = vsock->err.buffer + len;
	size_t left = sizeof(vsock->err.buffer) - len;
	const char *name;

	pthread_once(&passed_once, note_passed_fds);
	if (passed_pid != getpid() || left <= 1)
		return;
	if (refused_why[0])
		snprintf(end, left, "; sockets were passed to this process (socket activation) "
		         "but could not be used: %s", refused_why);
	else if ((name = not_adopting(vsock, mode)))
		snprintf(end, left, "; sockets were passed to this process (socket activation) "
		         "but the %s transport does not adopt passed sockets: use a transport "
		         "that does, or pass none", name);
}
