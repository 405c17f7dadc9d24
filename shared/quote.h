/* SPDX-License-Identifier: MIT */
/*
 * Quoting untrusted text (environment variables, file names, what a peer
 * sent) into a one-line message. Compiled into the core, each plugin and the
 * tool, hidden in each, like context.c.
 */
#ifndef UDO_QUOTE_H
#define UDO_QUOTE_H

#include <stddef.h>

/* Longest piece of input, in bytes, that a message quotes before "...". */
#define UDO_QUOTE_INPUT_MAX 64

/* Enough room for UDO_QUOTE_INPUT_MAX bytes of input, every one escaped. */
#define UDO_QUOTE_BUF (UDO_QUOTE_INPUT_MAX * 4 + 4)

/*
 * s[0..n) made safe to print on one line: printable ASCII stays as it is;
 * backslash and double quote get a backslash; \n, \r, \t and every other
 * byte (control characters, ESC, bytes >= 0x7f) are written as C escapes
 * (\n, \x1b). Input past max bytes (UDO_QUOTE_INPUT_MAX when max is 0) is
 * cut and "..." follows. buf always ends up terminated (len >= 1); it is
 * returned so a call can stand in a printf argument list.
 */
const char *udo_quote_n(char *buf, size_t len, const char *s, size_t n, size_t max);

/* udo_quote_n() of a NUL-terminated string, cut at UDO_QUOTE_INPUT_MAX. */
const char *udo_quote(char *buf, size_t len, const char *s);

#endif /* UDO_QUOTE_H */
