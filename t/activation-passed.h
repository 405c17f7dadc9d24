/* SPDX-License-Identifier: MIT */
/*
 * Socket activation tests pass sockets to themselves, before their first
 * create, as a service manager would: fds from 3, LISTEN_PID and
 * LISTEN_FDS. What t/activation and t/activation-unix share.
 */
#ifndef T_ACTIVATION_PASSED_H
#define T_ACTIVATION_PASSED_H

#include <stdbool.h>

/* A passed socket: its fd (3 + its index) and the port it is bound to. */
struct t_passed {
	int fd, port;
};

/* An IPv4 socket of type bound to addr:port (0: the kernel's choice, put in
 * *port), listening or not; -1 when a given port is taken. */
int t_inet_socket(int type, const char *addr, bool listening, int *port);

/* Put fd at 3 + i (p[i].fd), as a service manager passes it. */
void t_pass(struct t_passed *p, int i, int fd);

/*
 * Pass fd[0..n) as fds 3 to 3 + n - 1 (into p[].fd) and set LISTEN_PID and
 * LISTEN_FDS. keep[0..nkeep) are other fds the test holds on to: they are
 * moved out of the way first (keep gets their new numbers).
 */
void t_pass_all(struct t_passed *p, int *fd, int n, int *keep, int nkeep);

#endif
