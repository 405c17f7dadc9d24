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

const char *udo_cli_one_line(char *buf, size_t len, const char *text)
{
	size_t o = 0;

	if (!len)
		return buf;
	for (; *text; text++) {
		unsigned char c = (unsigned char) *text;
		char piece[5];
		size_t k = 1;

		if (c == '\n' || c == '\r' || c == '\t')
			k = (size_t) snprintf(piece, sizeof(piece), "\\%c",
			                      c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			k = (size_t) snprintf(piece, sizeof(piece), "\\x%02x", c);
		else
			piece[0] = (char) c;
		if (o + k >= len)
			break;
		memcpy(buf + o, piece, k);
		o += k;
	}
	buf[o] = '\0';
	return buf;
}

static void say_v(const char *fmt, va_list ap)
{
	char text[LINE_MAX_BYTES], line[LINE_MAX_BYTES];
	size_t n;

	vsnprintf(text, sizeof(text), fmt, ap);
	n = (size_t) snprintf(line, sizeof(line), UDO_CLI_PROG ": ");
	udo_cli_one_line(line + n, sizeof(line) - n - 1, text);
	n += strlen(line + n);
	line[n++] = '\n';
	while (write(STDERR_FILENO, line, n) < 0 && errno == EINTR)
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
