/* SPDX-License-Identifier: MIT */
/*
 * The VMM's answer to "CONNECT <port>\n": "OK <host_port>\n". Pure text
 * checks, apart from the socket, so the fuzz harness (fuzz/hybrid-ack.c)
 * feeds them any bytes.
 */
#ifndef UDO_HYBRID_ACK_H
#define UDO_HYBRID_ACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest answer read: "OK 4294967295\n" is 14 bytes, and the VMMs'
 * own parser of the CONNECT line gives up after 32. */
#define UDO_HYBRID_ACK_MAX 32

/* The answer is read one byte at a time (what follows its '\n' belongs to
 * the stream): are these len bytes all of it? */
static inline bool udo_hybrid_ack_done(const char *line, size_t len)
{
	return len && (line[len - 1] == '\n' || len >= UDO_HYBRID_ACK_MAX);
}

/* "OK <decimal port>\n" and nothing else: 1 with *host_port set, else 0. */
int udo_hybrid_ack_parse(const char *line, size_t len, uint32_t *host_port);

/*
 * Why line (len bytes) is no acknowledgement of "CONNECT port": closed says
 * the VMM closed the connection after those bytes. One line into why (the
 * end of a message that starts "connect to hybrid CID:PORT via PATH: "),
 * the bytes quoted. Returns the errno: ECONNREFUSED when the VMM closed
 * without a byte (nobody listens on the guest's port), else EPROTO.
 */
int udo_hybrid_ack_error(const char *line, size_t len, bool closed, uint32_t port,
                         char *why, size_t whylen);

#endif /* UDO_HYBRID_ACK_H */
