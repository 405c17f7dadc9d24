/* SPDX-License-Identifier: MIT */
/*
 * Connects that wait for the listener: a guest agent started before its host
 * service (or a host tool before the guest is ready) retries the answers that
 * mean "nobody is there yet" instead of growing its own retry loop.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "connect-wait.h"

#define PAUSE_FIRST_MS 4
#define PAUSE_MAX_MS 1000

/* Answers that mean "nobody is listening there yet": those the transport
 * declares, and the end of an attempt's own timeout; anything else (a
 * configuration error above all) is final. */
static bool worth_retrying(const struct udo_vsock_tcp *vsock, int neg_errno)
{
	const int *e = vsock->transport ? vsock->transport->wait_errnos : NULL;

	if (neg_errno == -ETIMEDOUT) /* no answer (yet) within the connect timeout */
		return true;
	for (; e && *e; e++)
		if (*e == -neg_errno)
			return true;
	return false;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Sleep for ms. A blocking read of a timerfd, so that a signal handler
 * installed with SA_RESTART resumes the pause and one without it ends it
 * (-EINTR), as for any slow system call. 0 or -errno.
 */
static int pause_ms(int ms)
{
	struct itimerspec when = {
		.it_value = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L },
	};
	uint64_t expirations;
	struct timespec ts = when.it_value;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), r = 0;

	if (fd < 0) /* no fd to spare: a plain sleep, which any signal ends */
		return nanosleep(&ts, NULL) == 0 ? 0 : -errno;
	if (timerfd_settime(fd, 0, &when, NULL) < 0 ||
	    read(fd, &expirations, sizeof(expirations)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Say in the context's message (keeping its code) how the wait ended. */
static void append(struct udo_vsock_tcp *vsock, const char *how, int64_t waited,
                   unsigned int attempts)
{
	size_t len = strlen(vsock->err.buffer), cap = sizeof(vsock->err.buffer);

	if (len < cap - 1)
		snprintf(vsock->err.buffer + len, cap - len,
		         "; %s after %lld ms and %u attempt%s (connect wait %u ms)", how,
		         (long long) waited, attempts, attempts == 1 ? "" : "s",
		         vsock->connect_wait_ms);
}

static int interrupted(struct udo_vsock_tcp *vsock, int64_t start, unsigned int attempts)
{
	vsock->err.code = EINTR;
	append(vsock, "the wait for the listener was interrupted by a signal",
	       now_ms() - start, attempts);
	return -EINTR;
}

int udo_connect_wait(struct udo_vsock_tcp *vsock, udo_connect_attempt_fn attempt)
{
	unsigned int timeout = vsock->connect_timeout_ms, attempts = 0;
	int64_t start = now_ms(), left;
	int pause = PAUSE_FIRST_MS, r, p;

	if (!vsock->connect_wait_ms)
		return attempt(vsock);
	for (;;) {
		left = start + vsock->connect_wait_ms - now_ms();
		/* Each attempt ends by the end of the wait, at the latest. */
		if (left > 0 && (!timeout || left < timeout))
			vsock->connect_timeout_ms = (unsigned int) left;
		r = attempt(vsock);
		vsock->connect_timeout_ms = timeout;
		attempts++;
		/* A signal, during an attempt (udo_deadline_wait) or a pause,
		 * whose handler has no SA_RESTART. */
		if (r == -EINTR)
			return interrupted(vsock, start, attempts);
		if (r == 0 || !worth_retrying(vsock, r))
			return r;
		left = start + vsock->connect_wait_ms - now_ms();
		if (left <= 0)
			break;
		p = pause_ms(left < pause ? (int) left : pause);
		if (p == -EINTR)
			return interrupted(vsock, start, attempts);
		if (p < 0)
			break;
		pause = pause * 2 > PAUSE_MAX_MS ? PAUSE_MAX_MS : pause * 2;
	}
	append(vsock, "gave up waiting for the listener", now_ms() - start, attempts);
	return r;
}
