/* SPDX-License-Identifier: MIT */
/*
 * A fake hybrid-vsock VMM for the tests, behaving as Firecracker's
 * docs/vsock.md and cloud-hypervisor's docs/vsock.md describe the host side:
 * it listens on the guest's Unix socket, reads "CONNECT <port>\n" byte by
 * byte (32 bytes at most, as the VMMs do), and answers "OK <host_port>\n".
 * It runs in a child process, so its fds never count as the test's.
 */
#ifndef T_HYBRID_PEER_H
#define T_HYBRID_PEER_H

#include <stdint.h>
#include <sys/types.h>

enum t_vmm_mode {
	/* A loopback VMM: CONNECT P is forwarded to this host's own "<uds>_P"
	 * (a test's hybrid server stands in for the guest listening on P):
	 * nobody there is a refusal (the VMM closes); else "OK", then relay. */
	T_VMM_FORWARD,
	T_VMM_ACK_AND_DATA, /* "OK 1073741824\nhello" in one write, then close */
	T_VMM_REFUSE,       /* read the CONNECT line, close: nobody listens */
	T_VMM_EARLY_CLOSE,  /* close at once, before reading anything */
	T_VMM_GARBAGE,      /* answer "ERROR what?\n" */
	T_VMM_TRUNCATED,    /* answer "OK 10" and close */
	T_VMM_LONG,         /* answer 40 bytes with no end of line, then hold */
	T_VMM_SILENT,       /* never answer */
	T_VMM_STUCK,        /* listen with a backlog of 0 and never accept */
	/* Read the CONNECT line; at each SIGUSR1 (t_vmm_continue) write the
	 * next piece: "OK 10", then "73741824\nhello". A non-blocking client
	 * sees a partial line. */
	T_VMM_ACK_IN_TWO_PIECES,
};

struct t_vmm {
	pid_t pid;
	char path[108];
};

/* A private directory for this test program's sockets; removed by t_tmp_cleanup. */
const char *t_tmp_dir(void);
void t_tmp_cleanup(void);

/* "<t_tmp_dir()>/<name>" in a static buffer (one at a time). */
const char *t_tmp_path(const char *name);

/* Start a VMM listening on path; fails the test otherwise. */
void t_vmm_start(struct t_vmm *vmm, const char *path, enum t_vmm_mode mode);

/* Let a T_VMM_ACK_IN_TWO_PIECES VMM write its second piece. */
void t_vmm_continue(struct t_vmm *vmm);

/* Stop it (and its connections) and remove its socket. */
void t_vmm_stop(struct t_vmm *vmm);

/* What the VMM does when a guest connects to host port `port` (32 bits, as
 * the API's int carries them): connect to "<path>_<port>". Returns the fd or
 * -errno. */
int t_guest_connect(const char *path, int port);

#endif
