/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "hybrid-peer.h"

static char tmp_dir[64];

const char *t_tmp_dir(void)
{
	if (!tmp_dir[0]) {
		snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/udo-hybrid-XXXXXX");
		if (!mkdtemp(tmp_dir)) {
			tmp_dir[0] = '\0';
			fail_msg("mkdtemp: %s", strerror(errno));
		}
	}
	return tmp_dir;
}

void t_tmp_cleanup(void)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	if (!tmp_dir[0] || !(d = opendir(tmp_dir)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", tmp_dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(tmp_dir);
	tmp_dir[0] = '\0';
}

const char *t_tmp_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", t_tmp_dir(), name);
	return path;
}

static socklen_t un_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strnlen(path, sizeof(sun->sun_path) - 1));
	return sizeof(*sun);
}

int t_guest_connect(const char *path, int port)
{
	struct sockaddr_un sun;
	char p[sizeof(sun.sun_path)];
	int fd;

	if ((size_t) snprintf(p, sizeof(p), "%.80s_%u", path, (unsigned int) port) >= sizeof(p))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *) &sun, un_addr(&sun, p)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* --- the child ---------------------------------------------------------- */

static const char *vmm_path;
static enum t_vmm_mode vmm_mode;

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t) w;
	}
	return true;
}

/* As the VMMs read it: one byte at a time up to '\n', 32 bytes at most;
 * "CONNECT " or "connect ", then a decimal port. -1 when malformed. */
static long read_request(int fd)
{
	char buf[33];
	size_t len = 0;
	char *end;
	long port;

	while (len < 32) {
		ssize_t n = read(fd, buf + len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (buf[len++] == '\n')
			break;
	}
	buf[len] = '\0';
	if (len < 10 || buf[len - 1] != '\n' ||
	    (strncmp(buf, "CONNECT ", 8) && strncmp(buf, "connect ", 8)))
		return -1;
	port = strtol(buf + 8, &end, 10);
	if (*end != '\n' || port < 0 || port > 0xffffffffL)
		return -1;
	return port;
}

struct pipe_half {
	int from, to;
};

static void *copy_half(void *arg)
{
	struct pipe_half *h = arg;
	char buf[65536];
	ssize_t n;

	while ((n = read(h->from, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && !write_all(h->to, buf, (size_t) n)) {
			/* The other end is gone: so is this connection, both ways. */
			shutdown(h->from, SHUT_RDWR);
			break;
		}
	}
	shutdown(h->to, SHUT_WR);
	return NULL;
}

/* Both directions at once, each in its own thread, as the VMM's muxer does. */
static void relay(int a, int b)
{
	struct pipe_half ab = { a, b }, ba = { b, a };
	pthread_t t;

	if (pthread_create(&t, NULL, copy_half, &ab) != 0)
		return;
	copy_half(&ba);
	pthread_join(t, NULL);
}

static unsigned int next_host_port = 1u << 30; /* the VMMs start there */

static void *serve(void *arg)
{
	int fd = (int) (intptr_t) arg, guest;
	char ack[32];
	long port;

	if (vmm_mode == T_VMM_EARLY_CLOSE)
		goto out;
	port = read_request(fd);
	if (port < 0)
		goto out;
	switch (vmm_mode) {
	case T_VMM_FORWARD:
		guest = t_guest_connect(vmm_path, (int) port);
		if (guest < 0)
			break; /* nobody listens: the VMM closes the host's socket */
		snprintf(ack, sizeof(ack), "OK %u\n", __atomic_fetch_add(&next_host_port, 1,
		                                                       __ATOMIC_RELAXED));
		write_all(fd, ack, strlen(ack));
		relay(fd, guest);
		close(guest);
		break;
	case T_VMM_ACK_AND_DATA:
		write_all(fd, "OK 1073741824\nhello", 19);
		break;
	case T_VMM_GARBAGE:
		write_all(fd, "ERROR what?\n", 12);
		break;
	case T_VMM_TRUNCATED:
		write_all(fd, "OK 10", 5);
		break;
	case T_VMM_ACK_IN_TWO_PIECES: {
		sigset_t usr1;
		int sig;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		/* Blocked since before the fork (t_vmm_start): it waits here. */
		if (sigwait(&usr1, &sig) == 0 && write_all(fd, "OK 10", 5) &&
		    sigwait(&usr1, &sig) == 0)
			write_all(fd, "73741824\nhello", 14);
		break;
	}
	case T_VMM_LONG:
		write_all(fd, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 40);
		pause();
		break;
	case T_VMM_SILENT:
		pause();
		break;
	default:
		break;
	}
out:
	close(fd);
	return NULL;
}

static void __attribute__((noreturn)) vmm_main(int lfd)
{
	pthread_t t;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	if (vmm_mode == T_VMM_STUCK)
		for (;;)
			pause();
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			_exit(1);
		}
		if (pthread_create(&t, NULL, serve, (void *) (intptr_t) fd) == 0)
			pthread_detach(t);
		else
			close(fd);
	}
}

/* VMMs still running, stopped at exit when a failed test skipped its stop. */
static pid_t running[32];

static void stop_all(void)
{
	size_t i;

	for (i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i] > 0) {
			kill(running[i], SIGKILL);
			waitpid(running[i], NULL, 0);
			running[i] = 0;
		}
}

static void track(pid_t pid, pid_t replace)
{
	static bool registered;
	size_t i;

	if (!registered)
		registered = atexit(stop_all) == 0;
	for (i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i] == replace) {
			running[i] = pid;
			return;
		}
}

void t_vmm_start(struct t_vmm *vmm, const char *path, enum t_vmm_mode mode)
{
	struct sockaddr_un sun;
	sigset_t usr1, old;
	int lfd;

	snprintf(vmm->path, sizeof(vmm->path), "%s", path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	/* Listening before the child starts: no race with the test's connect. */
	if (bind(lfd, (struct sockaddr *) &sun, un_addr(&sun, path)) < 0 ||
	    listen(lfd, mode == T_VMM_STUCK ? 0 : 64) < 0)
		fail_msg("fake VMM on %s: %s", path, strerror(errno));
	fflush(NULL);
	/* A VMM that waits for SIGUSR1 has it blocked from its first
	 * instruction: one sent before it ran would otherwise kill it. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (mode == T_VMM_ACK_IN_TWO_PIECES)
		pthread_sigmask(SIG_BLOCK, &usr1, &old);
	vmm->pid = fork();
	if (mode == T_VMM_ACK_IN_TWO_PIECES && vmm->pid != 0)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	assert_true(vmm->pid >= 0);
	if (vmm->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
		vmm_path = vmm->path;
		vmm_mode = mode;
		vmm_main(lfd);
	}
	close(lfd);
	track(vmm->pid, 0);
}

void t_vmm_stop(struct t_vmm *vmm)
{
	if (vmm->pid > 0) {
		kill(vmm->pid, SIGKILL);
		waitpid(vmm->pid, NULL, 0);
		track(0, vmm->pid);
		vmm->pid = 0;
	}
	unlink(vmm->path);
}

void t_vmm_continue(struct t_vmm *vmm)
{
	kill(vmm->pid, SIGUSR1);
}
