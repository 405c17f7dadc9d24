/* SPDX-License-Identifier: MIT */
/*
 * Error recording shared by the core and the transport plugins. Each binary
 * gets its own hidden copy, so plugins need nothing from the core at run
 * time beyond the context they are handed.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport.h"

int udo_ctx_error(struct udo_vsock_tcp *vsock, int code, bool errno_text,
                  const char *fmt, ...)
{
	char *buf = vsock->err.buffer;
	size_t cap = sizeof(vsock->err.buffer);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (errno_text && (size_t) n < cap) {
		char tmp[128];
		/* GNU strerror_r returns the string it chose to fill. */
		snprintf(buf + n, cap - (size_t) n, ": %s",
		         strerror_r(code, tmp, sizeof(tmp)));
	}
	vsock->err.code = (uint32_t) code;
	return -code;
}

void udo_ctx_clear_error(struct udo_vsock_tcp *vsock)
{
	vsock->err.code = 0;
	vsock->err.buffer[0] = '\0';
}

int udo_ctx_sock_flags(const struct udo_vsock_tcp *vsock)
{
	return (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK) ? SOCK_CLOEXEC | SOCK_NONBLOCK
	                                                   : SOCK_CLOEXEC;
}

int udo_ctx_connect_nb(struct udo_vsock_tcp *vsock, const struct sockaddr *sa, socklen_t len)
{
	struct pollfd p = { .fd = vsock->fd, .events = POLLOUT };
	socklen_t elen = sizeof(int);
	int err = 0, n;

	if (!vsock->poll_events) {
		err = connect(vsock->fd, sa, len) == 0 ? 0 : -errno;
	} else {
		/* Ready for writing once it ended; then SO_ERROR says how (a
		 * second connect(2) would start anew on vsock). */
		n = poll(&p, 1, 0);
		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n <= 0)
			err = -EINPROGRESS;
		else if (getsockopt(vsock->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = -errno;
		else
			err = -err;
	}
	if (err == -EALREADY || err == -EINTR)
		err = -EINPROGRESS;
	vsock->poll_events = err == -EINPROGRESS ? POLLOUT : 0;
	return err;
}

void udo_ctx_end_steps(struct udo_vsock_tcp *vsock)
{
	vsock->poll_events = 0;
	vsock->step = 0;
	vsock->step_len = 0;
	vsock->addr_next = 0;
}

int udo_ctx_socket(struct udo_vsock_tcp *vsock, int family, const char *what)
{
	int fd = socket(family, vsock->type | udo_ctx_sock_flags(vsock), 0);

	if (fd < 0)
		return udo_ctx_error(vsock, errno, true, "socket for %s", what);
	return fd;
}

int udo_ctx_ensure_socket(struct udo_vsock_tcp *vsock, int family, const char *what)
{
	int fd;

	if (vsock->fd >= 0)
		return 0;
	fd = udo_ctx_socket(vsock, family, what);
	if (fd < 0)
		return fd;
	vsock->fd = fd;
	return 0;
}

void udo_ctx_set_address(struct udo_vsock_tcp *vsock, uint32_t cid, uint32_t port)
{
	vsock->vcid = cid;
	vsock->port = (int) port; /* 32 bits, as on vsock: above INT_MAX it reads negative */
	vsock->addr.svm_family = AF_VSOCK;
	vsock->addr.svm_cid = cid;
	vsock->addr.svm_port = port;
}

const char *udo_port_text(int port, char *buf, size_t len)
{
	if (port == -1)
		snprintf(buf, len, "-1");
	else
		snprintf(buf, len, "%u", (uint32_t) port);
	return buf;
}

int udo_ctx_accept_from(struct udo_vsock_tcp *vsock, const char *name,
                        struct sockaddr_vm *addr, uint32_t cid)
{
	int fd = accept4(vsock->fd, NULL, NULL, udo_ctx_sock_flags(vsock));

	if (fd < 0)
		return udo_ctx_error(vsock, errno, true, "accept on %s %u:%u", name, vsock->vcid,
		                     (uint32_t) vsock->port);
	if (addr) {
		memset(addr, 0, sizeof(*addr));
		addr->svm_family = AF_VSOCK;
		addr->svm_cid = cid;
		addr->svm_port = VMADDR_PORT_ANY;
	}
	return fd;
}

uint32_t udo_local_cid(void)
{
	unsigned int cid = UINT32_MAX;
	int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return UINT32_MAX;
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) < 0)
		cid = UINT32_MAX;
	close(fd);
	return cid;
}

/* Read once per binary (each has its own hidden copy of this file). */
static pthread_once_t local_cid_once = PTHREAD_ONCE_INIT;
static uint32_t local_cid;

static void read_local_cid(void)
{
	local_cid = udo_local_cid();
}

uint32_t udo_local_cid_once(void)
{
	pthread_once(&local_cid_once, read_local_cid);
	return local_cid;
}
