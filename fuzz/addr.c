/* SPDX-License-Identifier: MIT */
/*
 * Fuzz harness for udo-vsock's address parser (cli/addr.c): the input is a
 * command-line word, as untrusted as any. Besides "no crash, no bad access"
 * (ASan, UBSan), it checks what the parser promises:
 *  - results are 0 or -1, and -1 leaves a terminated message in err;
 *  - a parsed address is sound: a terminated host for tcp, a port in the
 *    kind's range (or -1 only when "any" was allowed); unix: and hybrid:
 *    name their transport, a hybrid path is absolute, fits sun_path and
 *    has no ',' (the library's CID=PATH map would split it);
 *  - formatting a parsed address and parsing the text again gives the same
 *    address (what the tool prints, a user can type back);
 *  - a short or missing error buffer is never overrun.
 * Built with libFuzzer by `make fuzz`, replayed over the corpus by
 * `make check` (fuzz/replay.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_addr(const struct udo_cli_addr *a, const struct udo_cli_addr *b)
{
	if (a->kind != b->kind || a->port != b->port)
		return false;
	if (a->kind != UDO_CLI_ADDR_TCP && a->cid != b->cid)
		return false;
	if (a->kind == UDO_CLI_ADDR_VSOCK || a->kind == UDO_CLI_ADDR_UNIX)
		return true;
	return !strcmp(a->host, b->host);
}

static void check_parsed(const struct udo_cli_addr *a, unsigned int flags)
{
	struct udo_cli_addr again;
	char text[UDO_CLI_ADDR_TEXT_MAX], err[160];

	CHECK(a->kind == UDO_CLI_ADDR_VSOCK || a->kind == UDO_CLI_ADDR_TCP ||
	      a->kind == UDO_CLI_ADDR_UNIX || a->kind == UDO_CLI_ADDR_HYBRID);
	/* unix: and hybrid: name their transport; vsock: leaves it to the
	 * command (--transport), tcp: is the tool's own. */
	CHECK((a->kind == UDO_CLI_ADDR_UNIX) == (a->transport && !strcmp(a->transport, "unix")));
	CHECK((a->kind == UDO_CLI_ADDR_HYBRID) == (a->transport && !strcmp(a->transport, "hybrid")));
	if (a->kind == UDO_CLI_ADDR_HYBRID) {
		/* An absolute path that fits sun_path, with no ',' for the map. */
		CHECK(a->host[0] == '/' && strlen(a->host) <= UDO_CLI_PATH_MAX);
		CHECK(!strchr(a->host, ','));
		CHECK(a->cid == UDO_CLI_HYBRID_CID);
	}
	if (a->port == -1)
		CHECK(flags & UDO_CLI_ANY_PORT);
	if (a->kind == UDO_CLI_ADDR_TCP) {
		CHECK(memchr(a->host, '\0', sizeof(a->host)) != NULL);
		CHECK(a->port == -1 || (a->port >= 0 && (unsigned long) a->port <= UDO_CLI_TCP_PORT_MAX));
	}
	udo_cli_addr_format(a, text, sizeof(text));
	CHECK(memchr(text, '\0', sizeof(text)) != NULL);
	if (udo_cli_parse_addr(text, flags, &again, err, sizeof(err)) != 0) {
		fprintf(stderr, "formatted \"%s\" does not parse: %s\n", text, err);
		abort();
	}
	CHECK(same_addr(a, &again));
}

static void parse_one(const char *text, unsigned int flags)
{
	struct udo_cli_addr a;
	char err[200], tiny[1] = { 'X' };
	int r;

	memset(err, 'X', sizeof(err));
	r = udo_cli_parse_addr(text, flags, &a, err, sizeof(err));
	CHECK(r == 0 || r == -1);
	if (r == 0)
		check_parsed(&a, flags);
	else
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	/* The same answer with no room for a message, and no byte written past. */
	CHECK(udo_cli_parse_addr(text, flags, &a, NULL, 0) == r);
	CHECK(udo_cli_parse_addr(text, flags, &a, tiny, sizeof(tiny)) == r);
	CHECK(r == 0 || tiny[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *space;
	struct udo_cli_addr a;
	uint32_t cid;
	int port;
	char err[120];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* argv gives C strings */

	parse_one(text, 0);
	parse_one(text, UDO_CLI_ANY_PORT);

	/* The word alone as a CID or a port, and split in two as "CID PORT". */
	if (udo_cli_parse_cid(text, &cid, err, sizeof(err)) != 0)
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	udo_cli_parse_port(text, UDO_CLI_ADDR_VSOCK, UDO_CLI_ANY_PORT, &port, err, sizeof(err));
	if (udo_cli_parse_port(text, UDO_CLI_ADDR_TCP, 0, &port, err, sizeof(err)) == 0)
		CHECK(port >= 0 && (unsigned long) port <= UDO_CLI_TCP_PORT_MAX);
	space = strchr(text, ' ');
	if (space) {
		*space = '\0';
		if (udo_cli_parse_cid_port(text, space + 1, UDO_CLI_ANY_PORT, &a, err,
		                           sizeof(err)) == 0)
			check_parsed(&a, UDO_CLI_ANY_PORT);
	}
	free(text);
	return 0;
}
