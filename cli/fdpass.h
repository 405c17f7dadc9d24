/* SPDX-License-Identifier: MIT */
/* connect --fdpass: hand the connected stream to the parent (cli/fdpass.c). */
#ifndef UDO_CLI_FDPASS_H
#define UDO_CLI_FDPASS_H

#include <stddef.h>

/*
 * Send fd over the Unix socket sock (SCM_RIGHTS, with one byte of data), as
 * OpenSSH's ProxyUseFdpass expects on the ProxyCommand's standard output.
 * 0, or -1 with err.
 */
int udo_cli_fdpass(int sock, int fd, char *err, size_t errlen);

/* Before connecting: sock must be a Unix socket to pass a connection over,
 * else nothing is worth connecting. 0, or -1 with err. */
int udo_cli_fdpass_check(int sock, char *err, size_t errlen);

#endif /* UDO_CLI_FDPASS_H */
