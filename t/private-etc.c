/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include "common.h"
#include "private-etc.h"

/* A body that hangs ends the child, not the suite. */
#define T_BODY_SECONDS 60

void t_skip_because(const char *reason)
{
	printf("# SKIP: %s\n", reason);
	fflush(stdout);
	skip();
}

bool t_have_ipv6_loopback(void)
{
	struct sockaddr_in6 lo = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && bind(fd, (struct sockaddr *) &lo, sizeof(lo)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool listed(const struct t_etc_file *files, const char *name)
{
	for (; files->name; files++)
		if (!strcmp(files->name, name))
			return true;
	return false;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		fail_msg("create %s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		fail_msg("write %s: %s", path, strerror(errno));
}

static void remove_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* In the child: /etc replaced by dir, seen by this process alone. */
static int enter(const char *dir, char *why, size_t len)
{
	/* Without the privilege, a user namespace of our own gives it (where
	 * the machine allows unprivileged user namespaces). */
	if (unshare(CLONE_NEWNS) != 0 &&
	    (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)) {
		snprintf(why, len, "no mount namespace here: unshare(CLONE_NEWNS): %s",
		         strerror(errno));
		return T_BODY_SKIP;
	}
	/* Private, so the bind below never propagates to the machine's mounts.
	 * (The kernel ignores the type here; "none" rather than NULL keeps
	 * valgrind from reading a NULL string.) */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0) {
		snprintf(why, len, "cannot make / private: %s", strerror(errno));
		return T_BODY_SKIP;
	}
	if (mount(dir, "/etc", "none", MS_BIND, NULL) != 0) {
		snprintf(why, len, "cannot bind a private /etc: %s", strerror(errno));
		return T_BODY_SKIP;
	}
	return T_BODY_OK;
}

void t_private_etc(const struct t_etc_file *files, t_etc_body body, void *arg)
{
	const struct t_etc_file *f;
	const char *tmp = getenv("TMPDIR");
	char dir[256], why[1024] = "";
	int pipefd[2], status, r;
	ssize_t n = 0, got;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/udo-etc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s: %s", dir, strerror(errno));
	for (f = files; f && f->name; f++)
		write_file(dir, f->name, f->text);
	if (!files || !listed(files, "nsswitch.conf"))
		write_file(dir, "nsswitch.conf", "hosts: files\n");
	if (!files || !listed(files, "host.conf"))
		write_file(dir, "host.conf", "multi on\n");
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		alarm(T_BODY_SECONDS);
		r = enter(dir, why, sizeof(why));
		if (r == T_BODY_OK)
			r = body(arg, why, sizeof(why));
		if (write(pipefd[1], why, strlen(why)) < 0)
			r = T_BODY_FAIL;
		_exit(r);
	}
	close(pipefd[1]);
	while ((size_t) n < sizeof(why) - 1 &&
	       (got = read(pipefd[0], why + n, sizeof(why) - 1 - (size_t) n)) > 0)
		n += got;
	why[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	remove_dir(dir);
	if (WIFSIGNALED(status))
		fail_msg("the test's child died of signal %d (%s)", WTERMSIG(status), why);
	if (WEXITSTATUS(status) == T_BODY_SKIP)
		t_skip_because(why);
	if (WEXITSTATUS(status) != T_BODY_OK)
		fail_msg("%s (the test's child exited with status %d)", why, WEXITSTATUS(status));
}
