/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock under systemd: whether socket activation is built in, the
 * sockets a service manager passed as a relay's listeners, and sd_notify
 * (which of them are taken is cli/passed.c's, below the endpoints). Built
 * without libsystemd, nothing is passed and nothing is told.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "activate.h"
#include "errbuf.h"
#include "passed.h"

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

void udo_cli_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, state);
#else
	(void) state;
#endif
}

#ifdef HAVE_LIBSYSTEMD
/* The port of an abstract unix name "udo-vsock-tcp/P" (the unix
 * transport's), or -1 for any other address. */
static long unix_name_port(const struct sockaddr_un *sun, socklen_t len)
{
	static const char prefix[] = "udo-vsock-tcp/";
	const char *p = sun->sun_path + 1, *end = (const char *) sun + len;
	unsigned long port = 0;

	if (len <= offsetof(struct sockaddr_un, sun_path) + sizeof(prefix) ||
	    sun->sun_path[0] != '\0' || memcmp(p, prefix, sizeof(prefix) - 1))
		return -1;
	for (p += sizeof(prefix) - 1; p < end && *p >= '0' && *p <= '9'; p++)
		if ((port = port * 10 + (unsigned long) (*p - '0')) > UINT32_MAX)
			return -1;
	return p == end ? (long) port : -1;
}

/* A passed vsock socket (or the unix transport's, an abstract
 * "udo-vsock-tcp/P"), through the library, which adopts it: as a vsock:
 * address of that CID and port would be, on the transport of its family. */
static int listen_passed_vsock(struct udo_cli_listener *l, int fd, int family, int type,
                               char *err, size_t errlen)
{
	union { struct sockaddr_vm svm; struct sockaddr_un sun; } sa;
	socklen_t len = sizeof(sa);
	/* The transport whose socket it is: the library adopts it there. */
	struct udo_cli_addr a = { .kind = UDO_CLI_ADDR_VSOCK, .type = type,
	                          .transport = family == AF_VSOCK ? "vsock" : "unix" };
	long port;
	int r;

	if (getsockname(fd, (struct sockaddr *) &sa, &len) < 0)
		return fail(err, errlen, "read the address of passed socket %d: %s", fd,
		            strerror(errno));
	if (family == AF_VSOCK) {
		a.cid = sa.svm.svm_cid;
		a.port = (int) sa.svm.svm_port;
	} else if ((port = unix_name_port(&sa.sun, len)) >= 0) {
		a.cid = VMADDR_CID_ANY;
		a.port = (int) (uint32_t) port;
	} else {
		return fail(err, errlen, "passed socket %d is a unix socket, but not the unix "
		            "transport's (an abstract @udo-vsock-tcp/PORT)", fd);
	}
	r = udo_cli_listen(l, &a, 0, err, errlen);
	if (r == 0 && l->fd != fd) {
		udo_cli_listener_close(l);
		return fail(err, errlen, "passed socket %d (%s %u:%u) was not adopted", fd,
		            family == AF_VSOCK ? "vsock" : "unix", a.cid, (uint32_t) a.port);
	}
	return r;
}

/* A passed TCP socket, as udo-vsock's own tcp: listener. */
static int listen_passed_tcp(struct udo_cli_listener *l, int fd, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct udo_cli_addr a = { .kind = UDO_CLI_ADDR_TCP, .type = SOCK_STREAM };
	char serv[16];

	if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *) &ss, len, a.host, sizeof(a.host), serv,
	                sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return fail(err, errlen, "read the address of passed socket %d: %s", fd,
		            strerror(errno));
	a.port = atoi(serv);
	return udo_cli_listen(l, &a, 0, err, errlen);
}

static int sockopt(int fd, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	return getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0 ? -1 : v;
}

/*
 * One passed socket as a listener for a relay of type (SOCK_STREAM, or
 * SOCK_SEQPACKET for --seqpacket), by the rules of the address it would be
 * given as: vsock (or the unix transport's name) of the relay's type, as
 * vsock:CID:PORT; tcp only for a stream relay, as tcp:HOST:PORT (with
 * --seqpacket that is a usage error). 0, -1 (err), or -2 (err: a usage error).
 */
static int listen_passed(struct udo_cli_listener *l, int fd, int type, char *err,
                         size_t errlen)
{
	int family = sockopt(fd, SO_DOMAIN), stype = sockopt(fd, SO_TYPE);

	if (family < 0 || stype < 0 || sockopt(fd, SO_ACCEPTCONN) != 1)
		return fail(err, errlen, "passed socket %d is not a listening socket", fd);
	if (family == AF_INET || family == AF_INET6) {
		if (type == SOCK_SEQPACKET) {
			fail(err, errlen, "--seqpacket needs vsock addresses: passed socket %d is "
			     "tcp, a stream (TCP keeps no message boundaries); a relay between a "
			     "seqpacket end and a stream end would lose them", fd);
			return -2;
		}
		if (stype != SOCK_STREAM)
			return fail(err, errlen, "passed socket %d is an IP socket of type %d, not "
			            "a tcp stream", fd, stype);
		return listen_passed_tcp(l, fd, err, errlen);
	}
	if (family != AF_VSOCK && family != AF_UNIX)
		return fail(err, errlen, "passed socket %d is neither vsock, unix nor tcp "
		            "(address family %d)", fd, family);
	if (stype != type && (stype == SOCK_STREAM || stype == SOCK_SEQPACKET)) {
		fail(err, errlen, stype == SOCK_SEQPACKET
		     ? "passed socket %d is a SOCK_SEQPACKET listener: relay it with --seqpacket"
		     : "--seqpacket: passed socket %d is a stream listener, not SOCK_SEQPACKET: "
		       "relay it without --seqpacket", fd);
		return -2;
	}
	if (stype != type)
		return fail(err, errlen, "passed socket %d is of socket type %d, neither a "
		            "stream nor SOCK_SEQPACKET", fd, stype);
	return listen_passed_vsock(l, fd, family, type, err, errlen);
}

int udo_cli_listen_passed(struct udo_cli_listener **ls, size_t *n, int type,
                          char *err, size_t errlen)
{
	int count = udo_cli_passed_count(), i, r;

	*n = 0;
	*ls = count ? calloc((size_t) count, sizeof(**ls)) : NULL;
	if (count && !*ls)
		return fail(err, errlen, "%s: track %d passed sockets: %s", UDO_CLI_PASSED, count,
		            strerror(ENOMEM));
	for (i = 0; i < count; i++) {
		if (udo_cli_passed_taken(i))
			continue;
		r = listen_passed(&(*ls)[*n], SD_LISTEN_FDS_START + i, type, err, errlen);
		if (r < 0) {
			while (*n)
				udo_cli_listener_close(&(*ls)[--*n]);
			free(*ls);
			*ls = NULL;
			return r;
		}
		++*n;
	}
	if (!*n) {
		free(*ls);
		*ls = NULL;
		return fail(err, errlen, "%s: no sockets were passed (LISTEN_FDS): run under "
		            "systemd socket activation, or give an address", UDO_CLI_PASSED);
	}
	return 0;
}
#else
int udo_cli_listen_passed(struct udo_cli_listener **ls, size_t *n, int type,
                          char *err, size_t errlen)
{
	*ls = NULL;
	(void) type;
	*n = 0;
	return fail(err, errlen, "%s: this udo-vsock is built without libsystemd (no "
	            "socket activation)", UDO_CLI_PASSED);
}
#endif
