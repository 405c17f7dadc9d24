/* SPDX-License-Identifier: MIT */
/*
 * Text helpers shared by the transports' "CID=VALUE[,CID=VALUE]" parsers
 * (tcp's UDO_VSOCK_TCP_MAP, hybrid's UDO_VSOCK_TCP_UDS). Header-only, so each
 * parser still compiles alone, as its fuzz harness links it.
 */
#ifndef UDO_MAP_TEXT_H
#define UDO_MAP_TEXT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A piece of a string: not terminated, never read past n. */
struct span {
	const char *p;
	size_t n;
};

/* The span without leading and trailing white space. */
static inline struct span trim(const char *p, size_t n)
{
	while (n && isspace((unsigned char) *p))
		p++, n--;
	while (n && isspace((unsigned char) p[n - 1]))
		n--;
	return (struct span){ p, n };
}

/* A CID written as a decimal number, 0 to 4294967295, digits only. */
static inline bool parse_cid_number(struct span s, uint32_t *cid)
{
	uint64_t v = 0;
	size_t i;

	if (s.n == 0 || s.n > 10)
		return false;
	for (i = 0; i < s.n; i++) {
		if (!isdigit((unsigned char) s.p[i]))
			return false;
		v = v * 10 + (uint64_t) (s.p[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*cid = (uint32_t) v;
	return true;
}

#endif /* UDO_MAP_TEXT_H */
