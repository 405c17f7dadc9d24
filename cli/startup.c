/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "say.h"
#include "startup.h"

int udo_cli_startup(void)
{
	int fd;

	/* In order: while 0..fd-1 are open, open() returns fd itself. */
	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* Not close-on-exec: a standard fd, as the caller's would be. */
		null = open("/dev/null", O_RDWR);
		if (null < 0) {
			udo_cli_say("open /dev/null for the closed standard fd %d: %s", fd,
			            strerror(errno));
			return -1;
		}
		if (null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
	/* Sockets and pipes report a gone reader as EPIPE; splice(2) too. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}
