/* SPDX-License-Identifier: MIT */
/*
 * Milliseconds as text, as every UDO_VSOCK_TCP_*_MS variable and the tool's
 * millisecond options take them: decimal digits only (no sign, no spaces),
 * 0 to INT_MAX.
 */
#ifndef UDO_MS_H
#define UDO_MS_H

/* 0 with *ms set, or -1 (text empty, not digits, or above INT_MAX). */
int udo_parse_ms(const char *text, unsigned int *ms);

#endif /* UDO_MS_H */
