/* SPDX-License-Identifier: MIT */
/*
 * How udo-vsock talks to its user: one line "udo-vsock: ..." on standard
 * error per message. Every part of the tool reports through here; this file
 * calls nothing else of the tool.
 */
#ifndef UDO_CLI_SAY_H
#define UDO_CLI_SAY_H

#include <stddef.h>

#define UDO_CLI_PROG "udo-vsock"

/* One line on standard error, in one write(2) so that lines from
 * concurrent relay threads never interleave. Control characters that reach
 * it unescaped (in the library's messages, say) are written as \n, \x1b:
 * a message is one line, and never drives the terminal. */
void udo_cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* text as one line: control characters (bytes below 0x20, and 0x7f) as
 * \n, \r, \t or \xNN, everything else as it is (unlike udo_quote(), for
 * whole messages: quotes and backslashes stay). Cut to fit buf; returns buf. */
const char *udo_cli_one_line(char *buf, size_t len, const char *text);

/* A usage error: the message and a pointer to --help; returns
 * UDO_CLI_EXIT_USAGE. */
int udo_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A failure: msg on one line; returns UDO_CLI_EXIT_FAILURE. */
int udo_cli_failure(const char *msg);

/* Flush standard output: UDO_CLI_EXIT_OK, or UDO_CLI_EXIT_FAILURE after
 * saying why it could not be written (a closed pipe: EPIPE). */
int udo_cli_stdout_done(void);

#endif /* UDO_CLI_SAY_H */
