/* SPDX-License-Identifier: MIT */
/* What every part of udo-vsock shares. */
#ifndef UDO_CLI_H
#define UDO_CLI_H

/* Exit statuses (documented in udo-vsock(1)). */
#define UDO_CLI_EXIT_OK 0
#define UDO_CLI_EXIT_FAILURE 1 /* something was tried and failed */
#define UDO_CLI_EXIT_USAGE 2   /* the command line is wrong: nothing was tried */

/* One line "udo-vsock: ..." on standard error, in one write(2) so that lines
 * from concurrent relay threads never interleave. */
void udo_cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* UDO_CLI_H */
