/* SPDX-License-Identifier: MIT */
/* A transport built for the previous plugin ABI (its table laid out
 * otherwise): the core must refuse it, and never call it (every operation
 * here fails the test if reached). */
#include "config.h"

#include <stdlib.h>

#include "transport.h"

static int never_called(void)
{
	abort();
}

static const struct udo_transport wrong_abi = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION - 1,
	.name = "tcp",
	.server_create = (void *) never_called,
	.client_create = (void *) never_called,
	.client_connect = (void *) never_called,
	.server_accept = (void *) never_called,
	.client_reachable = (void *) never_called,
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &wrong_abi;
}
