/* SPDX-License-Identifier: MIT */
/* A create's settings from its options and the environment (lib/settings.c). */
#ifndef UDO_SETTINGS_H
#define UDO_SETTINGS_H

#include "core.h"

/*
 * Check opts (NULL: none given) and resolve every setting into vsock (the
 * maps copied: nothing after the create reads opts or the environment),
 * and the transport asked for into *mode (a udo_transport_id or
 * UDO_TRANSPORT_AUTO). 0, or -errno recorded in vsock.
 */
int udo_settings_resolve(struct udo_vsock_tcp *vsock, const struct udo_vsock_tcp_opts *opts,
                         int *mode, const char *func);

#endif /* UDO_SETTINGS_H */
