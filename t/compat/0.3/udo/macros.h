/* SPDX-License-Identifier: MIT */
/*
 * Macros shared by the udo headers. The names follow libudo's <macros.h>
 * so programs written against libudo compile unchanged.
 */
#ifndef UDO_MACROS_H
#define UDO_MACROS_H

#include <stdint.h>

/* Exported entry points: C linkage for C++ callers, default visibility
 * because the library is built with -fvisibility=hidden. */
#ifdef __cplusplus
#define UDO_API extern "C" __attribute__((visibility("default")))
#else
#define UDO_API __attribute__((visibility("default")))
#endif

#define UDO_UNUSED __attribute__((unused))
#define UDO_INLINE inline __attribute__((always_inline))
#define UDO_STATIC_INLINE static inline __attribute__((always_inline))

#endif /* UDO_MACROS_H */
