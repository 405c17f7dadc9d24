/* SPDX-License-Identifier: MIT */
/*
 * Socket activation: does a passed socket's own address (sa, len bytes, as
 * getsockname gives it) serve a server create's request? One function per
 * address family, pure (no context, no system call), so the fuzz harness
 * (fuzz/adopt.c) feeds them any bytes. Each returns 1 on a match, with what
 * the server then reports; 0 otherwise, the outputs untouched.
 */
#ifndef UDO_ADOPT_ADDR_H
#define UDO_ADOPT_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>

/* The abstract name of a unix transport port, "\0udo-vsock-tcp/PORT":
 * the address a create binds, and its length. */
#define UDO_UNIX_NAME_PREFIX "udo-vsock-tcp/"
socklen_t udo_unix_name(struct sockaddr_un *sun, uint32_t port);

/* vsock: an AF_VSOCK address on port (any for -1) and cid, either side
 * VMADDR_CID_ANY matching all; *own is the address. A socket on port
 * VMADDR_PORT_ANY, which get_port could not tell from "no port" (-1),
 * serves nothing. */
int udo_adopt_vsock(const void *sa, size_t len, uint32_t cid, int port,
                    struct sockaddr_vm *own);

/* unix: exactly the name a create of its port binds (no other spelling of
 * the number), on port (any for -1); *own_port is that port. The name of
 * VMADDR_PORT_ANY, which get_port could not tell from "no port" (-1),
 * serves nothing. */
int udo_adopt_unix(const void *sa, size_t len, int port, uint32_t *own_port);

/* tcp: an AF_INET or AF_INET6 address on port (any for -1); *own is the
 * address, an IPv4-mapped IPv6 one as the IPv4 address it stands for, and
 * *wildcard says whether it is INADDR_ANY or in6addr_any. Whether a
 * specific address belongs to the CID is the tcp transport's to decide. */
int udo_adopt_inet(const void *sa, size_t len, int port, struct sockaddr_storage *own,
                   int *wildcard);

#endif /* UDO_ADOPT_ADDR_H */
