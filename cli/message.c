/* SPDX-License-Identifier: MIT */
/*
 * recv(2) returns 0 for an empty message and for the end of stream alike.
 * On AF_UNIX the two differ in what comes along: a message carries its
 * sender's credentials once the receiver asks for them (SO_PASSCRED), the
 * end of stream carries nothing. Where nothing tells (vsock, or a message
 * queued before SO_PASSCRED on kernels that attach credentials only for a
 * receiver that asked at send time), poll(2) does: the end of stream is
 * there only once the peer has shut its side down (POLLRDHUP).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "message.h"

bool udo_cli_is_msg_socket(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET;
}

void udo_cli_msg_prepare(int fd)
{
	int domain = 0, one = 1;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
}

/* Close the fds of any SCM_RIGHTS in m: nobody here takes them. */
static bool close_passed(struct msghdr *m)
{
	struct cmsghdr *c;
	bool creds = false;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS)
			creds = true;
		if (c->cmsg_type == SCM_RIGHTS) {
			int *fds = (int *) (void *) CMSG_DATA(c);
			size_t i, n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (i = 0; i < n; i++)
				close(fds[i]);
		}
	}
	return creds;
}

ssize_t udo_cli_msg_recv(int fd, void *buf, size_t len, int flags, bool *eof)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
	} cm;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof(cm),
	};
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };
	ssize_t n = recvmsg(fd, &m, flags | MSG_CMSG_CLOEXEC);
	bool creds;

	*eof = false;
	if (n < 0)
		return -errno;
	creds = m.msg_controllen > 0 && close_passed(&m);
	if (n > 0 || creds)
		return n;
	/* Without credentials: the end only once the peer has ended its side
	 * (a poll that fails tells nothing: take the end, as recv would). */
	*eof = poll(&p, 1, 0) < 0 || (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
	return 0;
}
