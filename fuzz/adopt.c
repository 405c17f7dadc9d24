/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the socket-activation checks (plugins/adopt-addr.c):
 * does a passed socket's own address, as getsockname returns it, serve a
 * server create's request? Input: the request's port (4 bytes, host order)
 * and CID (4 bytes), then the address bytes, any length. Each family's
 * check either refuses or reports an address that really is what the
 * request asks for, and an address it reports is taken again (round trip).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adopt-addr.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_vsock(const void *sa, size_t len, uint32_t cid, int port)
{
	struct sockaddr_vm own, again;

	memset(&own, 0x5a, sizeof(own));
	if (!udo_adopt_vsock(sa, len, cid, port, &own)) {
		CHECK(((const uint8_t *) &own)[0] == 0x5a); /* untouched */
		return;
	}
	CHECK(len >= sizeof(own));
	CHECK(!memcmp(&own, sa, sizeof(own)));
	CHECK(own.svm_family == AF_VSOCK);
	CHECK(own.svm_port != VMADDR_PORT_ANY); /* get_port would say -1 */
	CHECK(port == -1 || own.svm_port == (uint32_t) port);
	CHECK(cid == VMADDR_CID_ANY || own.svm_cid == VMADDR_CID_ANY || own.svm_cid == cid);
	CHECK(udo_adopt_vsock(&own, sizeof(own), own.svm_cid, (int) own.svm_port, &again));
	CHECK(!memcmp(&own, &again, sizeof(own)));
}

static void check_unix(const void *sa, size_t len, int port)
{
	struct sockaddr_un name;
	uint32_t own = 0x5a5a5a5a, again;
	socklen_t n;

	if (!udo_adopt_unix(sa, len, port, &own)) {
		CHECK(own == 0x5a5a5a5a);
		return;
	}
	CHECK(own != VMADDR_PORT_ANY);
	CHECK(port == -1 || own == (uint32_t) port);
	/* Exactly the name a create of that port binds, byte for byte. */
	n = udo_unix_name(&name, own);
	CHECK(n == len && !memcmp(&name, sa, len));
	CHECK(udo_adopt_unix(&name, n, (int) own, &again) && again == own);
}

/* Every port a create could ask for is taken back from the name it binds. */
static void check_unix_name(uint32_t port)
{
	struct sockaddr_un name;
	socklen_t n = udo_unix_name(&name, port);
	uint32_t own = 0;

	CHECK(n <= sizeof(name));
	if (port == VMADDR_PORT_ANY) {
		CHECK(!udo_adopt_unix(&name, n, -1, &own));
		return;
	}
	CHECK(udo_adopt_unix(&name, n, -1, &own) && own == port);
	CHECK(udo_adopt_unix(&name, n, (int) port, &own) && own == port);
	/* One byte short or one byte more is another name. */
	CHECK(!udo_adopt_unix(&name, n - 1, -1, &own) || own != port);
	CHECK(n == sizeof(name) || !udo_adopt_unix(&name, n + 1, -1, &own));
}

static void check_inet(const void *sa, size_t len, int port)
{
	struct sockaddr_storage own, again;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	int wildcard = 7, w2;

	if (!udo_adopt_inet(sa, len, port, &own, &wildcard)) {
		CHECK(wildcard == 7);
		return;
	}
	CHECK(wildcard == 0 || wildcard == 1);
	if (own.ss_family == AF_INET) {
		memcpy(&in, &own, sizeof(in));
		CHECK(port == -1 || ntohs(in.sin_port) == port);
		CHECK(wildcard == (in.sin_addr.s_addr == htonl(INADDR_ANY)));
		CHECK(len >= sizeof(in));
	} else {
		CHECK(own.ss_family == AF_INET6);
		memcpy(&in6, &own, sizeof(in6));
		CHECK(!IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)); /* given as IPv4 */
		CHECK(port == -1 || ntohs(in6.sin6_port) == port);
		CHECK(wildcard == IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr));
		CHECK(len >= sizeof(in6));
	}
	CHECK(udo_adopt_inet(&own, sizeof(own), -1, &again, &w2));
	CHECK(w2 == wildcard && !memcmp(&own, &again, sizeof(own)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t cid, uport;
	int port;
	uint8_t *sa;
	size_t len;

	if (size < 8)
		return 0;
	memcpy(&uport, data, 4);
	memcpy(&cid, data + 4, 4);
	port = (int) uport;
	len = size - 8;
	sa = malloc(len ? len : 1); /* exact size: ASan sees any read past len */
	if (!sa)
		return 0;
	memcpy(sa, data + 8, len);
	check_vsock(sa, len, cid, port);
	check_vsock(sa, len, cid, -1);
	check_unix(sa, len, port);
	check_unix(sa, len, -1);
	check_unix_name(uport);
	check_unix_name(cid);
	check_inet(sa, len, port);
	check_inet(sa, len, -1);
	free(sa);
	return 0;
}
