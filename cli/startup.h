/* SPDX-License-Identifier: MIT */
/* What udo-vsock sets up before it does anything else. */
#ifndef UDO_CLI_STARTUP_H
#define UDO_CLI_STARTUP_H

/*
 * Make the process safe to run however it was started:
 *  - standard input, output and error that were closed (<&-, >&-, 2>&-, as
 *    supervisors sometimes start programs) are opened onto /dev/null, as
 *    daemons do: otherwise the first socket takes the number, and the tool
 *    reads its own socket as input, echoes the peer's data back as output,
 *    or writes its messages into the stream;
 *  - SIGPIPE is ignored: a write to a closed pipe or socket fails with EPIPE,
 *    which is reported on one line (status 1) instead of a silent death.
 * Returns 0, or -1 when /dev/null cannot be opened (reported on stderr
 * when it is open).
 */
int udo_cli_startup(void);

#endif /* UDO_CLI_STARTUP_H */
