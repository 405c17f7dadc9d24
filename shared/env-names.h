/* SPDX-License-Identifier: MIT */
/*
 * The names of the UDO_VSOCK_TCP_* variables, in one place for the core,
 * the plugins (their messages name the variable a map came from) and the
 * tool. Only lib/env.c reads them from the environment.
 */
#ifndef UDO_ENV_NAMES_H
#define UDO_ENV_NAMES_H

#define UDO_ENV_PREFIX "UDO_VSOCK_TCP_"
#define UDO_ENV_TRANSPORT       UDO_ENV_PREFIX "TRANSPORT"
#define UDO_ENV_CONNECT_TIMEOUT UDO_ENV_PREFIX "CONNECT_TIMEOUT_MS"
#define UDO_ENV_CONNECT_WAIT    UDO_ENV_PREFIX "CONNECT_WAIT_MS"
#define UDO_ENV_MAP             UDO_ENV_PREFIX "MAP"
#define UDO_ENV_UDS             UDO_ENV_PREFIX "UDS"
#define UDO_ENV_PLUGIN_PATH     UDO_ENV_PREFIX "PLUGIN_PATH"

#endif /* UDO_ENV_NAMES_H */
