/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the host-name tests (t/tcp-names, t/tcp-names-server): roots
 * whose /etc the test wrote (t/private-etc.h), what the resolver says there,
 * plain sockets on loopback addresses, and a round trip through the library.
 * Everything here runs in the test's child, so it reports with T_BODY_*.
 */
#ifndef T_NAMES_H
#define T_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "private-etc.h"

/* The map as users give it, in the variable its messages name (the
 * field opts.tcp_map: t/opts-fields, t/resolved-once). */
#define T_MAP "UDO_VSOCK_TCP_MAP"

/* In a body (arguments why, len): say why it fails, or fail unless cond. */
#define WHY(...) snprintf(why, len, __VA_ARGS__)
#define CHECK(cond, ...) T_BODY_CHECK(cond, why, len, __VA_ARGS__)

/* A root for a case: its /etc, and what the case needs of it. */
struct t_names_root {
	const struct t_etc_file *files;
	const char *name;          /* the body runs only where name resolves */
	const char *const *order;  /* to these addresses, in this order, */
	int count;                 /* else the case skips, saying so */
	bool ipv6;                 /* ::1 must be configured on lo */
};

/* Debian's stock /etc/hosts: localhost is ::1, then 127.0.0.1. */
extern const struct t_names_root t_stock_root;
/* The same, with gai.conf putting IPv4 first: 127.0.0.1, then ::1. */
extern const struct t_names_root t_ipv4_first_root;

/* Run body(arg) in root (t_private_etc), or skip with the reason. */
void t_names_run(const struct t_names_root *root, t_etc_body body, void *arg);

/* ip:port as a sockaddr (IPv4 or IPv6 by the text); its length. */
socklen_t t_inet_addr(const char *ip, int port, struct sockaddr_in6 *out);

/* A plain socket bound to ip:port (port 0: the kernel's pick), or -1. */
int t_plain_bound(const char *ip, int port);

/* The port a socket is bound to; its family (-1 on error). */
int t_bound_port(int fd);
int t_sock_family(int fd);

/* A port free on both ::1 and 127.0.0.1, or -1. It stays reserved: *v6
 * and *v4 are plain sockets bound to it there (not listening, so a connect
 * is refused), until the caller closes them. */
int t_port_free_on_both(int *v6, int *v4);

/* A library client for cid:port (not connected), or NULL. */
struct udo_vsock_tcp *t_names_client(uint32_t cid, int port);

/* A server on scid (any port), a client for ccid connected to it, a few
 * bytes across; the server's socket must be of family sfamily. */
int t_names_round_trip(uint32_t scid, uint32_t ccid, int sfamily, char *why, size_t len);

#endif
