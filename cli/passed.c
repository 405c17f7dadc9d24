/* SPDX-License-Identifier: MIT */
/*
 * The sockets a service manager passed (sd_listen_fds), and which of them
 * a listener took already: below the endpoints, which claim a passed tcp
 * socket for a tcp: address, and below cli/activate.c, which makes the
 * rest a relay's listeners ("passed").
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "passed.h"

#ifdef HAVE_LIBSYSTEMD
/* Which passed fds a listener took already (fd 3 + i), for as many as were
 * passed: read once (sd_listen_fds), at startup, in one thread. */
static bool *claimed;
static int claimed_count = -1;

/* The passed fds (0 when none, or when there is no memory to track them). */
int udo_cli_passed_count(void)
{
	int n;

	if (claimed_count >= 0)
		return claimed_count;
	n = sd_listen_fds(0);
	claimed = n > 0 ? calloc((size_t) n, sizeof(*claimed)) : NULL;
	claimed_count = claimed ? n : 0;
	return claimed_count;
}

static bool same_host(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *) a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *) b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *) a)->sin6_addr,
	               &((const struct sockaddr_in6 *) b)->sin6_addr, sizeof(struct in6_addr));
}

static bool is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *) ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *) ss)->sin6_addr);
}

/* Bound to one of host's addresses (or to a wildcard). */
static bool host_matches(const char *host, const struct sockaddr_storage *ss)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res, *ai;
	bool match = false;

	if (is_wildcard(ss))
		return true;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return false;
	for (ai = res; ai && !match; ai = ai->ai_next)
		match = same_host(ai->ai_addr, (const struct sockaddr *) ss);
	freeaddrinfo(res);
	return match;
}

int udo_cli_passed_tcp(const struct udo_cli_addr *a)
{
	int n = udo_cli_passed_count(), i, fd;

	for (i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		fd = SD_LISTEN_FDS_START + i;
		if (claimed[i] ||
		    sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1,
		                      (uint16_t) (a->port < 0 ? 0 : a->port)) <= 0 ||
		    getsockname(fd, (struct sockaddr *) &ss, &len) < 0 ||
		    !host_matches(a->host, &ss))
			continue;
		claimed[i] = true;
		return fd;
	}
	return -1;
}


bool udo_cli_passed_taken(int i)
{
	return i < 0 || i >= udo_cli_passed_count() || claimed[i];
}
#else
int udo_cli_passed_count(void)
{
	return 0;
}

bool udo_cli_passed_taken(int i)
{
	(void) i;
	return true;
}

int udo_cli_passed_tcp(const struct udo_cli_addr *a)
{
	(void) a;
	return -1;
}
#endif
