/* SPDX-License-Identifier: MIT */
/*
 * Error reporting for udo contexts.
 *
 * Every udo context starts with a struct udo_log_error_struct, so any of
 * them can be asked for the last error it recorded. The library never
 * prints unless the program raises the log level with udo_log_set_level().
 */
#ifndef UDO_LOG_H
#define UDO_LOG_H

#include "macros.h"

#include <stdint.h>

enum udo_log_level_type {
	UDO_LOG_NONE    = 0x00000000,
	UDO_LOG_SUCCESS = 0x00000001,
	UDO_LOG_ERROR   = 0x00000002,
	UDO_LOG_INFO    = 0x00000004,
	UDO_LOG_WARNING = 0x00000008,
	UDO_LOG_RESET   = 0x00000010,
	UDO_LOG_ALL     = 0xFFFFFFFF
};

/* code: 0 when no error, else the errno value of the failure.
 * buffer: what was attempted and why, NUL-terminated. */
struct udo_log_error_struct {
	uint32_t code;
	char     buffer[(1 << 9)];
};

/*
 * Which messages the library writes (default UDO_LOG_NONE: nothing).
 * Errors are written when the level includes UDO_LOG_ERROR.
 */
UDO_API void udo_log_set_level(enum udo_log_level_type level);

/* Where log lines go (default: standard error). A negative fd restores it. */
UDO_API void udo_log_set_write_fd(const int fd);

/* The last error recorded in a udo context: NULL for a NULL context,
 * "" when there is none. */
UDO_API const char *udo_log_get_error(const void *context);

/* The last error code recorded in a udo context: UINT32_MAX for a NULL
 * context, 0 when there is none, else the errno value. */
UDO_API uint32_t udo_log_get_error_code(const void *context);

#endif /* UDO_LOG_H */
