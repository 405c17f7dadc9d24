/* SPDX-License-Identifier: MIT */
/*
 * The tcp transport's client connect: a host name's addresses, resolved at
 * create, tried in turn until one answers. Written once, as steps that go as
 * far as they can without waiting; the context keeps the address being tried
 * (vsock->addr_next) and how each one failed (vsock->step_buf). A
 * non-blocking context (UDO_VSOCK_TCP_OPT_NONBLOCK) runs one step per call
 * from the caller's event loop; a blocking connect drives the same steps
 * with the deadline's waits (shared/deadline.c).
 */
#ifndef UDO_TCP_CONNECT_H
#define UDO_TCP_CONNECT_H

#include "resolve.h"

/* Keep t's IPv4 and IPv6 addresses (a host name's) in the context, in the
 * resolver's order without repeats. 0 or -errno recorded. */
int udo_tcp_keep_addrs(struct udo_vsock_tcp *vsock, const struct udo_tcp_target *t);

/* One step of the connect: 0, -EINPROGRESS (poll_events set), or -errno
 * recorded after every address failed; the context then starts again from
 * the first address. */
int udo_tcp_connect_step(struct udo_vsock_tcp *vsock);

/* A blocking connect within the connect timeout, all addresses together. */
int udo_tcp_connect_blocking(struct udo_vsock_tcp *vsock);

/* A blocking connect's raw connect(2) to the first address, made without a
 * deadline, failed with err (-errno): go on with the others. */
int udo_tcp_first_failed(struct udo_vsock_tcp *vsock, int err);

#endif /* UDO_TCP_CONNECT_H */
