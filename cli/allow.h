/* SPDX-License-Identifier: MIT */
/*
 * The relay's --allow-from=LIST: which peers may connect, by what the
 * listener knows of them. A vsock: listener knows the peer's CID (what the
 * library's accept reports, also when it serves vsock with its tcp or unix
 * fallback), a tcp: listener its address, a unix: listener its uid
 * (SO_PEERCRED). LIST is comma-separated:
 *   vsock:  CIDs and ranges              3,5-9
 *   tcp:    addresses and CIDR prefixes  127.0.0.1,10.0.0.0/8,::1,fd00::/8
 *           (an IPv4 entry also matches the IPv4-mapped form ::ffff:a.b.c.d
 *           a listener on [::] reports for IPv4 peers)
 *   unix:   uids, ranges and user names  0,1000-1999,www-data
 */
#ifndef UDO_CLI_ALLOW_H
#define UDO_CLI_ALLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "addr.h"

/* What udo_cli_accept learned of a peer. */
struct udo_cli_peer {
	enum udo_cli_addr_kind kind;  /* the listener's: vsock, tcp or unix */
	uint32_t cid;                 /* vsock, unix: the CID accept reported */
	struct sockaddr_storage sa;   /* tcp: the peer's address */
	socklen_t salen;
	bool has_uid;                 /* unix: SO_PEERCRED answered */
	uid_t uid;
};

struct udo_cli_allow;

/* Parse LIST. NULL with a message in err quoting the bad entry (or saying
 * there is no memory). */
struct udo_cli_allow *udo_cli_allow_parse(const char *list, char *err, size_t errlen);

/* The list fits a listener of this kind (user names resolved for unix):
 * 0, or -1 with a message in err naming the entry that does not fit. */
int udo_cli_allow_fit(struct udo_cli_allow *a, enum udo_cli_addr_kind kind, char *err,
                      size_t errlen);

/* p is on the list. */
bool udo_cli_allow_match(const struct udo_cli_allow *a, const struct udo_cli_peer *p);

/* p, accepted as fd, is on the list (true); or fd is closed at once, with a
 * reset where the socket has one (the client learns at once, even with its
 * own side still open), counted as refused and said: one line for the
 * first, "relay on WHERE: refused PEER_TEXT: not in --allow-from", its
 * repeats summed up (cli/repeat.h). Thread-safe. */
bool udo_cli_allow_admit(struct udo_cli_allow *a, int fd, const struct udo_cli_peer *p,
                         const char *peer_text, const char *where);

/* Peers refused so far, by every list (for the relay's statistics). */
unsigned long long udo_cli_allow_refused(void);

void udo_cli_allow_free(struct udo_cli_allow *a);

#endif /* UDO_CLI_ALLOW_H */
