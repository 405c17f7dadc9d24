/* SPDX-License-Identifier: MIT */
/*
 * The UDO_VSOCK_TCP_* variables a create reads, taken from the environment
 * in one pass. Each create reads them afresh (a program may change them
 * between creates) unless its options give every value
 * (lib/settings.c), and keeps what it uses: this file is the only place in
 * the library that reads the environment. A variable that is not set reads
 * as NULL.
 */
#ifndef UDO_ENV_H
#define UDO_ENV_H

#include "env-names.h"

struct udo_env {
	const char *transport;       /* UDO_VSOCK_TCP_TRANSPORT */
	const char *connect_timeout; /* UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS */
	const char *connect_wait;    /* UDO_VSOCK_TCP_CONNECT_WAIT_MS */
	const char *map;             /* UDO_VSOCK_TCP_MAP (tcp) */
	const char *uds;             /* UDO_VSOCK_TCP_UDS (hybrid) */
};

/*
 * Fill env from the environment: one walk over environ, where getenv would
 * make one per variable. The first definition of a name wins, as with
 * getenv. The pointers are into the environment: valid until it changes.
 */
void udo_env_read(struct udo_env *env);

/* UDO_VSOCK_TCP_PLUGIN_PATH (not a create setting: read at each plugin
 * load, with secure_getenv), or NULL. */
const char *udo_env_plugin_dir(void);

struct udo_vsock_tcp;

/*
 * A milliseconds variable (name=value, value as udo_env_read found it): digits
 * only, 0 to INT_MAX; unset or empty reads as 0, which means zero_means. 0
 * with *ms set, or -EINVAL recorded in vsock, quoting the value and saying
 * what a what is.
 */
int udo_env_ms(struct udo_vsock_tcp *vsock, const char *name, const char *value,
               const char *what, const char *zero_means, unsigned int *ms);

#endif /* UDO_ENV_H */
