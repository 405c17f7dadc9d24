/* SPDX-License-Identifier: MIT */
/*
 * Text helpers shared by the transports' "CID=VALUE[,CID=VALUE]" parsers
 * (tcp's UDO_VSOCK_TCP_MAP, hybrid's UDO_VSOCK_TCP_UDS). Header-only, so each
 * parser still compiles alone, as its fuzz harness links it.
 */
#ifndef UDO_MAP_TEXT_H
#define UDO_MAP_TEXT_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "quote.h"

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

/*
 * The entry at *p, up to its ',': whole, and key and value on either side of
 * its first '=', each trimmed. *p moves to the next entry, NULL after the
 * last. false (whole set) when the entry has no '='.
 */
static inline bool map_entry_split(const char **p, struct span *whole, struct span *key,
                                   struct span *value)
{
	const char *comma = strchr(*p, ',');
	size_t len = comma ? (size_t) (comma - *p) : strlen(*p);
	const char *eq;

	*whole = trim(*p, len);
	*p = comma ? comma + 1 : NULL;
	eq = memchr(whole->p, '=', whole->n);
	if (!eq)
		return false;
	*key = trim(whole->p, (size_t) (eq - whole->p));
	*value = trim(eq + 1, whole->n - (size_t) (eq + 1 - whole->p));
	return true;
}

/* "VAR: bad entry "...": why" in err, the entry quoted escaped: it may hold
 * any byte, a newline or ESC too. Returns -EINVAL. */
static inline int map_bad_entry(char *err, size_t errlen, const char *var, struct span whole,
                                const char *why)
{
	char q[UDO_QUOTE_BUF];

	if (err && errlen)
		snprintf(err, errlen, "%s: bad entry \"%s\": %s", var,
		         udo_quote_n(q, sizeof(q), whole.p, whole.n, 0), why);
	return -EINVAL;
}

/* A parser's message without the variable name it starts with (var), for a
 * caller that names where the map came from itself: opts or the variable. */
static inline const char *map_why(const char *why, const char *var)
{
	size_t n = strlen(var);

	return strncmp(why, var, n) ? why : why + n;
}

#endif /* UDO_MAP_TEXT_H */
