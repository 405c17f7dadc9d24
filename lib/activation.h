/* SPDX-License-Identifier: MIT */
/* Socket activation: a server create adopts a listening socket passed by
 * the service manager (lib/activation.c). */
#ifndef UDO_ACTIVATION_H
#define UDO_ACTIVATION_H

#include "core.h"

#ifdef HAVE_LIBSYSTEMD
/*
 * Adopt a passed listening socket of type (SOCK_STREAM, ...) that matches
 * info on a transport that may serve the request: mode is the transport
 * UDO_VSOCK_TCP_TRANSPORT asks for, or UDO_TRANSPORT_AUTO for every one
 * "auto" could pick. True with the context's fd, transport, vcid, port and
 * addr set (the fd made close-on-exec and never adopted again in this
 * process); false, with the context untouched but for its error, when no
 * passed socket matches.
 */
bool udo_activation_adopt(struct udo_vsock_tcp *vsock, int mode,
                          const struct udo_vsock_tcp_server_create_info *info, int type);

/*
 * A server create on mode (a transport id or UDO_TRANSPORT_AUTO) failed to
 * bind (EADDRINUSE): when the service manager's variables were there but
 * sd_listen_fds() refused them (LISTEN_FDS="abc"), or a socket was passed
 * but the transport asked for declares no adoption, the port is likely the
 * manager's. Append to vsock's message that passed sockets could not be
 * used, and why.
 */
void udo_activation_note_refused(struct udo_vsock_tcp *vsock, int mode);
#else
/* Built without libsystemd (configure --without-libsystemd): no adoption. */
static inline bool udo_activation_adopt(struct udo_vsock_tcp *vsock, int mode,
                                        const struct udo_vsock_tcp_server_create_info *info,
                                        int type)
{
	(void) vsock;
	(void) mode;
	(void) info;
	(void) type;
	return false;
}

static inline void udo_activation_note_refused(struct udo_vsock_tcp *vsock, int mode)
{
	(void) vsock;
	(void) mode;
}
#endif

#endif /* UDO_ACTIVATION_H */
