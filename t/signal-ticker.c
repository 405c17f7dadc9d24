/* SPDX-License-Identifier: MIT */
/* A periodic SIGALRM and contexts on a named transport (signal-ticker.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "signal-ticker.h"

volatile sig_atomic_t t_ticks;
static sig_atomic_t ticks_max;
static struct sigaction old_alarm;

static void on_tick(int sig)
{
	(void) sig;
	if (++t_ticks >= ticks_max)
		alarm(0); /* ends the interval timer too (ITIMER_REAL) */
}

void t_ticker_start(int flags, int every_ms, int max_ticks)
{
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = flags };
	struct itimerval it = {
		.it_value = { .tv_sec = every_ms / 1000, .tv_usec = (every_ms % 1000) * 1000 },
	};

	it.it_interval = it.it_value;
	sigemptyset(&sa.sa_mask);
	t_ticks = 0;
	ticks_max = max_ticks;
	assert_int_equal(sigaction(SIGALRM, &sa, &old_alarm), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

void t_ticker_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old_alarm, NULL);
}

struct udo_vsock_tcp *t_server_on(const char *transport, int backlog)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = T_CID, .port = -1,
	                                               .connections = backlog };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *s;

	o.transport = transport;
	s = udo_vsock_tcp_server_create_opts(NULL, &si, &o);
	if (!s)
		fail_msg("%s server: %s", transport, strerror(errno));
	return s;
}

struct udo_vsock_tcp *t_client_on(const char *transport, uint32_t cid, int port,
                                  const char *uds)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = cid, .port = port };
	struct udo_vsock_tcp_opts o = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *c;

	o.transport = transport;
	o.hybrid_uds = uds;
	c = udo_vsock_tcp_client_create_opts(NULL, &ci, &o);
	if (!c)
		fail_msg("%s client for %u:%d: %s", transport, cid, port, strerror(errno));
	return c;
}

socklen_t t_abstract_name(struct sockaddr_un *sun, int port)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 +
	                    (size_t) snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
	                                      "udo-vsock-tcp/%u", (unsigned int) port));
}

int t_hold_refusing_port(const char *transport, int *fd)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_un un;
		struct sockaddr_vm vm;
	} a;
	socklen_t len;
	unsigned int i, port;

	memset(&a, 0, sizeof(a));
	if (!strcmp(transport, "unix")) {
		/* Abstract names have no port 0: try free ones from a place of
		 * this process's own in the range the transport picks from. */
		for (i = 0; i < 16384; i++) {
			port = 49152 + ((unsigned int) getpid() * 7919u + i) % 16384;
			*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			assert_true(*fd >= 0);
			if (bind(*fd, &a.sa, t_abstract_name(&a.un, (int) port)) == 0)
				return (int) port;
			close(*fd);
		}
		fail_msg("no free unix port to hold");
	}
	if (!strcmp(transport, "vsock")) {
		a.vm.svm_family = AF_VSOCK;
		a.vm.svm_cid = VMADDR_CID_LOCAL;
		a.vm.svm_port = VMADDR_PORT_ANY;
		len = sizeof(a.vm);
	} else {
		a.in.sin_family = AF_INET;
		a.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(a.in);
	}
	*fd = socket(a.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || bind(*fd, &a.sa, len) < 0 || getsockname(*fd, &a.sa, &len) < 0)
		fail_msg("hold a %s port: %s", transport, strerror(errno));
	return a.sa.sa_family == AF_VSOCK ? (int) a.vm.svm_port : ntohs(a.in.sin_port);
}
