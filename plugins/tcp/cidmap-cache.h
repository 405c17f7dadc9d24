/* SPDX-License-Identifier: MIT */
/*
 * udo_cidmap_find() with a memory of the last answer: a program that
 * creates context after context with the same UDO_VSOCK_TCP_MAP parses it
 * once. The text is compared byte for byte, so a map changed in any way
 * (setenv, or a putenv string edited in place) is parsed again.
 */
#ifndef UDO_CIDMAP_CACHE_H
#define UDO_CIDMAP_CACHE_H

#include "cidmap.h"

/* Maps longer than this are parsed every time. */
#define UDO_CIDMAP_CACHE_TEXT 1024

/* As udo_cidmap_find(); thread-safe. */
int udo_cidmap_find_cached(const char *text, uint32_t cid, struct udo_cidmap_entry *out,
                           char *err, size_t errlen);

#endif /* UDO_CIDMAP_CACHE_H */
