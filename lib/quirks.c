/* SPDX-License-Identifier: MIT */
/*
 * Kernel differences, evened out on the error path only: a send or receive
 * that succeeds never gets here, so it costs nothing.
 *
 * Linux 6.1 (Debian 12) turns every error of a vsock transport's enqueue
 * and seqpacket dequeue into ENOMEM (af_vsock.c; later kernels pass the
 * transport's own error on). So a seqpacket message larger than the peer's
 * buffer (SO_VM_SOCKETS_BUFFER_SIZE, 256 KiB by default), which virtio's
 * transport refuses whole with EMSGSIZE, reads ENOMEM; MSG_PEEK, which its
 * seqpacket dequeue does not support (EOPNOTSUPP, message left queued),
 * reads ENOMEM too; and so does the one other way that dequeue fails, a
 * copy to a buffer the process cannot write (EFAULT: vsock_test's "invalid
 * receive buffer"; the rest of that message is dropped).
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "core.h"

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
	return is_vsock_seqpacket(fd) ? -EMSGSIZE : -ENOMEM;
}

int udo_quirk_recv_enomem(int fd, int flags)
{
	if (!is_vsock_seqpacket(fd))
		return -ENOMEM;
	return (flags & MSG_PEEK) ? -EOPNOTSUPP : -EFAULT;
}
