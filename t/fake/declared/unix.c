/* SPDX-License-Identifier: MIT */
/*
 * A transport named "unix" whose table declares other things than the real
 * unix plugin: streams only, EHOSTDOWN as "nobody is there yet", no adoption
 * of passed sockets. t/plugin-declared checks that the core goes by these
 * declarations, not by what it knows of the name.
 */
#include "config.h"

#include <errno.h>

#include "transport.h"

/* Its port says how a connect fails: a declared "not yet" answer, or not. */
#define PORT_NOT_YET 1
#define PORT_FINAL 2

static const int fake_wait_errnos[] = { EHOSTDOWN, 0 };

static int fake_server_create(struct udo_vsock_tcp *vsock,
                              const struct udo_vsock_tcp_server_create_info *info)
{
	/* As if the service manager held the port. */
	return udo_ctx_error(vsock, EADDRINUSE, true, "bind to unix %u:%d", info->vcid,
	                     info->port);
}

static int fake_client_create(struct udo_vsock_tcp *vsock,
                              const struct udo_vsock_tcp_client_create_info *info)
{
	vsock->vcid = info->vcid;
	vsock->port = info->port;
	return 0;
}

static int fake_client_connect(struct udo_vsock_tcp *vsock)
{
	return udo_ctx_error(vsock, vsock->port == PORT_NOT_YET ? EHOSTDOWN : EHOSTUNREACH,
	                     true, "connect to unix %u:%d", vsock->vcid, vsock->port);
}

static int fake_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	(void) addr;
	return udo_ctx_error(vsock, EINVAL, false, "accept on the fake unix transport");
}

static int fake_client_reachable(const struct udo_vsock_tcp *vsock, uint32_t cid)
{
	(void) vsock;
	(void) cid;
	return 0;
}

static const struct udo_transport fake_unix = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "unix",
	.carries = UDO_CARRIES_STREAM,
	.carries_why = "a test transport that declares streams only",
	.wait_errnos = fake_wait_errnos,
	.server_create = fake_server_create,
	.client_create = fake_client_create,
	.client_connect = fake_client_connect,
	.server_accept = fake_server_accept,
	.client_reachable = fake_client_reachable,
	/* no server_adopt: it declares that it adopts no passed socket */
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &fake_unix;
}
