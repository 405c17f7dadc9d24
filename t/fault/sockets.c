/* SPDX-License-Identifier: MIT */
/*
 * The fault shim's socket calls (t/fault/shim.c has the rules): each fails
 * as UDO_FAULT says, else is the real call. And uname(), which reports the
 * kernel release UDO_FAULT_UNAME_RELEASE names, when set: the library's
 * kernel-dependent paths (lib/quirks.c) are tested against kernels this
 * machine does not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include "shim.h"

EXPORT int socket(int domain, int type, int protocol)
{
	REAL(int, socket, int, int, int);
	FAIL_AS(C_SOCKET, -1);
	return real_socket(domain, type, protocol);
}

EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	REAL(int, bind, int, const struct sockaddr *, socklen_t);
	FAIL_AS(C_BIND, -1);
	return real_bind(fd, addr, len);
}

EXPORT int listen(int fd, int backlog)
{
	REAL(int, listen, int, int);
	FAIL_AS(C_LISTEN, -1);
	return real_listen(fd, backlog);
}

EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	REAL(int, connect, int, const struct sockaddr *, socklen_t);
	FAIL_AS(C_CONNECT, -1);
	return real_connect(fd, addr, len);
}

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	REAL(int, accept, int, struct sockaddr *, socklen_t *);
	FAIL_AS(C_ACCEPT, -1);
	return real_accept(fd, addr, len);
}

EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	REAL(int, accept4, int, struct sockaddr *, socklen_t *, int);
	FAIL_AS(C_ACCEPT4, -1);
	return real_accept4(fd, addr, len, flags);
}

EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	REAL(int, setsockopt, int, int, int, const void *, socklen_t);
	FAIL_AS(C_SETSOCKOPT, -1);
	return real_setsockopt(fd, level, name, val, len);
}

EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	REAL(int, getsockname, int, struct sockaddr *, socklen_t *);
	FAIL_AS(C_GETSOCKNAME, -1);
	return real_getsockname(fd, addr, len);
}


EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	REAL(ssize_t, send, int, const void *, size_t, int);
	FAIL_AS(C_SEND, -1);
	return real_send(fd, buf, len, flags);
}

EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	REAL(ssize_t, recv, int, void *, size_t, int);
	FAIL_AS(C_RECV, -1);
	return real_recv(fd, buf, len, flags);
}

/* ---- the kernel ---- */

EXPORT int uname(struct utsname *u)
{
	const char *release = getenv("UDO_FAULT_UNAME_RELEASE");
	REAL(int, uname, struct utsname *);

	if (real_uname(u) < 0)
		return -1;
	if (release && *release) {
		strncpy(u->release, release, sizeof(u->release) - 1);
		u->release[sizeof(u->release) - 1] = '\0';
	}
	return 0;
}
