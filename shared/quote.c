/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "quote.h"

/* The escape for c (without its backslash), or NULL when c prints as is. */
static const char *short_escape(unsigned char c)
{
	switch (c) {
	case '\n': return "n";
	case '\r': return "r";
	case '\t': return "t";
	case '\\': return "\\";
	case '"':  return "\"";
	default:   return NULL;
	}
}

const char *udo_quote_n(char *buf, size_t len, const char *s, size_t n, size_t max)
{
	size_t i, o = 0;

	if (!len)
		return buf;
	if (!max)
		max = UDO_QUOTE_INPUT_MAX;
	if (!s)
		s = "", n = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];
		const char *e = short_escape(c);
		char piece[5];
		size_t k;

		if (i == max) {
			if (o + 4 <= len) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (e)
			k = (size_t) snprintf(piece, sizeof(piece), "\\%s", e);
		else if (c < 0x20 || c >= 0x7f)
			k = (size_t) snprintf(piece, sizeof(piece), "\\x%02x", c);
		else
			piece[0] = (char) c, piece[1] = '\0', k = 1;
		if (o + k + 1 > len)
			break;
		memcpy(buf + o, piece, k);
		o += k;
	}
	buf[o] = '\0';
	return buf;
}

const char *udo_quote(char *buf, size_t len, const char *s)
{
	return udo_quote_n(buf, len, s, s ? strlen(s) : 0, UDO_QUOTE_INPUT_MAX);
}
