/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "uds-map.h"
#include "map-text.h"

/* Printable ASCII and any byte >= 0x80 (UTF-8 names); no control characters. */
static bool path_ok(struct span s)
{
	size_t i;

	if (s.n == 0 || s.n > UDO_UDSMAP_PATH_MAX)
		return false;
	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char) s.p[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static int bad_entry(char *err, size_t errlen, struct span whole, const char *why)
{
	return map_bad_entry(err, errlen, UDO_UDSMAP_ENV, whole, why);
}

int udo_udsmap_parse(const char *text, struct udo_udsmap *map, char *err, size_t errlen)
{
	const char *p = text;
	size_t i;

	map->count = 0;
	if (trim(text, strlen(text)).n == 0)
		return 0; /* an empty map configures nothing */
	while (p) {
		struct span whole, key, value;
		struct udo_udsmap_entry *e;

		if (!map_entry_split(&p, &whole, &key, &value))
			return bad_entry(err, errlen, whole, "expected CID=PATH");
		if (map->count == UDO_UDSMAP_MAX_ENTRIES)
			return bad_entry(err, errlen, whole, "too many entries (64 at most)");
		e = &map->entry[map->count];
		if (!parse_cid_number(key, &e->cid))
			return bad_entry(err, errlen, whole, "CID must be a number (0-4294967295)");
		if (!path_ok(value))
			return bad_entry(err, errlen, whole,
			                 "PATH must be 1-107 printable characters");
		for (i = 0; i < map->count; i++)
			if (map->entry[i].cid == e->cid)
				return bad_entry(err, errlen, whole, "this CID is configured twice");
		memcpy(e->path, value.p, value.n);
		e->path[value.n] = '\0';
		map->count++;
	}
	return 0;
}

const struct udo_udsmap_entry *udo_udsmap_lookup(const struct udo_udsmap *map, uint32_t cid)
{
	size_t i;

	for (i = 0; i < map->count; i++)
		if (map->entry[i].cid == cid)
			return &map->entry[i];
	return NULL;
}
