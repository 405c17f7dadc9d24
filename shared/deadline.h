/* SPDX-License-Identifier: MIT */
/*
 * A connect's one deadline and the waits bounded by it (shared/deadline.c):
 * what the core, the plugins and the tool's own tcp connects share. The
 * step driver, which needs a context, is in transport.h.
 */
#ifndef UDO_DEADLINE_H
#define UDO_DEADLINE_H

#include <stdbool.h>
#include <time.h>
#include <sys/socket.h>

/* A connect's deadline: connect_timeout_ms from its start, or none (0). */
struct udo_deadline {
	bool set;
	struct timespec at; /* CLOCK_MONOTONIC */
};

void udo_deadline_start(struct udo_deadline *d, unsigned int ms);

/* Milliseconds left (rounded up), 0 once passed, -1 without a deadline. */
int udo_deadline_left_ms(const struct udo_deadline *d);

/*
 * Wait until fd has one of events (POLLIN, POLLOUT) or the deadline passes
 * (fd -1: just the deadline): 0 when ready (or on an error condition the
 * next call will report), -ETIMEDOUT, -EINTR, or -errno. Signals count as
 * for a system call the kernel can restart (shared/deadline.c): a handler with
 * SA_RESTART runs and the wait goes on to the same deadline; one without
 * ends it with -EINTR.
 */
int udo_deadline_wait(int fd, short events, const struct udo_deadline *d);

/*
 * connect(2) bounded by the deadline: a non-blocking connect waited for
 * with udo_deadline_wait, the fd made blocking again. On AF_UNIX a full
 * backlog is tried again until the deadline. Without a deadline, the plain
 * connect(2), until the kernel answers (on AF_VSOCK, a signal that ends it
 * may put a fresh socket in fd: shared/deadline.c). 0 or -errno
 * (-ETIMEDOUT when the deadline passed, -EINTR as udo_deadline_wait says).
 */
int udo_deadline_connect(int fd, const struct sockaddr *sa, socklen_t len,
                         const struct udo_deadline *d);

#endif /* UDO_DEADLINE_H */
