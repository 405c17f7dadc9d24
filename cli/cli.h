/* SPDX-License-Identifier: MIT */
/* The exit statuses of udo-vsock (documented in udo-vsock(1)). */
#ifndef UDO_CLI_H
#define UDO_CLI_H

#define UDO_CLI_EXIT_OK 0
#define UDO_CLI_EXIT_FAILURE 1 /* something was tried and failed */
#define UDO_CLI_EXIT_USAGE 2   /* the command line is wrong: nothing was tried */

#endif /* UDO_CLI_H */
