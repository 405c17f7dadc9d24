/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "say.h"

/* Room for the longest message the tool composes. */
#define LINE_MAX_BYTES 2048

static void say_v(const char *fmt, va_list ap)
{
	char line[LINE_MAX_BYTES];
	int n = snprintf(line, sizeof(line), UDO_CLI_PROG ": ");

	n += vsnprintf(line + n, sizeof(line) - (size_t) n - 1, fmt, ap);
	if ((size_t) n > sizeof(line) - 2)
		n = (int) sizeof(line) - 2;
	line[n++] = '\n';
	while (write(STDERR_FILENO, line, (size_t) n) < 0 && errno == EINTR)
		;
}

void udo_cli_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_v(fmt, ap);
	va_end(ap);
}

int udo_cli_usage(const char *fmt, ...)
{
	char msg[LINE_MAX_BYTES - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	udo_cli_say("%s (see " UDO_CLI_PROG " --help)", msg);
	return UDO_CLI_EXIT_USAGE;
}

int udo_cli_failure(const char *msg)
{
	udo_cli_say("%s", msg);
	return UDO_CLI_EXIT_FAILURE;
}

int udo_cli_stdout_done(void)
{
	int r = fflush(stdout), e = errno;

	if (r == 0 && !ferror(stdout))
		return UDO_CLI_EXIT_OK;
	udo_cli_say("write standard output: %s", strerror(r ? e : EIO));
	return UDO_CLI_EXIT_FAILURE;
}
