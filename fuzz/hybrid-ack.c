/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the answer a VMM gives to hybrid's "CONNECT <port>\n"
 * (plugins/hybrid/ack.c). The input is what the VMM sends before it closes
 * the connection, read as read_ack() in plugins/hybrid/hybrid.c reads it:
 * one byte at a time until the answer is complete. An answer is taken
 * exactly when it is "OK <decimal port>\n" with the port a 32-bit number,
 * the port read round-trips, nothing after the '\n' is consumed, and any
 * other answer gives one printable line and ECONNREFUSED or EPROTO.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ack.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The grammar, spelled another way: "OK ", 1 to 10 digits, '\n'. */
static int oracle(const char *s, size_t len, uint32_t *port)
{
	uint64_t v = 0;
	size_t i;

	if (len < 5 || strncmp(s, "OK ", 3) || s[len - 1] != '\n' || len - 4 > 10)
		return 0;
	for (i = 3; i + 1 < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	if (v > UINT32_MAX)
		return 0;
	*port = (uint32_t) v;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, why[512], again[32];
	uint32_t port = 0, want = 0, back = 0, connect_port = 0;
	size_t len = 0, i;
	int ok, r, closed;

	if (size >= 4) { /* the port asked for, named in the messages */
		memcpy(&connect_port, data, 4);
		data += 4;
		size -= 4;
	}
	line = malloc(UDO_HYBRID_ACK_MAX); /* exact size: ASan sees reads past it */
	if (!line)
		return 0;
	while (len < size && len < UDO_HYBRID_ACK_MAX) {
		line[len] = (char) data[len];
		if (udo_hybrid_ack_done(line, ++len))
			break;
	}
	closed = !udo_hybrid_ack_done(line, len);
	CHECK(!closed || len == size); /* stops early only at a complete answer */
	for (i = 0; i + 1 < len; i++)
		CHECK(line[i] != '\n'); /* nothing after the '\n' is taken */
	CHECK(len <= UDO_HYBRID_ACK_MAX);

	ok = !closed && udo_hybrid_ack_parse(line, len, &port);
	CHECK(ok == (!closed && oracle(line, len, &want)));
	if (ok) {
		CHECK(port == want);
		snprintf(again, sizeof(again), "OK %" PRIu32 "\n", port);
		CHECK(udo_hybrid_ack_parse(again, strlen(again), &back) && back == port);
	} else {
		why[0] = '\0';
		r = udo_hybrid_ack_error(line, len, closed, connect_port, why, sizeof(why));
		CHECK(r == ((closed && !len) ? ECONNREFUSED : EPROTO));
		CHECK(why[0] && printable_line(why));
		CHECK(strlen(why) < sizeof(why) - 1); /* never cut */
	}
	free(line);
	return 0;
}
