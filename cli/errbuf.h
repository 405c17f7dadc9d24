/* SPDX-License-Identifier: MIT */
/* Failing with a message in the caller's buffer, as every part of
 * udo-vsock reports errors. Header-only so that cli/addr.c still builds
 * alone for its fuzz harness. */
#ifndef UDO_CLI_ERRBUF_H
#define UDO_CLI_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Format the message into err (when there is room for one); return -1. */
static inline int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#endif /* UDO_CLI_ERRBUF_H */
