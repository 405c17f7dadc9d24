/* SPDX-License-Identifier: MIT */
/*
 * The vsock transport: AF_VSOCK stream sockets, as the kernel gives them.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "../adopt-addr.h"
#include "transport.h"

/* What the machine's vsock can do, found out once, cheaply (no connect). */
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int family_err;    /* errno of socket(AF_VSOCK), 0 when it works */
static int loopback_err;  /* errno of a bind to CID 1, 0 when it is served */
static uint32_t local_cid;

static void probe(void)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_LOCAL,
		.svm_port = VMADDR_PORT_ANY,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		family_err = errno;
		return;
	}
	/* EADDRNOTAVAIL here means no vsock_loopback: a connect to CID 1 would
	 * hang for the kernel's connect timeout instead of failing. */
	loopback_err = bind(fd, (struct sockaddr *) &sa, sizeof(sa)) ? errno : 0;
	close(fd);
	local_cid = udo_local_cid();
}

static int vsock_client_reachable(const struct udo_vsock_tcp *vsock, uint32_t cid)
{
	(void) vsock;
	pthread_once(&probe_once, probe);
	if (family_err)
		return -family_err;
	if (cid == VMADDR_CID_LOCAL || cid == local_cid)
		return -loopback_err;
	return 0;
}

/*
 * vsock ports are 32-bit: the API's int carries all 32 bits, so a port above
 * INT_MAX (the kernel picks ephemeral ports anywhere above 1023) reads back
 * from get_port() as a negative int and is passed on unchanged. -1 is
 * VMADDR_PORT_ANY.
 */
static void fill_addr(struct sockaddr_vm *sa, uint32_t cid, int port)
{
	memset(sa, 0, sizeof(*sa));
	sa->svm_family = AF_VSOCK;
	sa->svm_cid = cid;
	sa->svm_port = (uint32_t) port;
}

static int vsock_server_create(struct udo_vsock_tcp *vsock,
                               const struct udo_vsock_tcp_server_create_info *info)
{
	struct sockaddr_vm sa;
	socklen_t len = sizeof(sa);
	char pt[UDO_PORT_TEXT_MAX];
	int fd, err;

	fd = udo_ctx_socket(vsock, AF_VSOCK, "vsock");
	if (fd < 0)
		return fd;
	fill_addr(&sa, info->vcid, info->port);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
		err = udo_ctx_error(vsock, errno, true, "bind to vsock %u:%s", info->vcid,
		                    udo_port_text(info->port, pt, sizeof(pt)));
		goto fail;
	}
	if (listen(fd, info->connections > 0 ? info->connections : SOMAXCONN) < 0) {
		err = udo_ctx_error(vsock, errno, true, "listen on vsock %u:%s", info->vcid,
		                    udo_port_text(info->port, pt, sizeof(pt)));
		goto fail;
	}
	if (info->port == -1 && getsockname(fd, (struct sockaddr *) &sa, &len) < 0) {
		err = udo_ctx_error(vsock, errno, true, "read the port bound on vsock %u",
		                    info->vcid);
		goto fail;
	}
	vsock->fd = fd;
	vsock->vcid = info->vcid;
	vsock->port = (int) sa.svm_port;
	vsock->addr = sa;
	return 0;
fail:
	close(fd);
	return err;
}

static int vsock_client_create(struct udo_vsock_tcp *vsock,
                               const struct udo_vsock_tcp_client_create_info *info)
{
	int fd;

	if (info->port == -1)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "connect to vsock %u:-1: a client needs a port, "
		                     "not VMADDR_PORT_ANY", info->vcid);
	fd = udo_ctx_socket(vsock, AF_VSOCK, "vsock");
	if (fd < 0)
		return fd;
	fill_addr(&vsock->addr, info->vcid, info->port);
	vsock->fd = fd;
	vsock->vcid = info->vcid;
	vsock->port = info->port;
	return 0;
}

static int vsock_client_connect(struct udo_vsock_tcp *vsock)
{
	struct udo_deadline deadline;
	int err;

	err = udo_ctx_ensure_socket(vsock, AF_VSOCK, "vsock");
	if (err < 0)
		return err;
	if (vsock->flags & UDO_VSOCK_TCP_OPT_NONBLOCK) {
		err = udo_ctx_connect_nb(vsock, (struct sockaddr *) &vsock->addr, sizeof(vsock->addr));
		if (err == 0 || err == -EINPROGRESS)
			return err;
		return udo_ctx_error(vsock, -err, true, "connect to vsock %u:%u",
		                     vsock->vcid, (uint32_t) vsock->port);
	}
	if (vsock->connect_timeout_ms) {
		struct timeval tv = {
			.tv_sec = vsock->connect_timeout_ms / 1000,
			.tv_usec = (vsock->connect_timeout_ms % 1000) * 1000,
		};
		if (setsockopt(vsock->fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT,
		               &tv, sizeof(tv)) < 0)
			return udo_ctx_error(vsock, errno, true,
			                     "set the connect timeout for vsock %u:%u",
			                     vsock->vcid, (uint32_t) vsock->port);
	}
	/* With a timeout of ours, the timed wait (the kernel's connect would
	 * end at any signal, SA_RESTART or not); without, the plain connect,
	 * bounded by the kernel's timeout (2 s by default), which goes on
	 * after a signal as shared/deadline.c says. */
	udo_deadline_start(&deadline, vsock->connect_timeout_ms);
	err = udo_deadline_connect(vsock->fd, (struct sockaddr *) &vsock->addr,
	                           sizeof(vsock->addr), &deadline);
	if (err == 0)
		return 0;
	return udo_ctx_error(vsock, -err, true, "connect to vsock %u:%u",
	                     vsock->vcid, (uint32_t) vsock->port);
}

static int vsock_server_accept(struct udo_vsock_tcp *vsock, struct sockaddr_vm *addr)
{
	socklen_t len = sizeof(*addr);
	int fd;

	fd = accept4(vsock->fd, (struct sockaddr *) addr, addr ? &len : NULL,
	             udo_ctx_sock_flags(vsock));
	if (fd < 0)
		return udo_ctx_error(vsock, errno, true, "accept on vsock %u:%u",
		                     vsock->vcid, (uint32_t) vsock->port);
	return fd;
}

/* A passed socket matches on the port (any for -1) and the CID, either
 * side VMADDR_CID_ANY matching all. */
static int vsock_server_adopt(struct udo_vsock_tcp *vsock,
                              const struct udo_vsock_tcp_server_create_info *info, int fd)
{
	struct sockaddr_vm sa, own;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *) &sa, &len) < 0 ||
	    !udo_adopt_vsock(&sa, len, info->vcid, info->port, &own))
		return 0;
	vsock->vcid = own.svm_cid;
	vsock->port = (int) own.svm_port;
	vsock->addr = own;
	return 1;
}

/* Nobody listens on the port (the kernel resets), or the peer refused. */
static const int vsock_wait_errnos[] = { ECONNRESET, ECONNREFUSED, 0 };

static const struct udo_transport vsock_transport = {
	.abi_version = UDO_TRANSPORT_ABI_VERSION,
	.name = "vsock",
	.carries = UDO_CARRIES_STREAM | UDO_CARRIES_SEQPACKET,
	.carries_why = NULL,
	.wait_errnos = vsock_wait_errnos,
	.auto_use = UDO_AUTO_PREFERRED,
	.server_create = vsock_server_create,
	.client_create = vsock_client_create,
	.client_connect = vsock_client_connect,
	.server_accept = vsock_server_accept,
	.client_reachable = vsock_client_reachable,
	.server_adopt = vsock_server_adopt,
};

const struct udo_transport *udo_vsock_tcp_transport_entry(void)
{
	return &vsock_transport;
}
