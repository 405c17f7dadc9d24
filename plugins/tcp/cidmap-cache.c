/* SPDX-License-Identifier: MIT */
/* The last map text, the CID asked and the answer; one lock around them. */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "cidmap-cache.h"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool valid;
	size_t len;
	char text[UDO_CIDMAP_CACHE_TEXT];
	uint32_t cid;
	int found;
	struct udo_cidmap_entry entry;
} cache;

int udo_cidmap_find_cached(const char *text, uint32_t cid, struct udo_cidmap_entry *out,
                           char *err, size_t errlen)
{
	size_t len = strnlen(text, sizeof(cache.text));
	int found = -1;

	pthread_mutex_lock(&cache_lock);
	if (cache.valid && cache.cid == cid && cache.len == len &&
	    !memcmp(cache.text, text, len)) {
		found = cache.found;
		if (found)
			*out = cache.entry;
	}
	pthread_mutex_unlock(&cache_lock);
	if (found >= 0)
		return found;

	found = udo_cidmap_find(text, cid, out, err, errlen);
	/* Errors are not kept: the message is made again each time. */
	if (found < 0 || len == sizeof(cache.text))
		return found;
	pthread_mutex_lock(&cache_lock);
	memcpy(cache.text, text, len);
	cache.len = len;
	cache.cid = cid;
	cache.found = found;
	if (found)
		cache.entry = *out;
	cache.valid = true;
	pthread_mutex_unlock(&cache_lock);
	return found;
}
