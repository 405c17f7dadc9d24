/* SPDX-License-Identifier: MIT */
/*
 * Fuzz harness for the UDO_VSOCK_TCP_MAP parser (plugins/tcp/cidmap.c): the
 * input is the variable's value, as untrusted as any environment. Besides
 * "no crash, no bad access" (ASan, UBSan), it checks what the parser
 * promises:
 *  - the whole text is validated: either every lookup fails with -EINVAL
 *    (and a message quoting the entry) or none does;
 *  - a found entry is the CID asked for, with a terminated host of bounded
 *    length;
 *  - udo_cidmap_reverse() gives back a CID that maps to the address asked
 *    for, and nothing for a malformed map;
 *  - a short or missing error buffer is never overrun;
 *  - a message is one printable line, whatever bytes the entry holds.
 * Built with libFuzzer by `make fuzz`, and replayed over the corpus by
 * `make check` (fuzz/replay.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

#include "cidmap.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t cids[] = {
	VMADDR_CID_LOCAL, VMADDR_CID_HOST, 3, 42, 4294967294u, VMADDR_CID_ANY,
};

/* A found entry must be sound; returns find's result. */
static int find_checked(const char *text, uint32_t cid, struct udo_cidmap_entry *e)
{
	char err[200];
	int r;

	memset(err, 'X', sizeof(err));
	r = udo_cidmap_find(text, cid, e, err, sizeof(err));
	CHECK(r == 1 || r == 0 || r == -EINVAL);
	if (r == -EINVAL) {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(!strncmp(err, UDO_CIDMAP_ENV ": bad entry \"", strlen(UDO_CIDMAP_ENV) + 13));
		CHECK(printable_line(err));
	}
	if (r == 1) {
		CHECK(e->cid == cid);
		CHECK(memchr(e->host, '\0', sizeof(e->host)) != NULL);
		CHECK(strlen(e->host) > 0 && strlen(e->host) <= UDO_CIDMAP_HOST_MAX);
		CHECK(e->family == AF_INET || e->family == AF_INET6 || e->family == AF_UNSPEC);
	}
	return r;
}

static void check_reverse(const char *text, const struct udo_cidmap_entry *e)
{
	struct udo_cidmap_entry back;
	uint32_t cid;
	const void *addr = e->family == AF_INET ? (const void *) &e->addr.v4
	                                        : (const void *) &e->addr.v6;

	if (e->family == AF_UNSPEC)
		return;
	cid = udo_cidmap_reverse(text, e->family, addr);
	if (e->cid == VMADDR_CID_ANY) {
		/* "any" is a bind address, never a peer's CID ... */
		if (cid == UINT32_MAX)
			return;
	}
	/* ... otherwise some CID maps to exactly this address. */
	CHECK(cid != UINT32_MAX);
	CHECK(find_checked(text, cid, &back) == 1);
	CHECK(back.family == e->family);
	CHECK(!memcmp(&back.addr, &e->addr,
	              e->family == AF_INET ? sizeof(e->addr.v4) : sizeof(e->addr.v6)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct udo_cidmap_entry e;
	struct in6_addr v6 = IN6ADDR_LOOPBACK_INIT;
	struct in_addr v4 = { htonl(INADDR_LOOPBACK) };
	char *text = malloc(size + 1), tiny[1];
	int first = 0, r;
	size_t i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* the environment gives C strings */

	for (i = 0; i < sizeof(cids) / sizeof(cids[0]); i++) {
		r = find_checked(text, cids[i], &e);
		/* Validation covers the whole text, whichever CID is asked. */
		if (i == 0)
			first = r;
		CHECK((r == -EINVAL) == (first == -EINVAL));
		if (r == 1)
			check_reverse(text, &e);
	}
	if (first == -EINVAL) {
		CHECK(udo_cidmap_reverse(text, AF_INET, &v4) == UINT32_MAX);
		CHECK(udo_cidmap_reverse(text, AF_INET6, &v6) == UINT32_MAX);
	} else {
		udo_cidmap_reverse(text, AF_INET, &v4);
		udo_cidmap_reverse(text, AF_INET6, &v6);
	}
	/* No error buffer, or one byte of it: never written past. */
	CHECK(udo_cidmap_find(text, VMADDR_CID_LOCAL, &e, NULL, 0) == first);
	tiny[0] = 'X';
	udo_cidmap_find(text, VMADDR_CID_LOCAL, &e, tiny, sizeof(tiny));
	CHECK(first != -EINVAL || tiny[0] == '\0');
	free(text);
	return 0;
}
