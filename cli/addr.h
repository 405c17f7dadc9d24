/* SPDX-License-Identifier: MIT */
/*
 * The one address parser of udo-vsock: every command reads its CIDs, ports
 * and addresses here. Pure functions: no allocation, no I/O, no global
 * state, no locale; errors are written into the caller's buffer. A fuzz
 * harness links this file alone.
 *
 * Spellings accepted:
 *   vsock:CID:PORT   vsock://CID:PORT      (systemd, Kata/containerd)
 *   tcp:HOST:PORT    tcp://HOST:PORT       (HOST may be [IPv6])
 *   unix:PORT        unix://PORT           (the library's unix transport)
 *   hybrid:PATH:PORT hybrid://PATH:PORT    (a VMM's Unix socket; PATH absolute,
 *                                           the port after its last ':')
 *   CID   a decimal number (0-4294967295), -1, or any (-1), local (1), host (2)
 *   PORT  a decimal number; -1 or "any" where the kernel may choose
 */
#ifndef UDO_CLI_ADDR_H
#define UDO_CLI_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* Longest host name a tcp address may carry (RFC 1035: 253), plus room. */
#define UDO_CLI_HOST_MAX 256

/* Ports: vsock ports are 32-bit, 4294967295 (-1) being VMADDR_PORT_ANY. */
#define UDO_CLI_VSOCK_PORT_MAX 4294967294UL
#define UDO_CLI_TCP_PORT_MAX 65535UL

/* Room for udo_cli_addr_format() output. */
#define UDO_CLI_ADDR_TEXT_MAX (UDO_CLI_HOST_MAX + 32)

enum udo_cli_addr_kind {
	UDO_CLI_ADDR_VSOCK,
	UDO_CLI_ADDR_TCP,
	UDO_CLI_ADDR_UNIX,   /* the library, transport unix, CID 1 (any to listen) */
	UDO_CLI_ADDR_HYBRID, /* the library, transport hybrid, CID 3 mapped to host */
};

/* Longest socket path of a hybrid address (sun_path less its NUL). */
#define UDO_CLI_PATH_MAX 107

/* The CID a hybrid address connects to: the VMM's socket serves one guest,
 * whose CID the tool does not know, so it names the guest 3 (the first
 * guest CID) and maps 3 to PATH (opts.hybrid_uds "3=PATH"). */
#define UDO_CLI_HYBRID_CID 3u

struct udo_cli_addr {
	enum udo_cli_addr_kind kind;
	uint32_t cid;                 /* vsock: the CID (VMADDR_CID_ANY for any) */
	/* As the library takes it: an int carrying all 32 bits of a vsock port
	 * (above INT_MAX it is negative); -1: any (only with UDO_CLI_ANY_PORT). */
	int port;
	char host[UDO_CLI_HOST_MAX];  /* tcp: host name or address, no brackets;
	                               * hybrid: the VMM's socket path */
	int type;                     /* library kinds: SOCK_SEQPACKET (--seqpacket), else a stream */
	/* vsock: --transport, or NULL (the library's choice, its variable);
	 * unix and hybrid: their transport's name. Set by the commands. */
	const char *transport;
};

/* True for the kinds the library serves (all but tcp:). */
#define UDO_CLI_ADDR_IS_LIB(a) ((a)->kind != UDO_CLI_ADDR_TCP)

/* Flags for the parsers. */
#define UDO_CLI_ANY_PORT 0x1u /* accept "any", -1 (and 4294967295 for vsock) */

/*
 * Parse a CID. Returns 0 with *cid set, or -1 with a message in err.
 */
int udo_cli_parse_cid(const char *text, uint32_t *cid, char *err, size_t errlen);

/*
 * Parse a port for an address of the given kind (vsock: 0-4294967294, tcp:
 * 0-65535). With UDO_CLI_ANY_PORT, "any" and "-1" (and vsock's 4294967295,
 * VMADDR_PORT_ANY) give -1. Returns 0 or -1 with a message in err.
 */
int udo_cli_parse_port(const char *text, enum udo_cli_addr_kind kind, unsigned int flags,
                       int *port, char *err, size_t errlen);

/*
 * Parse one address in any of the spellings above. Returns 0 with *addr
 * filled, or -1 with a message in err that quotes the input.
 */
int udo_cli_parse_addr(const char *text, unsigned int flags, struct udo_cli_addr *addr,
                       char *err, size_t errlen);

/*
 * The vsock address of a CID and a port given as two words ("3" "5000").
 * Returns 0 or -1 with a message in err.
 */
int udo_cli_parse_cid_port(const char *cid, const char *port, unsigned int flags,
                           struct udo_cli_addr *addr, char *err, size_t errlen);

/* A port as users write it: "any", or the unsigned number. */
const char *udo_cli_port_text(enum udo_cli_addr_kind kind, int port, char *buf, size_t len);

/* "vsock:3:5000", "vsock:any:any", "tcp:127.0.0.1:80", "tcp:[::1]:80",
 * "unix:5000", "hybrid:/run/vm.sock:5000". */
const char *udo_cli_addr_format(const struct udo_cli_addr *addr, char *buf, size_t len);

#endif /* UDO_CLI_ADDR_H */
