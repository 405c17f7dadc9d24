/* SPDX-License-Identifier: MIT */
/* Servers, clients and pairs by either path; the threads they run on. */
#include "config.h"

#include <sched.h>

#include "bench.h"

static int cpu_peer_pinned = -1; /* the peer thread's CPU, -1: not pinned */

/*
 * The peer thread (receiver, echo) runs on its own CPU and this thread on
 * another, fixed for the whole run: left to the scheduler, the two land on
 * one CPU in some rounds and on two in others, which moves throughput by
 * 20% and latency by a factor of four, far more than anything measured here.
 */
void pin_threads(bool pin, int *cpu_main, int *cpu_peer)
{
	cpu_set_t set;
	int cpu, first = -1, second = -1;

	*cpu_main = *cpu_peer = -1;
	if (!pin || sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (first < 0)
			first = cpu;
		else if (second < 0)
			second = cpu;
	}
	if (second < 0)
		return; /* one CPU: nothing to choose */
	CPU_ZERO(&set);
	CPU_SET(first, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return;
	*cpu_main = first;
	*cpu_peer = cpu_peer_pinned = second;
}

void start_peer(pthread_t *th, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;

	pthread_attr_init(&attr);
	if (cpu_peer_pinned >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu_peer_pinned, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (pthread_create(th, &attr, fn, arg))
		die("pthread_create", EAGAIN);
	pthread_attr_destroy(&attr);
}

void *cli_memory(struct cli *c, unsigned int n)
{
	char *mem;
	size_t size = (size_t) udo_vsock_tcp_get_sizeof();
	unsigned int i;

	if (!caller_memory)
		return NULL;
	size = (size + 15) & ~(size_t) 15;
	mem = calloc(n, size);
	if (!mem)
		die("calloc", ENOMEM);
	for (i = 0; i < n; i++)
		c[i].mem = mem + i * size;
	return mem;
}

static int raw_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_VSOCK)
		return (int) ((const struct sockaddr_vm *) ss)->svm_port;
	if (ss->ss_family == AF_UNIX) {
		char hex[6] = { 0 };

		memcpy(hex, ((const struct sockaddr_un *) ss)->sun_path + 1, 5);
		return (int) strtol(hex, NULL, 16);
	}
	return ntohs(((const struct sockaddr_in *) ss)->sin_port);
}

void srv_open(bool lib, struct srv *s, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	memset(s, 0, sizeof(*s));
	if (lib) {
		struct udo_vsock_tcp_server_create_info info = {
			.vcid = VMADDR_CID_LOCAL, .port = -1, .connections = backlog,
		};

		if (use_opts) {
			struct udo_vsock_tcp_opts o;

			bench_opts(&o);
			s->ctx = udo_vsock_tcp_server_create_opts(NULL, &info, &o);
		} else {
			s->ctx = udo_vsock_tcp_server_create(NULL, &info);
		}
		if (!s->ctx)
			die("library server on CID 1", errno);
		s->fd = udo_vsock_tcp_get_fd(s->ctx);
		s->port = udo_vsock_tcp_get_port(s->ctx);
		return;
	}
	s->fd = socket(raw_family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		die("raw socket", errno);
	if (!vsock_mode)
		setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	len = raw_addr(&ss, -1);
	if (bind(s->fd, (struct sockaddr *) &ss, len) < 0)
		die("raw bind", errno);
	if (listen(s->fd, backlog) < 0)
		die("raw listen", errno);
	len = sizeof(ss);
	if (getsockname(s->fd, (struct sockaddr *) &ss, &len) < 0)
		die("raw getsockname", errno);
	s->port = raw_port(&ss);
}

void srv_close(struct srv *s)
{
	if (s->ctx)
		udo_vsock_tcp_destroy(s->ctx);
	else
		close(s->fd);
}

void pair_open(bool lib, struct pair *p)
{
	memset(p, 0, sizeof(*p)); /* the client context: library-allocated */
	srv_open(lib, &p->s, 16);
	if (lib)
		cli_open(true, &p->s, &p->c);
	else
		cli_open(false, &p->s, &p->c);
	p->peer = lib ? srv_accept(true, &p->s) : srv_accept(false, &p->s);
}

void pair_close(bool lib, struct pair *p)
{
	close(p->peer);
	if (lib)
		cli_close(true, &p->c);
	else
		cli_close(false, &p->c);
	srv_close(&p->s);
}
