/* SPDX-License-Identifier: MIT */
/*
 * UDO_VSOCK_TCP_UDS="CID=PATH[,CID=PATH]...": the Unix socket through which
 * the host reaches each guest on a hybrid-vsock VMM (Firecracker,
 * cloud-hypervisor): the VMM's `uds_path` / `--vsock socket=` for the guest
 * with that CID. This parser takes untrusted text: it never reads past the
 * string and never allocates.
 */
#ifndef UDO_UDSMAP_H
#define UDO_UDSMAP_H

#include <stddef.h>
#include <stdint.h>

#include "env-names.h"
#define UDO_UDSMAP_ENV UDO_ENV_UDS
#define UDO_UDSMAP_MAX_ENTRIES 64
/* sockaddr_un's sun_path holds 108 bytes with the terminating NUL. */
#define UDO_UDSMAP_PATH_MAX 107

struct udo_udsmap_entry {
	uint32_t cid;
	char path[UDO_UDSMAP_PATH_MAX + 1];
};

struct udo_udsmap {
	size_t count;
	struct udo_udsmap_entry entry[UDO_UDSMAP_MAX_ENTRIES];
};

/*
 * Parse text (NUL-terminated) into map. CID is a decimal number
 * (0-4294967295), PATH a non-empty path of printable characters other than
 * ',', at most UDO_UDSMAP_PATH_MAX bytes; spaces around either are ignored;
 * a CID appears once. An empty text is an empty map. Returns 0, or -EINVAL
 * with a message quoting the bad entry in err.
 */
int udo_udsmap_parse(const char *text, struct udo_udsmap *map, char *err, size_t errlen);

/* The entry for cid, or NULL. */
const struct udo_udsmap_entry *udo_udsmap_lookup(const struct udo_udsmap *map, uint32_t cid);

#endif /* UDO_UDSMAP_H */
