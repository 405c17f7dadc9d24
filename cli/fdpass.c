/* SPDX-License-Identifier: MIT */
/*
 * connect --fdpass: for ssh's ProxyCommand with ProxyUseFdpass=yes, which
 * gives the command a Unix socket as standard output and waits for one
 * connected fd on it (SCM_RIGHTS). ssh then talks to the peer directly:
 * udo-vsock copies nothing and exits.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "errbuf.h"
#include "fdpass.h"

static int not_a_unix_socket(char *err, size_t errlen, int e)
{
	return fail(err, errlen, "--fdpass: standard output is not a Unix socket (%s): "
	            "use it as ssh's ProxyCommand with ProxyUseFdpass=yes", strerror(e));
}

int udo_cli_fdpass_check(int sock, char *err, size_t errlen)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return not_a_unix_socket(err, errlen, errno);
	if (domain != AF_UNIX)
		return not_a_unix_socket(err, errlen, EAFNOSUPPORT);
	return 0;
}

int udo_cli_fdpass(int sock, int fd, char *err, size_t errlen)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == ENOTSOCK || errno == EINVAL || errno == EOPNOTSUPP))
		return not_a_unix_socket(err, errlen, errno);
	if (n < 0)
		return fail(err, errlen, "--fdpass: send the connection over standard output: %s",
		            strerror(errno));
	return 0;
}
