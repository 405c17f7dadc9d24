/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ack.h"
#include "quote.h"

int udo_hybrid_ack_parse(const char *line, size_t len, uint32_t *host_port)
{
	uint64_t v = 0;
	size_t i;

	if (len < 5 || len > 14 || memcmp(line, "OK ", 3) || line[len - 1] != '\n')
		return 0;
	for (i = 3; i < len - 1; i++) {
		if (line[i] < '0' || line[i] > '9')
			return 0;
		v = v * 10 + (uint64_t) (line[i] - '0');
	}
	if (v > UINT32_MAX)
		return 0;
	*host_port = (uint32_t) v;
	return 1;
}

int udo_hybrid_ack_error(const char *line, size_t len, bool closed, uint32_t port,
                         char *why, size_t whylen)
{
	char q[UDO_HYBRID_ACK_MAX * 4 + 4];

	udo_quote_n(q, sizeof(q), line, len, UDO_HYBRID_ACK_MAX);
	if (closed && len == 0) {
		snprintf(why, whylen, "the VMM closed the connection without acknowledging "
		         "\"CONNECT %u\" (received \"\"; is the guest listening on port %u?)",
		         port, port);
		return ECONNREFUSED;
	}
	if (closed)
		snprintf(why, whylen, "the VMM closed the connection in the middle of its reply "
		         "(received \"%s\", expected \"OK <port>\\n\")", q);
	else
		snprintf(why, whylen, "malformed acknowledgement \"%s\"%s (expected "
		         "\"OK <port>\\n\")", q, len && line[len - 1] == '\n' ? "" : "...");
	return EPROTO;
}
