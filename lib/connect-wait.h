/* SPDX-License-Identifier: MIT */
/* Connects that wait for the listener (udo_vsock_tcp_set_connect_wait). */
#ifndef UDO_CONNECT_WAIT_H
#define UDO_CONNECT_WAIT_H

#include "transport.h"

#include "env-names.h"
#define UDO_CONNECT_WAIT_ENV UDO_ENV_CONNECT_WAIT

/* One connect attempt: 0, or -errno with the error recorded and the context
 * ready for another attempt. */
typedef int (*udo_connect_attempt_fn)(struct udo_vsock_tcp *vsock);

/*
 * Run attempt until it succeeds, fails with an answer that is not "nobody
 * is there yet", or connect_wait_ms have passed since the first try, with
 * pauses growing from a few milliseconds up to one second. Each attempt's
 * connect timeout is cut to the time left. 0, or the last -errno, with the
 * message saying how long it waited and how many attempts it made; a signal
 * that interrupts a pause ends the wait with -EINTR.
 */
int udo_connect_wait(struct udo_vsock_tcp *vsock, udo_connect_attempt_fn attempt);

#endif /* UDO_CONNECT_WAIT_H */
