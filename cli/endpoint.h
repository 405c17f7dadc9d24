/* SPDX-License-Identifier: MIT */
/*
 * Both ends of a udo-vsock stream, whatever their address: vsock:, unix:
 * and hybrid: addresses go through the library, each end a context with its
 * own options (the transport the address or --transport names, else the
 * library's choice), a tcp: address is a plain TCP socket. Errors land in the
 * caller's buffer as one line that names the address and the reason.
 */
#ifndef UDO_CLI_ENDPOINT_H
#define UDO_CLI_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "addr.h"

/* Room for one error line. */
#define UDO_CLI_ERR_MAX 1024

struct udo_vsock_tcp;
struct addrinfo;
struct udo_cli_peer;

struct udo_cli_listener {
	struct udo_cli_addr addr;
	int fd;                    /* the listening socket */
	int port;                  /* the port bound (vsock: all 32 bits, as the library) */
	struct udo_vsock_tcp *ctx; /* vsock: the library's server context */
	char where[UDO_CLI_ADDR_TEXT_MAX + 16]; /* "vsock any:5000 (tcp)" for messages */
};

/* Where connections go: a tcp target is resolved once, up front. */
struct udo_cli_target {
	struct udo_cli_addr addr;
	struct addrinfo *ai;
	unsigned int timeout_ms; /* a bound on each connect; 0: none (tcp), the library's */
	unsigned int wait_ms;    /* library kinds: --wait; 0: the library's */
	char where[UDO_CLI_ADDR_TEXT_MAX];
};

/* One connected stream. */
struct udo_cli_conn {
	int fd;
	struct udo_vsock_tcp *ctx; /* vsock: the library's client context */
};

/* Bind and listen on addr (backlog <= 0: SOMAXCONN). 0, or -1 with err. */
int udo_cli_listen(struct udo_cli_listener *l, const struct udo_cli_addr *addr,
                   int backlog, char *err, size_t errlen);

/* Accept one connection: its fd (close-on-exec; non-blocking too when
 * flags has SOCK_NONBLOCK), or -1 with err and errno.
 * peer, when not NULL, receives "vsock 3:1234" or "tcp 127.0.0.1:40000";
 * who, when not NULL, what an allowlist checks (cli/allow.h): the CID, the
 * address, or (unix:) the uid. */
int udo_cli_accept(struct udo_cli_listener *l, char *peer, size_t peerlen,
                   struct udo_cli_peer *who, int flags, char *err, size_t errlen);

/* The transport serving a listener: "vsock", "tcp" (library) or "tcp". */
const char *udo_cli_listener_transport(const struct udo_cli_listener *l);

void udo_cli_listener_close(struct udo_cli_listener *l);

/*
 * Prepare a target (resolve a tcp host). timeout_ms bounds each connect:
 * to a tcp target all of its addresses together (0: none); the library's
 * kinds get it, and wait_ms, in their context's options (0: not given, the
 * library's variable or default). 0, or -1 with err.
 */
int udo_cli_target_init(struct udo_cli_target *t, const struct udo_cli_addr *addr,
                        unsigned int timeout_ms, unsigned int wait_ms, char *err,
                        size_t errlen);
void udo_cli_target_free(struct udo_cli_target *t);

/*
 * True when connecting to t reaches l itself: a relay from l to t would
 * connect to itself, again for each connection, until its fd table is full.
 * Catches the same address and port, and a loopback one (or a CID of this
 * machine) where l listens on any; not a target that reaches l by another
 * road (a map, another interface).
 */
bool udo_cli_target_is_listener(const struct udo_cli_target *t,
                                const struct udo_cli_listener *l);

/* Connect to the target. 0 with c filled, or -1 with err. Thread-safe. */
int udo_cli_connect(const struct udo_cli_target *t, struct udo_cli_conn *c,
                    char *err, size_t errlen);

void udo_cli_conn_close(struct udo_cli_conn *c);

/*
 * Connect to a target of a library kind without blocking (a context with
 * UDO_VSOCK_TCP_OPT_NONBLOCK; the caller bounds the time): 0 connected, 1
 * under way (wait until c->fd is ready for udo_vsock_tcp_get_poll_events,
 * then udo_cli_connect_step; c->fd may change at every call), -1 with err
 * and errno (c->ctx kept: a step may try again). Close c either way.
 */
int udo_cli_connect_start(const struct udo_cli_target *t, struct udo_cli_conn *c,
                          char *err, size_t errlen);
int udo_cli_connect_step(struct udo_cli_conn *c, char *err, size_t errlen);

/* "127.0.0.1:80" or "[::1]:80" for a socket address, in buf. */
const char *udo_cli_sa_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t n);

#endif /* UDO_CLI_ENDPOINT_H */
