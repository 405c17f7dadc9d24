/* SPDX-License-Identifier: MIT */
/*
 * For the socket-activation tests that need a process of their own (the
 * library reads the passed fds once per process, at its first server
 * create): a child that passes itself sockets as a service manager would.
 */
#ifndef T_ACTIVATION_CHILD_H
#define T_ACTIVATION_CHILD_H

#include <stdbool.h>

#include <udo/vsock-tcp.h>

#define T_MAXPASS 8

/* The port of passed fd 3 + i (set by t_pass). */
extern int t_passed_port[T_MAXPASS];

/* Pass n tcp listeners on 127.0.0.1 as fds 3.., fd 3 + i close-on-exec when
 * cloexec[i] (NULL: none is); LISTEN_PID this process, LISTEN_FDS
 * listen_fds (NULL: n). 0, or -1 with errno. */
int t_pass(int n, const bool *cloexec, const char *listen_fds);

/* In the child: say what went wrong; returns 1 (the child's exit status). */
int t_child_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run body in a child of its own; fail the test with what it said. */
void t_in_child(int (*body)(void));

/* A tcp server on CID 1 and port (UDO_VSOCK_TCP_TRANSPORT=tcp). */
struct udo_vsock_tcp *t_tcp_server(int port);

#endif
