/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock under systemd: whether socket activation is built in, the
 * sockets a service manager passed, and sd_notify. Built without
 * libsystemd, nothing is passed and nothing is told.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "activate.h"
#include "errbuf.h"
#include "transports.h"

/* The most passed sockets udo-vsock keeps track of. */
#define PASSED_MAX 64

void udo_cli_activation_show(FILE *out)
{
#ifdef HAVE_LIBSYSTEMD
	int n = sd_listen_fds(0);

	fprintf(out, "socket activation: yes (libsystemd: a server adopts a matching passed "
	        "socket; %d passed to this process)\n", n > 0 ? n : 0);
#else
	fprintf(out, "socket activation: no (built without libsystemd)\n");
#endif
}

int udo_cli_wait_env(unsigned int ms)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", ms);
	return setenv(UDO_CLI_WAIT_ENV, text, 1);
}

void udo_cli_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, state);
#else
	(void) state;
#endif
}

#ifdef HAVE_LIBSYSTEMD
static bool claimed[PASSED_MAX];

/* The passed fds (0 when none), at most PASSED_MAX. */
static int passed_count(void)
{
	int n = sd_listen_fds(0);

	return n <= 0 ? 0 : n > PASSED_MAX ? PASSED_MAX : n;
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
	int n = passed_count(), i, fd;

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

/* A passed vsock socket, through the library (which adopts it). */
static int listen_passed_vsock(struct udo_cli_listener *l, int fd, char *err, size_t errlen)
{
	struct sockaddr_vm svm;
	socklen_t len = sizeof(svm);
	struct udo_cli_addr a = { .kind = UDO_CLI_ADDR_VSOCK };
	const char *env = getenv(UDO_CLI_TRANSPORT_ENV);
	char *saved = env ? strdup(env) : NULL;
	int r;

	if (getsockname(fd, (struct sockaddr *) &svm, &len) < 0)
		return fail(err, errlen, "read the address of passed socket %d: %s", fd,
		            strerror(errno));
	a.cid = svm.svm_cid;
	a.port = (int) svm.svm_port;
	/* Startup, one thread: the library reads the transport at create. */
	setenv(UDO_CLI_TRANSPORT_ENV, "vsock", 1);
	r = udo_cli_listen(l, &a, 0, err, errlen);
	if (saved)
		setenv(UDO_CLI_TRANSPORT_ENV, saved, 1);
	else
		unsetenv(UDO_CLI_TRANSPORT_ENV);
	free(saved);
	if (r == 0 && l->fd != fd) {
		udo_cli_listener_close(l);
		return fail(err, errlen, "passed socket %d (vsock %u:%u) was not adopted", fd,
		            svm.svm_cid, svm.svm_port);
	}
	return r;
}

/* A passed TCP socket, as udo-vsock's own tcp: listener. */
static int listen_passed_tcp(struct udo_cli_listener *l, int fd, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct udo_cli_addr a = { .kind = UDO_CLI_ADDR_TCP };
	char serv[16];

	if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *) &ss, len, a.host, sizeof(a.host), serv,
	                sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return fail(err, errlen, "read the address of passed socket %d: %s", fd,
		            strerror(errno));
	a.port = atoi(serv);
	return udo_cli_listen(l, &a, 0, err, errlen);
}

int udo_cli_listen_passed(struct udo_cli_listener *ls, size_t max, size_t *n,
                          char *err, size_t errlen)
{
	int count = passed_count(), i, fd, family, r;
	socklen_t len = sizeof(family);

	*n = 0;
	for (i = 0; i < count && *n < max; i++) {
		fd = SD_LISTEN_FDS_START + i;
		if (claimed[i])
			continue;
		if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) < 0)
			r = fail(err, errlen, "passed socket %d is not a listening stream socket",
			         fd);
		else if (family == AF_VSOCK)
			r = listen_passed_vsock(&ls[*n], fd, err, errlen);
		else if (family == AF_INET || family == AF_INET6)
			r = listen_passed_tcp(&ls[*n], fd, err, errlen);
		else
			r = fail(err, errlen, "passed socket %d is neither vsock nor tcp", fd);
		if (r < 0) {
			while (*n)
				udo_cli_listener_close(&ls[--*n]);
			return -1;
		}
		++*n;
	}
	if (!*n)
		return fail(err, errlen, "%s: no sockets were passed (LISTEN_FDS): run under "
		            "systemd socket activation, or give an address", UDO_CLI_PASSED);
	return 0;
}
#else
int udo_cli_passed_tcp(const struct udo_cli_addr *a)
{
	(void) a;
	return -1;
}

int udo_cli_listen_passed(struct udo_cli_listener *ls, size_t max, size_t *n,
                          char *err, size_t errlen)
{
	(void) ls;
	(void) max;
	*n = 0;
	return fail(err, errlen, "%s: this udo-vsock is built without libsystemd (no "
	            "socket activation)", UDO_CLI_PASSED);
}
#endif
