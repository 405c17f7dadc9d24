/* SPDX-License-Identifier: MIT */
/*
 * The udo_log_* API. The level and fd are process-wide by libudo's design;
 * they are atomics so any thread may change them. Default: never print.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

static _Atomic uint32_t log_level = UDO_LOG_NONE;
static atomic_int log_fd = -1; /* -1: standard error */

UDO_API void udo_log_set_level(enum udo_log_level_type level)
{
	atomic_store_explicit(&log_level, (uint32_t) level, memory_order_relaxed);
}

UDO_API void udo_log_set_write_fd(const int fd)
{
	atomic_store_explicit(&log_fd, fd < 0 ? -1 : fd, memory_order_relaxed);
}

UDO_API const char *udo_log_get_error(const void *context)
{
	const struct udo_log_error_struct *err = context;

	return err ? err->buffer : NULL;
}

UDO_API uint32_t udo_log_get_error_code(const void *context)
{
	const struct udo_log_error_struct *err = context;

	return err ? err->code : UINT32_MAX;
}

void udo_log_report(const struct udo_vsock_tcp *vsock, const char *func)
{
	char line[sizeof(vsock->err.buffer) + 128];
	int fd, n;

	if (!(atomic_load_explicit(&log_level, memory_order_relaxed) & UDO_LOG_ERROR))
		return;
	fd = atomic_load_explicit(&log_fd, memory_order_relaxed);
	if (fd < 0)
		fd = STDERR_FILENO;
	n = snprintf(line, sizeof(line), "[udo-vsock-tcp] %s: %s\n", func,
	             vsock->err.buffer);
	if (n < 0)
		return;
	if ((size_t) n >= sizeof(line))
		n = sizeof(line) - 1;
	/* One write per line so concurrent threads do not interleave. */
	while (write(fd, line, (size_t) n) < 0 && errno == EINTR)
		;
}
