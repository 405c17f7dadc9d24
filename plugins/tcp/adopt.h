/* SPDX-License-Identifier: MIT */
/* Socket activation on the tcp transport: does a passed socket serve this server? */
#ifndef UDO_TCP_ADOPT_H
#define UDO_TCP_ADOPT_H

#include "transport.h"

/*
 * A passed listening socket (fd) matches on the port (any for -1) and on an
 * address the CID maps to (any of a host name's addresses) or a wildcard
 * (then the server reports VMADDR_CID_ANY). 1 with the context's vcid and
 * port set from the socket, 0 when it does not match.
 */
int udo_tcp_server_adopt(struct udo_vsock_tcp *vsock,
                         const struct udo_vsock_tcp_server_create_info *info, int fd);

#endif /* UDO_TCP_ADOPT_H */
