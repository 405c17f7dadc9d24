/* SPDX-License-Identifier: MIT */
/* udo-vsock under systemd: socket activation and sd_notify (cli/activate.c). */
#ifndef UDO_CLI_ACTIVATE_H
#define UDO_CLI_ACTIVATE_H

#include <stdio.h>

/* The `transports` line saying whether socket activation is built in. */
void udo_cli_activation_show(FILE *out);

#endif /* UDO_CLI_ACTIVATE_H */
