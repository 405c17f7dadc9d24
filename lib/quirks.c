/* SPDX-License-Identifier: MIT */
/*
 * Kernel differences, evened out on the error path only: a send or receive
 * that succeeds never gets here, so it costs nothing.
 *
 * Before Linux 6.3 (Debian 12 runs 6.1), af_vsock.c turned every error of
 * a transport's enqueue and seqpacket dequeue into ENOMEM; 6.3 passes the
 * transport's own error on ("vsock: return errors other than -ENOMEM to
 * socket"). So on those kernels a seqpacket message larger than the peer's
 * buffer (SO_VM_SOCKETS_BUFFER_SIZE, 256 KiB by default), which virtio's
 * transport refuses whole with EMSGSIZE, reads ENOMEM; MSG_PEEK, which its
 * seqpacket dequeue does not support (EOPNOTSUPP, message left queued),
 * reads ENOMEM too; and so does the one other way that dequeue fails, a
 * copy to a buffer the process cannot write (EFAULT: vsock_test's "invalid
 * receive buffer"; the rest of that message is dropped). From 6.3 on, the
 * kernel says what happened, and an ENOMEM is a real lack of memory: it is
 * passed on as it is.
 *
 * Which kernel this is, is found out once per process (uname), on the
 * first failure that needs it: the only state kept is that answer.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include "core.h"

enum { KERNEL_UNKNOWN, KERNEL_SAYS_ENOMEM, KERNEL_SAYS_WHY };

static atomic_int kernel_kind = KERNEL_UNKNOWN;

/* A release this code cannot read ("6.1.0-30-amd64" can be read) is taken
 * for a new kernel: then errors pass through unchanged. */
static bool kernel_says_enomem(void)
{
	int kind = atomic_load_explicit(&kernel_kind, memory_order_relaxed);
	struct utsname u;
	unsigned int major, minor;

	if (kind == KERNEL_UNKNOWN) {
		kind = KERNEL_SAYS_WHY;
		if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
		    (major < 6 || (major == 6 && minor < 3)))
			kind = KERNEL_SAYS_ENOMEM;
		atomic_store_explicit(&kernel_kind, kind, memory_order_relaxed);
	}
	return kind == KERNEL_SAYS_ENOMEM;
}

static bool is_vsock_seqpacket(int fd)
{
	int domain = -1, type = -1;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_VSOCK)
		return false;
	len = sizeof(type);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET;
}

int udo_quirk_send_enomem(int fd)
{
	return kernel_says_enomem() && is_vsock_seqpacket(fd) ? -EMSGSIZE : -ENOMEM;
}

int udo_quirk_recv_enomem(int fd, int flags)
{
	if (!kernel_says_enomem() || !is_vsock_seqpacket(fd))
		return -ENOMEM;
	return (flags & MSG_PEEK) ? -EOPNOTSUPP : -EFAULT;
}
