/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

#include "cidmap.h"
#include "map-text.h"

static bool span_is(struct span s, const char *word)
{
	return s.n == strlen(word) && !strncasecmp(s.p, word, s.n);
}

static bool parse_cid(struct span s, uint32_t *cid)
{
	if (span_is(s, "any") || span_is(s, "-1")) {
		*cid = VMADDR_CID_ANY;
		return true;
	}
	if (span_is(s, "local")) {
		*cid = VMADDR_CID_LOCAL;
		return true;
	}
	if (span_is(s, "host")) {
		*cid = VMADDR_CID_HOST;
		return true;
	}
	return parse_cid_number(s, cid);
}

/* A host name: letters, digits, '-', '.', '_'; labels not empty. */
static bool is_host_name(const char *h)
{
	bool all_numeric = true;
	size_t label = 0;

	for (; *h; h++) {
		if (*h == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char) *h) && *h != '-' && *h != '_')
			return false;
		if (!isdigit((unsigned char) *h))
			all_numeric = false;
		if (++label > 63)
			return false;
	}
	/* "1.2.3.999" is a bad address, not a name. */
	return label && !all_numeric;
}

static bool parse_host(struct span s, struct udo_cidmap_entry *e)
{
	bool bracketed = s.n >= 2 && s.p[0] == '[' && s.p[s.n - 1] == ']';

	if (bracketed)
		s.p++, s.n -= 2;
	if (s.n == 0 || s.n > UDO_CIDMAP_HOST_MAX)
		return false;
	memcpy(e->host, s.p, s.n);
	e->host[s.n] = '\0';
	if (bracketed) {
		e->family = AF_INET6;
		return inet_pton(AF_INET6, e->host, &e->addr.v6) == 1;
	}
	if (inet_pton(AF_INET, e->host, &e->addr.v4) == 1) {
		e->family = AF_INET;
		return true;
	}
	e->family = AF_UNSPEC;
	return is_host_name(e->host);
}

static int bad_entry(char *err, size_t errlen, struct span whole, const char *why)
{
	return map_bad_entry(err, errlen, UDO_CIDMAP_ENV, whole, why);
}

/*
 * Walk every entry; call visit() on each. visit returns true to remember the
 * entry in *found. Returns 1 when something was found, 0 when not, -EINVAL.
 */
static int walk(const char *text, bool (*visit)(const struct udo_cidmap_entry *, const void *),
                const void *arg, struct udo_cidmap_entry *found, char *err, size_t errlen)
{
	uint32_t seen[UDO_CIDMAP_MAX_ENTRIES];
	size_t nseen = 0, i;
	const char *p = text;
	int result = 0;

	if (trim(text, strlen(text)).n == 0)
		return 0; /* an empty map maps nothing */
	while (p) {
		struct span whole, key, value;
		struct udo_cidmap_entry e;

		if (!map_entry_split(&p, &whole, &key, &value))
			return bad_entry(err, errlen, whole, "expected CID=HOST");
		memset(&e, 0, sizeof(e));
		if (!parse_cid(key, &e.cid))
			return bad_entry(err, errlen, whole,
			                 "CID must be a number (0-4294967295), any, local or host");
		if (!parse_host(value, &e))
			return bad_entry(err, errlen, whole,
			                 "HOST must be an IPv4 address, [IPv6 address] or host name");
		for (i = 0; i < nseen; i++)
			if (seen[i] == e.cid)
				return bad_entry(err, errlen, whole, "this CID is mapped twice");
		if (nseen == UDO_CIDMAP_MAX_ENTRIES)
			return bad_entry(err, errlen, whole, "too many entries (64 at most)");
		seen[nseen++] = e.cid;
		if (!result && visit(&e, arg)) {
			*found = e;
			result = 1;
		}
	}
	return result;
}

static bool cid_matches(const struct udo_cidmap_entry *e, const void *arg)
{
	return e->cid == *(const uint32_t *) arg;
}

int udo_cidmap_find(const char *text, uint32_t cid, struct udo_cidmap_entry *out,
                    char *err, size_t errlen)
{
	return walk(text, cid_matches, &cid, out, err, errlen);
}

struct reverse_key {
	int family;
	const void *addr;
};

static bool addr_matches(const struct udo_cidmap_entry *e, const void *arg)
{
	const struct reverse_key *k = arg;

	if (e->family != k->family || e->cid == VMADDR_CID_ANY)
		return false;
	return e->family == AF_INET ? !memcmp(&e->addr.v4, k->addr, sizeof(e->addr.v4))
	                            : !memcmp(&e->addr.v6, k->addr, sizeof(e->addr.v6));
}

uint32_t udo_cidmap_reverse(const char *text, int family, const void *addr)
{
	struct reverse_key key = { family, addr };
	struct udo_cidmap_entry e;

	return walk(text, addr_matches, &key, &e, NULL, 0) == 1 ? e.cid : UINT32_MAX;
}
