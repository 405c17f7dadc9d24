/* SPDX-License-Identifier: MIT */
/*
 * UDO_VSOCK_TCP_MAP="CID=HOST[,CID=HOST]...": which address stands for a
 * CID on the tcp transport. CID is a number or any/local/host; HOST is an
 * IPv4 address, [IPv6 address] or a host name. This parser takes untrusted
 * text: it never reads past the string and never allocates.
 */
#ifndef UDO_CIDMAP_H
#define UDO_CIDMAP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "env-names.h"
#define UDO_CIDMAP_ENV UDO_ENV_MAP
#define UDO_CIDMAP_MAX_ENTRIES 64
#define UDO_CIDMAP_HOST_MAX 254 /* a DNS name is at most 253 characters */

struct udo_cidmap_entry {
	uint32_t cid;
	int family;                 /* AF_INET, AF_INET6, or AF_UNSPEC for a name */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;                     /* for AF_INET / AF_INET6 */
	char host[UDO_CIDMAP_HOST_MAX + 1]; /* the HOST text, brackets removed */
};

/*
 * Find the entry for cid in text, validating the whole text. Returns 1 and
 * fills *out when cid is mapped, 0 when it is not, -EINVAL when the text is
 * malformed (err gets a message quoting the bad entry).
 */
int udo_cidmap_find(const char *text, uint32_t cid, struct udo_cidmap_entry *out,
                    char *err, size_t errlen);

/*
 * The CID whose literal address equals addr (AF_INET/AF_INET6 in family),
 * or UINT32_MAX when none does or the text is malformed.
 */
uint32_t udo_cidmap_reverse(const char *text, int family, const void *addr);

#endif /* UDO_CIDMAP_H */
