/* SPDX-License-Identifier: MIT */
/*
 * For the tests of signals during blocking calls (t/connect-signals,
 * t/signals-through): a periodic SIGALRM as a program with an interval
 * timer gets it, and contexts on a transport named by the test.
 */
#ifndef T_SIGNAL_TICKER_H
#define T_SIGNAL_TICKER_H

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common.h"

/* SIGALRMs handled since t_ticker_start. */
extern volatile sig_atomic_t t_ticks;

/* SIGALRM every every_ms, its handler installed with flags (0 or
 * SA_RESTART). After max_ticks the timer stops, so a call that the signals
 * keep going for ever fails its test instead of hanging it. */
void t_ticker_start(int flags, int every_ms, int max_ticks);
void t_ticker_stop(void);

/* A server of transport on T_CID and a free port, with that backlog. */
struct udo_vsock_tcp *t_server_on(const char *transport, int backlog);

/* A client of transport for cid:port (uds: opts.hybrid_uds, or NULL). */
struct udo_vsock_tcp *t_client_on(const char *transport, uint32_t cid, int port,
                                  const char *uds);

/* A port of transport ("tcp", "unix", "vsock") on T_CID where a socket is
 * bound but does not listen, so that connects there are refused (reset on
 * vsock) for as long as *fd stays open, and no other program takes the
 * port meanwhile. */
int t_hold_refusing_port(const char *transport, int *fd);

/* The unix transport's abstract name for port; its length. */
socklen_t t_abstract_name(struct sockaddr_un *sun, int port);

#endif
