/* SPDX-License-Identifier: MIT */
/*
 * Private to the library and its transport plugins: the context layout and
 * the plugin ABI. Any change to either bumps UDO_TRANSPORT_ABI_VERSION, and
 * the core refuses plugins built for another version.
 */
#ifndef UDO_TRANSPORT_H
#define UDO_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>

#include "udo/log.h"
#include "udo/vsock-tcp.h"

#include "deadline.h"

#define UDO_TRANSPORT_ABI_VERSION 4u

/* The one symbol a transport plugin exports. */
#define UDO_TRANSPORT_ENTRY "udo_vsock_tcp_transport_entry"

enum udo_role { UDO_ROLE_NONE, UDO_ROLE_SERVER, UDO_ROLE_CLIENT };

union udo_sockaddr {
	struct sockaddr     sa;
	struct sockaddr_in  in;
	struct sockaddr_in6 in6;
	struct sockaddr_un  un;
	struct sockaddr_vm  vm;
};

struct udo_transport;

/* The seed's members first, in the seed's order; err must stay first. */
struct udo_vsock_tcp {
	struct udo_log_error_struct err;
	bool free;
	int fd;
	uint32_t vcid;
	int port;
	struct sockaddr_vm addr;

	const struct udo_transport *transport;
	enum udo_role role;
	bool auto_picked;           /* chosen by "auto": may fall back at connect */
	socklen_t peer_len;         /* non-vsock transports: resolved address */
	union udo_sockaddr peer;
	unsigned int connect_timeout_ms; /* 0: the transport's default */
	unsigned int connect_wait_ms;    /* 0: one attempt (lib/connect-wait.c) */
	int type;                   /* SOCK_STREAM or SOCK_SEQPACKET (ABI 2) */
	unsigned int flags;         /* UDO_VSOCK_TCP_OPT_* of the create (ABI 3) */
	/* A non-blocking connect under way (UDO_VSOCK_TCP_OPT_NONBLOCK): what
	 * it waits for on fd (0: none under way), and the transport's place in
	 * it; the core clears these when the connect ends either way. */
	short poll_events;
	unsigned char step;         /* transport-defined; 0 before the first */
	unsigned char step_len;
	char step_buf[32];
	/* A non-blocking tcp client's addresses of a host name, to try in
	 * turn (malloc'd, freed by the core), and the one being tried. */
	union udo_sockaddr *addrs;
	unsigned int addr_count;
	unsigned int addr_next;
	/* The maps the create resolved (lib/settings.c: opts, else the
	 * environment), the context's own copies, NULL when not set, and
	 * where each came from for messages ("opts.tcp_map" or the variable).
	 * Transports read these, never the environment. */
	const char *tcp_map;
	const char *tcp_map_name;
	const char *hybrid_uds;
	const char *hybrid_uds_name;
	char *copies;               /* the one allocation holding the copies */
};

/*
 * A transport's operations. Each returns 0 (or an fd for accept) on success
 * and -errno on failure, after recording a message in the context with
 * udo_ctx_error(). They never print and never exit.
 */
/* The socket types a transport carries (struct udo_transport.carries). */
#define UDO_CARRIES_STREAM    (1u << 0)
#define UDO_CARRIES_SEQPACKET (1u << 1)

/* How "auto" uses a transport (struct udo_transport.auto_use). */
/* First, where client_reachable says the context's settings name the CID
 * (0), or are malformed (-EINVAL: its create reports them). */
#define UDO_AUTO_CONFIGURED (1u << 0)
/* Next, where it loads and (for a client) client_reachable says 0; a create
 * or connect that finds it unavailable (not a peer's answer) falls back. */
#define UDO_AUTO_PREFERRED  (1u << 1)

struct udo_transport {
	uint32_t abi_version;
	const char *name;
	/*
	 * What the transport declares, so that the core asks the table instead
	 * of knowing transports by name (ABI 4):
	 * carries: the UDO_CARRIES_* types; the core refuses the others before
	 * a create reaches the plugin. carries_why: why the others are not
	 * carried, for that message (NULL: no reason given).
	 * wait_errnos: the connect failures that mean "nobody is there yet",
	 * which the connect wait (lib/connect-wait.c) retries; 0-terminated,
	 * NULL for none. The core's own connect timeout (ETIMEDOUT) is retried
	 * on every transport.
	 * Whether it adopts passed sockets: server_adopt below, NULL for not.
	 */
	unsigned int carries;
	const char *carries_why;
	const int *wait_errnos;
	/*
	 * How "auto" may pick it (lib/auto.c): auto_use is UDO_AUTO_*, and
	 * auto_fallback the types (UDO_CARRIES_*) for which it is where auto
	 * goes when the preferred transport is absent or does not reach the
	 * CID, if its client_reachable says it reaches it (a server on any
	 * CID always). 0 and 0: auto never picks it.
	 */
	unsigned int auto_use;
	unsigned int auto_fallback;
	/* Bind, listen; set fd, vcid and the port actually bound. */
	int (*server_create)(struct udo_vsock_tcp *vsock,
	                     const struct udo_vsock_tcp_server_create_info *info);
	/* Validate the address and open the socket; set fd, vcid, port.
	 * Both creates open sockets of vsock->type: the core sends a
	 * transport only the types it carries (lib/create.c). */
	int (*client_create)(struct udo_vsock_tcp *vsock,
	                     const struct udo_vsock_tcp_client_create_info *info);
	/* Connect (opening a socket first when fd is -1). The core replaces
	 * the socket after a failure so the context can retry. */
	int (*client_connect)(struct udo_vsock_tcp *vsock);
	/* Accept one connection; fill addr (may be NULL). */
	int (*server_accept)(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr);
	/* For "auto": 0 when this transport can reach cid as a client with
	 * the context's settings. */
	int (*client_reachable)(const struct udo_vsock_tcp *vsock, uint32_t cid);
	/* Socket activation (lib/activation.c), NULL when the transport does
	 * not adopt passed sockets: fd is a passed
	 * listening socket of the type asked for. 1 when it is bound where
	 * info asks (this transport's family, the port or any for -1, a
	 * matching address), with vcid, port and addr set from its own
	 * address (not fd: the core sets it); 0 when not. */
	int (*server_adopt)(struct udo_vsock_tcp *vsock,
	                    const struct udo_vsock_tcp_server_create_info *info, int fd);
};

typedef const struct udo_transport *(*udo_transport_entry_fn)(void);

/* Defined by each plugin (and only there): its table. */
__attribute__((visibility("default")))
const struct udo_transport *udo_vsock_tcp_transport_entry(void);

/*
 * Record an error in a context: code is an errno value, the message is
 * formatted and, when errno_text is set, followed by ": strerror(code)".
 * Returns -code so callers can `return udo_ctx_error(...)`.
 * Compiled into the core and into each plugin (hidden in each).
 */
int udo_ctx_error(struct udo_vsock_tcp *vsock, int code, bool errno_text,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Clear the recorded error. */
void udo_ctx_clear_error(struct udo_vsock_tcp *vsock);

/* socket(2) of the context's type with SOCK_CLOEXEC; -errno on failure
 * with the error recorded. */
int udo_ctx_socket(struct udo_vsock_tcp *vsock, int family, const char *what);

/* The flags a socket or accept4 of this context gets: SOCK_CLOEXEC, and
 * SOCK_NONBLOCK for a non-blocking context. */
int udo_ctx_sock_flags(const struct udo_vsock_tcp *vsock);

/*
 * A non-blocking connect of the context's socket to sa, started or, while
 * one is under way (poll_events set), followed up without waiting: 0 when
 * connected, -EINPROGRESS while under way (poll_events is then POLLOUT),
 * or -errno (nothing recorded: the transport says what it tried).
 */
int udo_ctx_connect_nb(struct udo_vsock_tcp *vsock, const struct sockaddr *sa, socklen_t len);

/* A connect's steps are over, either way: clear poll_events and the
 * transport's place (step, step_len, addr_next) for the next connect. */
void udo_ctx_end_steps(struct udo_vsock_tcp *vsock);

/* Give a client context a socket if it has none (the core drops it when a
 * retry socket could not be opened). 0, or -errno with the error recorded. */
int udo_ctx_ensure_socket(struct udo_vsock_tcp *vsock, int family, const char *what);

/* The context's own vsock address, as get_vcid, get_port and a server's
 * accept report it: vcid, port and addr. */
void udo_ctx_set_address(struct udo_vsock_tcp *vsock, uint32_t cid, uint32_t port);

/*
 * A vsock port for a message: the API's int carries all 32 bits, so a port
 * prints unsigned ("4294967294", never "-2"), except -1, VMADDR_PORT_ANY,
 * which reads "-1". buf holds UDO_PORT_TEXT_MAX bytes; it is returned.
 */
#define UDO_PORT_TEXT_MAX 12
const char *udo_port_text(int port, char *buf, size_t len);

/* accept4 (close-on-exec) for transports whose peers have no address of
 * their own: addr, when not NULL, gets cid and VMADDR_PORT_ANY. The fd, or
 * -errno with "accept on NAME CID:PORT" recorded. */
int udo_ctx_accept_from(struct udo_vsock_tcp *vsock, const char *name,
                        struct sockaddr_vm *addr, uint32_t cid);

/* IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock; UINT32_MAX where there is none. */
uint32_t udo_local_cid(void);

/* udo_local_cid(), read at the first call only: three system calls (open,
 * ioctl, close) that a create would otherwise pay each time. */
uint32_t udo_local_cid_once(void);

/* A transport's non-blocking connect, one step at a time: 0 connected,
 * -EINPROGRESS with poll_events set, or -errno recorded. */
typedef int (*udo_step_fn)(struct udo_vsock_tcp *vsock);
/* The wait for the step under way ended with err (-ETIMEDOUT, -EINTR,
 * -errno): record what it means there; returns the -errno to report. */
typedef int (*udo_step_end_fn)(struct udo_vsock_tcp *vsock, int err);

/*
 * A blocking connect driven through the same steps as a non-blocking one,
 * so a protocol is written once: step until done, waiting between steps with
 * udo_deadline_wait (the deadline and signal rules above). The socket is
 * non-blocking during the steps (and so are those they open) and blocking
 * again after, unless the caller had made it non-blocking. Ends with
 * udo_ctx_end_steps. 0 or -errno recorded.
 */
int udo_deadline_drive(struct udo_vsock_tcp *vsock, const struct udo_deadline *d,
                       udo_step_fn step, udo_step_end_fn end);

#endif /* UDO_TRANSPORT_H */
