/* SPDX-License-Identifier: MIT */
/*
 * The address parser (see addr.h). Strict on purpose: a typo is an error
 * that quotes what was typed (escaped by udo_quote_n(): one line whatever
 * the bytes), never a silent zero or a truncated port.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "errbuf.h"
#include "quote.h"

#define CID_ANY UINT32_MAX /* VMADDR_CID_ANY */
#define CID_LOCAL 1u       /* VMADDR_CID_LOCAL */
#define CID_HOST 2u        /* VMADDR_CID_HOST */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ASCII case-insensitive equality of s[0..n) and the lower-case word w. */
static bool word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return true;
}

/* A decimal number s[0..n) no larger than max: 0, or -1 when it is not one. */
static int parse_decimal(const char *s, size_t n, unsigned long long max,
                         unsigned long long *out, bool *too_big)
{
	unsigned long long v = 0;
	size_t i;

	*too_big = false;
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		if (!*too_big) {
			v = v * 10 + (unsigned long long) (s[i] - '0');
			if (v > max)
				*too_big = true;
		}
	}
	if (*too_big)
		return -1;
	*out = v;
	return 0;
}

static int cid_span(const char *s, size_t n, uint32_t *cid, char *err, size_t errlen)
{
	unsigned long long v;
	char q[UDO_QUOTE_BUF];
	bool too_big;

	if (word_is(s, n, "any") || word_is(s, n, "-1")) {
		*cid = CID_ANY;
		return 0;
	}
	if (word_is(s, n, "local")) {
		*cid = CID_LOCAL;
		return 0;
	}
	if (word_is(s, n, "host")) {
		*cid = CID_HOST;
		return 0;
	}
	if (parse_decimal(s, n, UINT32_MAX, &v, &too_big) == 0) {
		*cid = (uint32_t) v;
		return 0;
	}
	if (too_big)
		return fail(err, errlen, "CID \"%s\" is out of range (0-4294967295)",
		            udo_quote_n(q, sizeof(q), s, n, 0));
	return fail(err, errlen, "CID \"%s\" is not a number, -1, any, local or host",
	            udo_quote_n(q, sizeof(q), s, n, 0));
}

static int port_span(const char *s, size_t n, enum udo_cli_addr_kind kind,
                     unsigned int flags, int *port, char *err, size_t errlen)
{
	bool tcp = kind == UDO_CLI_ADDR_TCP;
	unsigned long long max = tcp ? UDO_CLI_TCP_PORT_MAX : UDO_CLI_VSOCK_PORT_MAX;
	const char *any = (flags & UDO_CLI_ANY_PORT) ? ", or any" : "";
	unsigned long long v;
	char q[UDO_QUOTE_BUF];
	bool too_big, is_any;

	/* vsock's VMADDR_PORT_ANY, written as a number, is "any" too. */
	is_any = word_is(s, n, "any") || word_is(s, n, "-1") ||
	         (!tcp && word_is(s, n, "4294967295"));
	if (is_any) {
		if (!(flags & UDO_CLI_ANY_PORT))
			return fail(err, errlen,
			            "port \"%s\": a port to connect to must be a number (0-%llu)",
			            udo_quote_n(q, sizeof(q), s, n, 0), max);
		*port = -1;
		return 0;
	}
	if (parse_decimal(s, n, max, &v, &too_big) == 0) {
		/* The library's int carries all 32 bits of a vsock port. */
		*port = (int) (uint32_t) v;
		return 0;
	}
	if (too_big)
		return fail(err, errlen, "port \"%s\" is out of range for %s (0-%llu%s)",
		            udo_quote_n(q, sizeof(q), s, n, 0), tcp ? "tcp" : "vsock", max, any);
	return fail(err, errlen, "port \"%s\" is not a number (0-%llu%s)",
	            udo_quote_n(q, sizeof(q), s, n, 0), max, any);
}

int udo_cli_parse_cid(const char *text, uint32_t *cid, char *err, size_t errlen)
{
	if (!text || !cid)
		return fail(err, errlen, "no CID given");
	return cid_span(text, strlen(text), cid, err, errlen);
}

int udo_cli_parse_port(const char *text, enum udo_cli_addr_kind kind, unsigned int flags,
                       int *port, char *err, size_t errlen)
{
	if (!text || !port)
		return fail(err, errlen, "no port given");
	return port_span(text, strlen(text), kind, flags, port, err, errlen);
}

static bool host_char(char c, bool bracketed)
{
	if (is_alnum(c) || c == '.' || c == '-' || c == '_')
		return true;
	/* Inside brackets: IPv6 and a zone ("fe80::1%eth0"). */
	return bracketed && (c == ':' || c == '%');
}

static int host_span(const char *s, size_t n, bool bracketed, char *host,
                     char *err, size_t errlen)
{
	char q[UDO_QUOTE_BUF];
	size_t i;

	if (n == 0)
		return fail(err, errlen, "the host is empty");
	if (n >= UDO_CLI_HOST_MAX)
		return fail(err, errlen, "the host is longer than %d characters",
		            UDO_CLI_HOST_MAX - 1);
	for (i = 0; i < n; i++)
		if (!host_char(s[i], bracketed))
			return fail(err, errlen, "host \"%s\" has a character not allowed in a "
			            "host name or address%s", udo_quote_n(q, sizeof(q), s, n, 0),
			            bracketed ? "" : " (IPv6 addresses go in [brackets])");
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

/* "CID:PORT" after "vsock:" or "vsock://". */
static int vsock_rest(const char *s, size_t n, unsigned int flags,
                      struct udo_cli_addr *addr, char *err, size_t errlen)
{
	const char *colon = memchr(s, ':', n);

	if (!colon)
		return fail(err, errlen, "expected vsock:CID:PORT");
	if (cid_span(s, (size_t) (colon - s), &addr->cid, err, errlen))
		return -1;
	return port_span(colon + 1, n - (size_t) (colon - s) - 1, UDO_CLI_ADDR_VSOCK, flags,
	                 &addr->port, err, errlen);
}

/* "HOST:PORT" or "[IPV6]:PORT" after "tcp:" or "tcp://". */
static int tcp_rest(const char *s, size_t n, unsigned int flags,
                    struct udo_cli_addr *addr, char *err, size_t errlen)
{
	const char *host = s, *colon;
	size_t hlen;
	bool bracketed = n > 0 && s[0] == '[';

	if (bracketed) {
		const char *close = memchr(s, ']', n);

		if (!close)
			return fail(err, errlen, "a '[' without its ']'");
		host = s + 1;
		hlen = (size_t) (close - host);
		colon = close + 1;
		if (colon == s + n || *colon != ':')
			return fail(err, errlen, "expected tcp:[ADDRESS]:PORT");
	} else {
		colon = memchr(s, ':', n);
		if (!colon)
			return fail(err, errlen, "expected tcp:HOST:PORT");
		hlen = (size_t) (colon - s);
		if (memchr(colon + 1, ':', n - hlen - 1))
			return fail(err, errlen, "too many ':' (IPv6 addresses go in [brackets])");
	}
	if (host_span(host, hlen, bracketed, addr->host, err, errlen))
		return -1;
	return port_span(colon + 1, n - (size_t) (colon + 1 - s), UDO_CLI_ADDR_TCP, flags,
	                 &addr->port, err, errlen);
}

/* "PORT" after "unix:" or "unix://": the unix transport, CID any to
 * listen (its only choice) and 1 to connect (this machine). */
static int unix_rest(const char *s, size_t n, unsigned int flags,
                     struct udo_cli_addr *addr, char *err, size_t errlen)
{
	addr->cid = (flags & UDO_CLI_ANY_PORT) ? CID_ANY : CID_LOCAL;
	addr->transport = "unix";
	/* Its ports are vsock's: 32 bits. */
	return port_span(s, n, UDO_CLI_ADDR_VSOCK, flags, &addr->port, err, errlen);
}

/* "PATH:PORT" after "hybrid:" or "hybrid://": the port after the last ':'. */
static int hybrid_rest(const char *s, size_t n, unsigned int flags,
                       struct udo_cli_addr *addr, char *err, size_t errlen)
{
	const char *colon = NULL;
	char q[UDO_QUOTE_BUF];
	size_t i, plen;

	for (i = 0; i < n; i++)
		if (s[i] == ':')
			colon = s + i;
	if (!colon)
		return fail(err, errlen, "expected hybrid:PATH:PORT");
	plen = (size_t) (colon - s);
	if (plen == 0 || s[0] != '/')
		return fail(err, errlen, "the socket path \"%s\" is not absolute",
		            udo_quote_n(q, sizeof(q), s, plen, 0));
	/* "hybrid://" is the scheme: a path written back must read the same. */
	if (plen > 1 && s[1] == '/')
		return fail(err, errlen, "the socket path \"%s\" begins with \"//\"",
		            udo_quote_n(q, sizeof(q), s, plen, 0));
	if (plen > UDO_CLI_PATH_MAX)
		return fail(err, errlen, "the socket path is longer than %d bytes", UDO_CLI_PATH_MAX);
	/* The library's map is "CID=PATH,...": a ',' would split it. */
	for (i = 0; i < plen; i++)
		if (s[i] == ',' || (unsigned char) s[i] < 0x20 || s[i] == 0x7f)
			return fail(err, errlen, "the socket path \"%s\" has a ',' or a control "
			            "character", udo_quote_n(q, sizeof(q), s, plen, 0));
	memcpy(addr->host, s, plen);
	addr->host[plen] = '\0';
	addr->cid = UDO_CLI_HYBRID_CID;
	addr->transport = "hybrid";
	return port_span(colon + 1, n - plen - 1, UDO_CLI_ADDR_VSOCK, flags, &addr->port,
	                 err, errlen);
}

/* Length of "scheme:" or "scheme://" at the start of s, or 0. */
static size_t scheme_len(const char *s, size_t n, const char *scheme)
{
	size_t k = strlen(scheme);

	if (n <= k || !word_is(s, k, scheme) || s[k] != ':')
		return 0;
	if (n >= k + 3 && s[k + 1] == '/' && s[k + 2] == '/')
		return k + 3;
	return k + 1;
}

int udo_cli_parse_addr(const char *text, unsigned int flags, struct udo_cli_addr *addr,
                       char *err, size_t errlen)
{
	/* A reason may quote a piece of the input too. */
	char why[UDO_QUOTE_BUF + 160], q[UDO_QUOTE_BUF];
	size_t n, k;
	int r;

	if (!text || !addr)
		return fail(err, errlen, "no address given");
	n = strlen(text);
	memset(addr, 0, sizeof(*addr));
	why[0] = '\0';
	if ((k = scheme_len(text, n, "vsock"))) {
		addr->kind = UDO_CLI_ADDR_VSOCK;
		r = vsock_rest(text + k, n - k, flags, addr, why, sizeof(why));
	} else if ((k = scheme_len(text, n, "tcp"))) {
		addr->kind = UDO_CLI_ADDR_TCP;
		r = tcp_rest(text + k, n - k, flags, addr, why, sizeof(why));
	} else if ((k = scheme_len(text, n, "unix"))) {
		addr->kind = UDO_CLI_ADDR_UNIX;
		r = unix_rest(text + k, n - k, flags, addr, why, sizeof(why));
	} else if ((k = scheme_len(text, n, "hybrid"))) {
		addr->kind = UDO_CLI_ADDR_HYBRID;
		r = hybrid_rest(text + k, n - k, flags, addr, why, sizeof(why));
	} else {
		r = fail(why, sizeof(why), "use vsock:CID:PORT, tcp:HOST:PORT, unix:PORT or "
		         "hybrid:PATH:PORT (each also as SCHEME://)");
	}
	if (r)
		return fail(err, errlen, "address \"%s\": %s", udo_quote_n(q, sizeof(q), text, n, 0), why);
	return 0;
}

int udo_cli_parse_cid_port(const char *cid, const char *port, unsigned int flags,
                           struct udo_cli_addr *addr, char *err, size_t errlen)
{
	if (!addr)
		return fail(err, errlen, "no address given");
	memset(addr, 0, sizeof(*addr));
	addr->kind = UDO_CLI_ADDR_VSOCK;
	if (udo_cli_parse_cid(cid, &addr->cid, err, errlen))
		return -1;
	return udo_cli_parse_port(port, UDO_CLI_ADDR_VSOCK, flags, &addr->port, err, errlen);
}

static const char *cid_text(uint32_t cid, char *buf, size_t len)
{
	if (cid == CID_ANY)
		return "any";
	snprintf(buf, len, "%lu", (unsigned long) cid);
	return buf;
}

const char *udo_cli_port_text(enum udo_cli_addr_kind kind, int port, char *buf, size_t len)
{
	if (port == -1)
		snprintf(buf, len, "any");
	else if (kind == UDO_CLI_ADDR_VSOCK)
		snprintf(buf, len, "%lu", (unsigned long) (uint32_t) port);
	else
		snprintf(buf, len, "%d", port);
	return buf;
}

const char *udo_cli_addr_format(const struct udo_cli_addr *addr, char *buf, size_t len)
{
	char cid[16], port[16];

	if (!buf || !len)
		return "";
	if (!addr) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	udo_cli_port_text(addr->kind, addr->port, port, sizeof(port));
	if (addr->kind == UDO_CLI_ADDR_VSOCK)
		snprintf(buf, len, "vsock:%s:%s", cid_text(addr->cid, cid, sizeof(cid)), port);
	else if (addr->kind == UDO_CLI_ADDR_UNIX)
		snprintf(buf, len, "unix:%s", port);
	else if (addr->kind == UDO_CLI_ADDR_HYBRID)
		snprintf(buf, len, "hybrid:%.*s:%s", UDO_CLI_PATH_MAX, addr->host, port);
	else if (strpbrk(addr->host, ":%"))
		snprintf(buf, len, "tcp:[%.*s]:%s", UDO_CLI_HOST_MAX - 1, addr->host, port);
	else
		snprintf(buf, len, "tcp:%.*s:%s", UDO_CLI_HOST_MAX - 1, addr->host, port);
	return buf;
}
