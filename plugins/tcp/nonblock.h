/* SPDX-License-Identifier: MIT */
/*
 * The tcp transport's non-blocking connect (UDO_VSOCK_TCP_OPT_NONBLOCK): a
 * host name's addresses are resolved at create and tried in turn, each
 * connect driven by the caller's event loop.
 */
#ifndef UDO_TCP_NONBLOCK_H
#define UDO_TCP_NONBLOCK_H

#include "resolve.h"

/* Keep t's IPv4 and IPv6 addresses (a host name's) in the context, in the
 * resolver's order without repeats. 0 or -errno recorded. */
int udo_tcp_keep_addrs(struct udo_vsock_tcp *vsock, const struct udo_tcp_target *t);

/* One step of the connect: 0, -EINPROGRESS (poll_events set), or -errno
 * recorded after every address failed; the context then starts again from
 * the first address. */
int udo_tcp_connect_nb(struct udo_vsock_tcp *vsock);

#endif /* UDO_TCP_NONBLOCK_H */
