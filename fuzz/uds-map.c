/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the UDO_VSOCK_TCP_UDS parser (shared/uds-map.c):
 * any text either parses into entries that keep the parser's promises, or is
 * refused with a message naming the variable. A broken promise aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uds-map.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct udo_udsmap map;
	char err[256];
	char *text;
	size_t i, j, n;
	int r;

	if (size > 16384)
		return 0;
	text = malloc(size + 1); /* exact size: ASan sees any read past the NUL */
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	err[0] = '\0';
	r = udo_udsmap_parse(text, &map, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		CHECK(!strncmp(err, UDO_UDSMAP_ENV ": bad entry \"", strlen(UDO_UDSMAP_ENV) + 13));
		CHECK(printable_line(err));
	} else {
		CHECK(map.count <= UDO_UDSMAP_MAX_ENTRIES);
		for (i = 0; i < map.count; i++) {
			n = strnlen(map.entry[i].path, sizeof(map.entry[i].path));
			CHECK(n >= 1 && n <= UDO_UDSMAP_PATH_MAX);
			CHECK(!strchr(map.entry[i].path, ','));
			for (j = 0; j < n; j++)
				CHECK((unsigned char) map.entry[i].path[j] >= 0x20 &&
				      map.entry[i].path[j] != 0x7f);
			CHECK(udo_udsmap_lookup(&map, map.entry[i].cid) == &map.entry[i]);
		}
	}
	/* A NULL error buffer is allowed. */
	CHECK(udo_udsmap_parse(text, &map, NULL, 0) == r);
	free(text);
	return 0;
}
