/* SPDX-License-Identifier: MIT */
/*
 * "auto": which transport serves a create that names none. One policy, for
 * every type, driven by what the transports declare (shared/transport.h):
 *
 * 1. a transport the context's settings configure for the CID
 *    (UDO_AUTO_CONFIGURED: hybrid with UDO_VSOCK_TCP_UDS naming it);
 * 2. the preferred one (UDO_AUTO_PREFERRED: vsock) where it loads and, for
 *    a client, reaches the CID; a create that finds it unavailable (no
 *    family, no transport for the CID, address not available) goes on,
 *    an answer from a peer never does;
 * 3. the fallback declared for the type (auto_fallback: tcp for streams,
 *    unix for seqpacket) that reaches the CID, else EPROTONOSUPPORT.
 *
 * A type a transport does not carry never reaches it. A transport whose
 * plugin does not load is passed over; when none is left, that load's
 * error is the create's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

bool udo_auto_unavailable(int neg_errno)
{
	switch (-neg_errno) {
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
	case ESOCKTNOSUPPORT:
	case EADDRNOTAVAIL:
	case ENODEV:
	case ENETUNREACH:
		return true;
	default:
		return false;
	}
}

/* The transports auto may consider for the context's type: loaded, and
 * carrying it (tables[id] NULL for the others). The ids whose plugin did
 * not load, as bits. */
static unsigned int usable_tables(struct udo_vsock_tcp *vsock,
                                  const struct udo_transport *tables[UDO_TRANSPORT_COUNT])
{
	const struct udo_transport *t;
	unsigned int id, failed = 0;

	for (id = 0; id < UDO_TRANSPORT_COUNT; id++) {
		t = udo_transport_load(id, vsock);
		if (!t)
			failed |= 1u << id;
		tables[id] = t && udo_transport_carries(t, vsock->type) ? t : NULL;
	}
	return failed;
}

/* Step 1: the settings configure t for cid (or are malformed, which its
 * create reports rather than auto ignoring them). */
static bool configured(const struct udo_vsock_tcp *vsock, const struct udo_transport *t,
                       uint32_t cid)
{
	int r;

	if (!(t->auto_use & UDO_AUTO_CONFIGURED))
		return false;
	r = t->client_reachable(vsock, cid);
	return r == 0 || r == -EINVAL;
}

/* Step 3's test: t is the type's fallback and serves cid (0), else -errno. */
static int fallback_reaches(const struct udo_vsock_tcp *vsock, const struct udo_transport *t,
                            uint32_t cid)
{
	if (!(t->auto_fallback & udo_type_bit(vsock->type)))
		return -ENOENT;
	if (vsock->role == UDO_ROLE_SERVER && cid == VMADDR_CID_ANY)
		return 0;
	return t->client_reachable(vsock, cid);
}

/* Step 3: the fallback, or EPROTONOSUPPORT saying why none serves (pref,
 * why: the preferred transport and -errno, or NULL), or, where no fallback
 * for the type loaded, the error of a plugin that did not (failed: bits). */
static int create_fallback(struct udo_vsock_tcp *vsock, const void *info, uint32_t cid,
                           const struct udo_transport *tables[], unsigned int failed,
                           const char *pref, int why)
{
	const char *type = vsock->type == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "SOCK_STREAM";
	char first[200] = "no preferred transport loads", second[200] = "", buf[128];
	unsigned int id;
	int port, r;
	bool any = false;

	for (id = 0; id < UDO_TRANSPORT_COUNT; id++) {
		if (!tables[id] || (r = fallback_reaches(vsock, tables[id], cid)) == -ENOENT)
			continue;
		if (r == 0)
			return udo_create_on(vsock, id, info);
		if (!any)
			snprintf(second, sizeof(second), " and %s does not either (%s)",
			         tables[id]->name, strerror_r(-r, buf, sizeof(buf)));
		any = true;
	}
	/* The first in the list that did not load, loaded again: its error
	 * is the create's. */
	for (id = 0; !any && id < UDO_TRANSPORT_COUNT; id++)
		if (failed & (1u << id))
			return udo_transport_load(id, vsock)
			       ? -EPROTONOSUPPORT : -(int) vsock->err.code;
	if (pref)
		snprintf(first, sizeof(first), "%s does not reach it (%s)", pref,
		         strerror_r(-why, buf, sizeof(buf)));
	udo_create_info_addr(vsock, info, &cid, &port);
	return udo_ctx_error(vsock, EPROTONOSUPPORT, false,
	                     "%s auto %u:%u: no transport carries %s to CID %u here: %s%s",
	                     udo_create_op(vsock), cid, (uint32_t) port, type, cid, first,
	                     second);
}

int udo_auto_create(struct udo_vsock_tcp *vsock, const void *info, uint32_t cid)
{
	const struct udo_transport *tables[UDO_TRANSPORT_COUNT];
	const char *pref = NULL;
	unsigned int id, failed;
	int why = -EAFNOSUPPORT;

	failed = usable_tables(vsock, tables);
	for (id = 0; id < UDO_TRANSPORT_COUNT; id++)
		if (tables[id] && configured(vsock, tables[id], cid))
			return udo_create_on(vsock, id, info);
	for (id = 0; id < UDO_TRANSPORT_COUNT; id++) {
		if (!tables[id] || !(tables[id]->auto_use & UDO_AUTO_PREFERRED))
			continue;
		pref = tables[id]->name;
		why = vsock->role == UDO_ROLE_CLIENT ? tables[id]->client_reachable(vsock, cid) : 0;
		if (why == 0) {
			why = udo_create_on(vsock, id, info);
			if (why == 0 || !udo_auto_unavailable(why)) {
				vsock->auto_picked = (why == 0);
				return why;
			}
		}
	}
	return create_fallback(vsock, info, cid, tables, failed, pref, why);
}

int udo_create_fallback(struct udo_vsock_tcp *vsock, int why)
{
	struct udo_vsock_tcp_client_create_info info = {
		.vcid = vsock->vcid, .port = vsock->port,
	};
	const struct udo_transport *tables[UDO_TRANSPORT_COUNT];
	unsigned int id;

	usable_tables(vsock, tables);
	for (id = 0; id < UDO_TRANSPORT_COUNT; id++)
		if (tables[id] && tables[id] != vsock->transport &&
		    fallback_reaches(vsock, tables[id], vsock->vcid) == 0)
			break;
	if (id == UDO_TRANSPORT_COUNT)
		return why;
	if (vsock->fd >= 0)
		close(vsock->fd);
	vsock->fd = -1;
	vsock->auto_picked = false;
	/* With the settings the context was created with. */
	return udo_create_on(vsock, id, &info);
}

unsigned int udo_auto_candidates(struct udo_vsock_tcp *vsock, uint32_t cid,
                                 udo_transport_id out[UDO_TRANSPORT_COUNT])
{
	const struct udo_transport *tables[UDO_TRANSPORT_COUNT], *t;
	unsigned int id, n = 0;

	usable_tables(vsock, tables);
	for (id = 0; id < UDO_TRANSPORT_COUNT; id++) {
		t = tables[id];
		if (t && (configured(vsock, t, cid) || (t->auto_use & UDO_AUTO_PREFERRED) ||
		          (t->auto_fallback & udo_type_bit(vsock->type))))
			out[n++] = id;
	}
	return n;
}
