/* SPDX-License-Identifier: MIT */
/*
 * --allow-from: the list parsed once, at startup, into entries; a peer
 * checked against them right after its accept, before anything is
 * connected or allocated for it. A list is short (a few entries typed on a
 * command line): a linear walk beats any index.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allow.h"
#include "errbuf.h"
#include "quote.h"
#include "repeat.h"

enum entry_kind {
	ENTRY_NUMBERS, /* CIDs or uids: lo-hi */
	ENTRY_NET,     /* an address or a prefix */
	ENTRY_NAME,    /* a user name: lo == hi once resolved */
};

struct entry {
	enum entry_kind kind;
	const char *text;        /* in the list's copy, for messages */
	uint32_t lo, hi;
	bool resolved;           /* ENTRY_NAME: lo and hi hold its uid */
	unsigned char net[16];   /* ENTRY_NET: IPv4 as ::ffff:a.b.c.d */
	unsigned int bits;       /* ... its prefix length (IPv4: + 96) */
};

struct udo_cli_allow {
	pthread_mutex_t lock;    /* said: listeners accept in threads of their own */
	struct udo_cli_repeat said;
	char *copy;              /* the list, each entry cut at its comma */
	size_t n;
	struct entry e[];
};

static atomic_ullong refused;

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static int bad(char *err, size_t errlen, const char *text, const char *why)
{
	char q[UDO_QUOTE_BUF];

	return fail(err, errlen, "entry \"%s\" %s", udo_quote(q, sizeof(q), text), why);
}

/* A decimal number of 32 bits: no sign, no space, no base prefix. */
static int number(const char *s, size_t len, uint32_t *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long) (s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t) v;
	return 0;
}

static int parse_numbers(struct entry *e, char *err, size_t errlen)
{
	const char *dash = strchr(e->text, '-');
	size_t len = strlen(e->text);

	e->kind = ENTRY_NUMBERS;
	if (!dash) {
		if (number(e->text, len, &e->lo))
			return bad(err, errlen, e->text, "is not a number from 0 to 4294967295");
		e->hi = e->lo;
		return 0;
	}
	if (number(e->text, (size_t) (dash - e->text), &e->lo) ||
	    number(dash + 1, strlen(dash + 1), &e->hi))
		return bad(err, errlen, e->text, "is not a range FROM-TO of numbers from 0 to "
		           "4294967295");
	if (e->lo > e->hi)
		return bad(err, errlen, e->text, "is a range that runs backwards");
	return 0;
}

/* Clear the bits past the prefix: 10.1.2.3/8 is 10.0.0.0/8. */
static void mask(unsigned char *net, unsigned int bits)
{
	unsigned int i;

	for (i = bits; i < 128; i++)
		net[i / 8] &= (unsigned char) ~(0x80u >> (i % 8));
}

static int parse_net(struct entry *e, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(e->text, '/');
	size_t alen = slash ? (size_t) (slash - e->text) : strlen(e->text);
	unsigned int max = 128;
	uint32_t bits;

	e->kind = ENTRY_NET;
	if (alen >= sizeof(addr))
		return bad(err, errlen, e->text, "is not an IPv4 or IPv6 address");
	memcpy(addr, e->text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, e->net + 12) == 1) {
		memcpy(e->net, v4mapped, sizeof(v4mapped));
		max = 32;
	} else if (inet_pton(AF_INET6, addr, e->net) != 1) {
		return bad(err, errlen, e->text, "is not an IPv4 or IPv6 address");
	}
	bits = max;
	if (slash && (number(slash + 1, strlen(slash + 1), &bits) || bits > max))
		return bad(err, errlen, e->text, max == 32 ? "has a prefix length that is not 0 to 32"
		           : "has a prefix length that is not 0 to 128");
	e->bits = max == 32 ? bits + 96 : bits;
	mask(e->net, e->bits);
	return 0;
}

/* What a user name may be made of (useradd's rule, loosely: a letter or
 * '_' first, then letters, digits, '.', '_', '-', maybe a '$' last). */
static bool user_name(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || (c == '$' && i == len - 1)))
			return false;
	}
	return true;
}

static int parse_entry(struct entry *e, char *err, size_t errlen)
{
	const char *s = e->text;

	if (!*s)
		return fail(err, errlen, "an empty entry (two commas, or one at an end)");
	if (strchr(s, ':') || strchr(s, '/'))
		return parse_net(e, err, errlen);
	if (strspn(s, "0123456789-") == strlen(s))
		return parse_numbers(e, err, errlen);
	if (strspn(s, "0123456789.") == strlen(s))
		return parse_net(e, err, errlen);
	if (!user_name(s))
		return bad(err, errlen, s, "is not a number, range, address, prefix or user name");
	e->kind = ENTRY_NAME;
	return 0;
}

struct udo_cli_allow *udo_cli_allow_parse(const char *list, char *err, size_t errlen)
{
	struct udo_cli_allow *a;
	size_t n = 1, i;
	const char *p;
	char *s;

	for (p = list; *p; p++)
		n += *p == ',';
	a = calloc(1, sizeof(*a) + n * sizeof(a->e[0]));
	if (!a || !(a->copy = strdup(list))) {
		free(a);
		fail(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	a->n = n;
	for (s = a->copy, i = 0; i < n; i++) {
		char *comma = strchr(s, ',');

		if (comma)
			*comma = '\0';
		a->e[i].text = s;
		if (parse_entry(&a->e[i], err, errlen)) {
			udo_cli_allow_free(a);
			return NULL;
		}
		s = comma ? comma + 1 : s + strlen(s);
	}
	pthread_mutex_init(&a->lock, NULL);
	a->said.prefix = "relay on ";
	a->said.then_ok = "";
	return a;
}

static int resolve(struct entry *e, char *err, size_t errlen)
{
	struct passwd pw, *found = NULL;
	char buf[4096], q[UDO_QUOTE_BUF];
	int r = getpwnam_r(e->text, &pw, buf, sizeof(buf), &found);

	if (!found)
		return fail(err, errlen, "entry \"%s\": look up the user: %s",
		            udo_quote(q, sizeof(q), e->text), r ? strerror(r) : "no such user");
	e->lo = e->hi = (uint32_t) pw.pw_uid;
	e->resolved = true;
	return 0;
}

int udo_cli_allow_fit(struct udo_cli_allow *a, enum udo_cli_addr_kind kind, char *err,
                      size_t errlen)
{
	char q[UDO_QUOTE_BUF];
	size_t i;

	for (i = 0; i < a->n; i++) {
		struct entry *e = &a->e[i];
		const char *t = udo_quote(q, sizeof(q), e->text);

		if (kind == UDO_CLI_ADDR_TCP && e->kind != ENTRY_NET)
			return fail(err, errlen, "entry \"%s\" is not an address: a tcp listener "
			            "knows its peers by address (give addresses and CIDR prefixes: "
			            "127.0.0.1,10.0.0.0/8,::1)", t);
		if (kind == UDO_CLI_ADDR_VSOCK && e->kind != ENTRY_NUMBERS)
			return fail(err, errlen, "entry \"%s\" is not a CID: a vsock listener knows "
			            "its peers by CID (give CIDs and ranges: 3,5-9)", t);
		if (kind == UDO_CLI_ADDR_UNIX && e->kind == ENTRY_NET)
			return fail(err, errlen, "entry \"%s\" is an address: a unix listener knows "
			            "its peers by uid (give uids, ranges and user names: "
			            "0,1000-1999,www-data)", t);
		if (kind == UDO_CLI_ADDR_HYBRID)
			return fail(err, errlen, "a hybrid address is not a listener");
		if (kind == UDO_CLI_ADDR_UNIX && e->kind == ENTRY_NAME && !e->resolved &&
		    resolve(e, err, errlen))
			return -1;
	}
	return 0;
}

/* The peer's address as 16 bytes, IPv4 as ::ffff:a.b.c.d; -1 for another family. */
static int peer_net(const struct udo_cli_peer *p, unsigned char *net)
{
	if (p->sa.ss_family == AF_INET) {
		memcpy(net, v4mapped, sizeof(v4mapped));
		memcpy(net + 12, &((const struct sockaddr_in *) &p->sa)->sin_addr, 4);
		return 0;
	}
	if (p->sa.ss_family == AF_INET6) {
		memcpy(net, &((const struct sockaddr_in6 *) &p->sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static bool net_match(const struct entry *e, const unsigned char *net)
{
	unsigned int full = e->bits / 8, rest = e->bits % 8;

	if (memcmp(e->net, net, full))
		return false;
	return !rest || ((e->net[full] ^ net[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

bool udo_cli_allow_match(const struct udo_cli_allow *a, const struct udo_cli_peer *p)
{
	unsigned char net[16];
	uint32_t v;
	size_t i;

	if (p->kind == UDO_CLI_ADDR_TCP && peer_net(p, net))
		return false;
	if (p->kind == UDO_CLI_ADDR_UNIX && !p->has_uid)
		return false;
	v = p->kind == UDO_CLI_ADDR_UNIX ? (uint32_t) p->uid : p->cid;
	for (i = 0; i < a->n; i++) {
		const struct entry *e = &a->e[i];

		if (p->kind == UDO_CLI_ADDR_TCP) {
			if (e->kind == ENTRY_NET && net_match(e, net))
				return true;
		} else if ((e->kind == ENTRY_NUMBERS ||
		            (e->kind == ENTRY_NAME && e->resolved && p->kind == UDO_CLI_ADDR_UNIX)) &&
		           e->lo <= v && v <= e->hi) {
			return true;
		}
	}
	return false;
}

/* A TCP peer (also the library's tcp fallback) would only read the end of
 * stream of a FIN, and may keep its side open: a reset ends it. */
static void reset_close(int fd)
{
	struct linger now = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
	close(fd);
}

bool udo_cli_allow_admit(struct udo_cli_allow *a, int fd, const struct udo_cli_peer *p,
                         const char *peer_text, const char *where)
{
	char key[UDO_CLI_ERR_MAX], line[UDO_CLI_ERR_MAX];
	bool ok = udo_cli_allow_match(a, p);

	if (!ok) {
		atomic_fetch_add(&refused, 1);
		snprintf(key, sizeof(key), "%s: refused peers not in --allow-from", where);
		snprintf(line, sizeof(line), "%s: refused %s: not in --allow-from", where, peer_text);
	}
	pthread_mutex_lock(&a->lock);
	udo_cli_repeat_note(&a->said, ok ? NULL : key, ok ? NULL : line);
	pthread_mutex_unlock(&a->lock);
	if (!ok)
		reset_close(fd);
	return ok;
}

unsigned long long udo_cli_allow_refused(void)
{
	return atomic_load(&refused);
}

void udo_cli_allow_free(struct udo_cli_allow *a)
{
	if (!a)
		return;
	free(a->copy);
	free(a);
}
