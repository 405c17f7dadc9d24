/* SPDX-License-Identifier: MIT */
/* Helpers shared by the tests: servers on free ports, fd counts, I/O. */
#ifndef T_COMMON_H
#define T_COMMON_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <udo/vsock-tcp.h>

/* Every test server binds CID 1 on a port the kernel picks: with "auto"
 * this is tcp on a host without vsock loopback and vsock in a guest that has
 * it, and two runs of the suite never collide. */
#define T_CID VMADDR_CID_LOCAL

/*
 * The transport under test. t_run_transports() sets it before each case;
 * NULL (a suite run by T_RUN) leaves the choice to the environment and
 * "auto", as a program using the 0.1-0.3 creates gets it. Every helper
 * below creates its contexts through t_server_create()/t_client_create(),
 * so a suite run per transport needs no setenv.
 */
const char *t_under_test(void);

/* Name the transport under test for a suite about one transport, run by
 * T_RUN (its cases run also where that transport cannot connect). */
void t_use_transport(const char *name);

/* Options naming the transport under test (and, on hybrid, the fake VMM's
 * map given to t_set_hybrid_uds), for a socket of type (0: SOCK_STREAM). */
struct udo_vsock_tcp_opts t_opts(int type);

/* The creates with t_opts(type): drop-in for udo_vsock_tcp_*_create(mem,
 * info) and *_create_type(mem, info, type). NULL and errno as they give. */
struct udo_vsock_tcp *t_server_create(void *mem,
                                      const struct udo_vsock_tcp_server_create_info *info,
                                      int type);
struct udo_vsock_tcp *t_client_create(void *mem,
                                      const struct udo_vsock_tcp_client_create_info *info,
                                      int type);

/* Fail unless ctx is on the transport under test (when one is named):
 * t_server*, t_client and t_connected check every context they return. */
void t_assert_under_test(struct udo_vsock_tcp *ctx);

/* The transports a suite can run on. */
#define T_TCP    (1u << 0)
#define T_UNIX   (1u << 1)
#define T_HYBRID (1u << 2) /* only a suite with a fake VMM (t/hybrid-peer.h) */
#define T_VSOCK  (1u << 3) /* run where this machine serves vsock loopback */
#define T_STREAM_TRANSPORTS (T_TCP | T_UNIX | T_VSOCK)

/* Run every case once per transport of set, in the order tcp, unix,
 * hybrid, vsock, each TAP line naming its transport ("case on unix"). A
 * transport this machine lacks gives a skip line per case and one line
 * saying why, so the plan is the same everywhere. Hybrid cases take the
 * map given by t_set_hybrid_uds (the suite starts its VMM). */
int t_run_transports(const char *name, const struct CMUnitTest *tests, size_t count,
                     unsigned int set);
#define T_RUN_TRANSPORTS(tests, set) \
	t_run_transports(__FILE__, tests, sizeof(tests) / sizeof((tests)[0]), set)

/* The UDO_VSOCK_TCP_UDS-style map hybrid contexts get in opts.hybrid_uds
 * (copied); NULL: none. */
void t_set_hybrid_uds(const char *map);

/* A listening server on T_CID and a free port; fails the test otherwise. */
struct udo_vsock_tcp *t_server(void);
struct udo_vsock_tcp *t_server_type(int type); /* SOCK_STREAM, SOCK_SEQPACKET */

/* A client connected to server; fails the test otherwise. */
struct udo_vsock_tcp *t_client(struct udo_vsock_tcp *server);

/* Connect c, just created for info (NULL: the create failed, errno says
 * why); fails the test otherwise. */
struct udo_vsock_tcp *t_connected(struct udo_vsock_tcp *c,
                                  const struct udo_vsock_tcp_client_create_info *info);

/* Accept one connection on server; fails the test otherwise. */
int t_accept(struct udo_vsock_tcp *server);

/* Number of open fds in this process. */
int t_count_fds(void);

/* Send / receive exactly len bytes; fail the test otherwise. */
void t_send_all(int fd, const void *buf, size_t len);
void t_recv_all(int fd, void *buf, size_t len);

/* The transport a fresh client to T_CID gets: the one under test, else
 * the environment's choice. */
const char *t_transport(void);

/* ECONNRESET on vsock, ECONNREFUSED on tcp: "nobody listens there". */
int t_refused_errno(const char *transport);

/* Run a group with TAP output (the suite's log driver reads TAP). */
int t_run(const char *name, const struct CMUnitTest *tests, size_t count);
#define T_RUN(tests) t_run(__FILE__, tests, sizeof(tests) / sizeof((tests)[0]))



/* FNV-1a 64-bit, to compare large transfers end to end. */
uint64_t t_hash(uint64_t h, const void *buf, size_t len);
#define T_HASH_INIT 0xcbf29ce484222325ULL

/* Deterministic test bytes for offset off (changes every byte). */
void t_fill(void *buf, size_t len, uint64_t off);

/* A port on T_CID where nobody listens (a server's port, freed again). On
 * tcp it stays held (bound, not listening) until the next call, so no other
 * program takes it; a library server may still bind it. */
int t_unused_port(void);


/* True when this machine serves vsock loopback (a bind to CID 1 works;
 * EADDRNOTAVAIL otherwise). Never found out by a connect, which would hang
 * for the kernel's connect timeout where there is no loopback. */
bool t_have_vsock_loopback(void);

/* Expect a create to have failed with code; its message must contain want. */
void t_assert_error(const void *ctx, uint32_t code, const char *want);

/* A server, a client connected to it, and the server's side of that
 * connection: the setup most tests start from. */
struct t_pair {
	struct udo_vsock_tcp *s, *c;
	int conn;
};
struct t_pair t_pair_open(void);
void t_pair_close(struct t_pair *p);

/* Milliseconds since *since (CLOCK_MONOTONIC). */
struct timespec;
long t_elapsed_ms(const struct timespec *since);

/* The attempts a failed connect wait reports ("... after N ms and K
 * attempts"); fails the test when the message has none. */
unsigned int t_wait_attempts(const char *msg);

/* Exec this test program again with args (NULL-terminated, after argv[0]).
 * Under a cross build's emulator (UDO_TEST_EMULATOR) through the emulator:
 * there an exec of /proc/self/exe would run the target's binary natively.
 * Returns only when the exec failed, having said why on stderr. */
void t_exec_self(char *const args[]);

#endif
