/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "adopt-addr.h"

/* The digits by hand: snprintf would cost every unix create some 800
 * instructions, half of what the rest of it costs. */
socklen_t udo_unix_name(struct sockaddr_un *sun, uint32_t port)
{
	static const char prefix[] = UDO_UNIX_NAME_PREFIX;
	char digits[10]; /* UINT32_MAX has ten */
	size_t n = 0, at = 1 + sizeof(prefix) - 1;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, prefix, sizeof(prefix) - 1);
	do {
		digits[n++] = (char) ('0' + port % 10);
		port /= 10;
	} while (port);
	while (n)
		sun->sun_path[at++] = digits[--n];
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + at);
}

/* sa may be any bytes of any length: only ever copied into a full-size
 * structure, never read past len. */
int udo_adopt_vsock(const void *sa, size_t len, uint32_t cid, int port,
                    struct sockaddr_vm *own)
{
	struct sockaddr_vm vm;

	if (len < sizeof(vm))
		return 0;
	memcpy(&vm, sa, sizeof(vm));
	if (vm.svm_family != AF_VSOCK || vm.svm_port == VMADDR_PORT_ANY)
		return 0;
	if (port != -1 && vm.svm_port != (uint32_t) port)
		return 0;
	if (cid != VMADDR_CID_ANY && vm.svm_cid != VMADDR_CID_ANY && vm.svm_cid != cid)
		return 0;
	*own = vm;
	return 1;
}

int udo_adopt_unix(const void *sa, size_t len, int port, uint32_t *own_port)
{
	struct sockaddr_un got, want;
	const size_t at = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(UDO_UNIX_NAME_PREFIX);
	const char *p;
	uint64_t v = 0;

	/* The longest name a create binds is the prefix and ten digits. */
	if (len <= at || len > at + 10 || len > sizeof(got))
		return 0;
	memset(&got, 0, sizeof(got));
	memcpy(&got, sa, len);
	if (got.sun_family != AF_UNIX || got.sun_path[0] != '\0' ||
	    memcmp(got.sun_path + 1, UDO_UNIX_NAME_PREFIX, strlen(UDO_UNIX_NAME_PREFIX)))
		return 0;
	for (p = (const char *) &got + at; p < (const char *) &got + len; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (uint64_t) (*p - '0');
	}
	if (v >= VMADDR_PORT_ANY)
		return 0;
	/* No leading zeros, nothing after the digits: what a create binds. */
	if (udo_unix_name(&want, (uint32_t) v) != len || memcmp(&want, &got, len))
		return 0;
	if (port != -1 && (uint32_t) port != (uint32_t) v)
		return 0;
	*own_port = (uint32_t) v;
	return 1;
}

int udo_adopt_inet(const void *sa, size_t len, int port, struct sockaddr_storage *own,
                   int *wildcard)
{
	struct sockaddr_storage a;
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6;
	sa_family_t family;

	if (len < sizeof(family))
		return 0;
	memcpy(&family, sa, sizeof(family));
	memset(&a, 0, sizeof(a));
	if (family == AF_INET && len >= sizeof(in)) {
		memcpy(&in, sa, sizeof(in));
		memcpy(&a, &in, sizeof(in));
	} else if (family == AF_INET6 && len >= sizeof(in6)) {
		memcpy(&in6, sa, sizeof(in6));
		if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
			in.sin_port = in6.sin6_port;
			memcpy(&in.sin_addr, &in6.sin6_addr.s6_addr[12], 4);
			memcpy(&a, &in, sizeof(in));
		} else {
			memcpy(&a, &in6, sizeof(in6));
		}
	} else {
		return 0;
	}
	memcpy(&in, &a, sizeof(in));
	if (port != -1 && ntohs(in.sin_port) != port) /* sin6_port is at the same place */
		return 0;
	if (a.ss_family == AF_INET)
		*wildcard = in.sin_addr.s_addr == htonl(INADDR_ANY);
	else
		*wildcard = IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *) &a)->sin6_addr);
	*own = a;
	return 1;
}
