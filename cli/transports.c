/* SPDX-License-Identifier: MIT */
/*
 * What the library can do on this machine, found out the way a user's
 * program would: create a context with UDO_VSOCK_TCP_TRANSPORT set and see
 * which transport it gets, or why it fails. The transports are the
 * library's (udo_vsock_tcp_transport_name); the table below only adds the
 * tool's notes on the ones it knows, and a transport without a line is
 * listed all the same.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <udo/vsock-tcp.h>

#include "say.h"
#include "transports.h"
#include "activate.h"
#include "uds-map.h"

struct transport_info {
	const char *name;
	const char *notes;          /* printed when the transport is usable */
	uint32_t (*probe_cid)(void); /* a CID a client of it may be created for */
};

static uint32_t cid_local(void)
{
	return VMADDR_CID_LOCAL;
}

/* The first CID UDO_VSOCK_TCP_UDS names (a guest's VMM socket), else 3;
 * read with the hybrid transport's own parser. */
static uint32_t cid_first_uds(void)
{
	const char *text = getenv(UDO_UDSMAP_ENV);
	struct udo_udsmap map;

	if (!text || udo_udsmap_parse(text, &map, NULL, 0) < 0 || !map.count)
		return 3;
	return map.entry[0].cid;
}

static const struct transport_info transports[] = {
	{ "vsock", "AF_VSOCK stream sockets", cid_local },
	{ "tcp", "plain TCP; CID 1, 2 and this machine's CID are 127.0.0.1, "
	         UDO_ENV_MAP " maps others", cid_local },
	{ "hybrid", "the Unix-socket vsock of Firecracker and cloud-hypervisor; "
	            UDO_ENV_UDS " names each guest's socket", cid_first_uds },
	{ "unix", "abstract AF_UNIX sockets (@udo-vsock-tcp/PORT) between two ends on "
	          "this machine (CID 1, 2, its own); streams and seqpacket", cid_local },
};

#define N_TRANSPORTS (sizeof(transports) / sizeof(transports[0]))

/* The tool's notes on a transport of the library's list. */
static struct transport_info info_of(const char *name)
{
	struct transport_info none = { name, "", cid_local };
	size_t i;

	for (i = 0; i < N_TRANSPORTS; i++)
		if (!strcmp(name, transports[i].name))
			return transports[i];
	return none;
}

bool udo_cli_transport_known(const char *name)
{
	const char *n;
	unsigned int i;

	if (!strcmp(name, "auto"))
		return true;
	for (i = 0; (n = udo_vsock_tcp_transport_name(i)); i++)
		if (!strcmp(name, n))
			return true;
	return false;
}

const char *udo_cli_transport_choices(void)
{
	static char text[128];
	const char *n;
	size_t i, o = 0;

	if (text[0])
		return text;
	for (i = 0; (n = udo_vsock_tcp_transport_name((unsigned int) i)); i++)
		o += (size_t) snprintf(text + o, sizeof(text) - o, "%s, ", n);
	snprintf(text + (o >= 2 ? o - 2 : 0), sizeof(text) - (o >= 2 ? o - 2 : 0), " or auto");
	return text;
}

/*
 * A context for cid under transport mode: 0 with the transport's name in
 * name, or -1 with the library's reason in why. A server binds port -1 (a
 * free port, closed at once); a client only opens its socket.
 */
static int probe_here(const char *mode, bool server, uint32_t cid, char *name, size_t namelen,
                      char *why, size_t whylen)
{
	struct udo_vsock_tcp_server_create_info sinfo = {
		.vcid = cid, .port = -1, .connections = 1,
	};
	struct udo_vsock_tcp_client_create_info cinfo = { .vcid = cid, .port = 1 };
	struct udo_vsock_tcp_opts opts = UDO_VSOCK_TCP_OPTS_INIT;
	struct udo_vsock_tcp *ctx = calloc(1, (size_t) udo_vsock_tcp_get_sizeof());
	struct udo_vsock_tcp *ok;

	if (!ctx) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	opts.transport = mode;
	ok = server ? udo_vsock_tcp_server_create_opts(ctx, &sinfo, &opts)
	            : udo_vsock_tcp_client_create_opts(ctx, &cinfo, &opts);
	if (ok)
		snprintf(name, namelen, "%s", udo_vsock_tcp_get_transport(ok));
	else
		udo_cli_one_line(why, whylen, udo_log_get_error(ctx));
	udo_vsock_tcp_destroy(ok);
	free(ctx);
	return ok ? 0 : -1;
}

/*
 * probe_here, for a server in a child process: a server create would adopt
 * a socket the service manager passed (and close it with the probe), but
 * the library adopts only in the process the sockets were passed to
 * (LISTEN_PID), so the child's probe binds afresh, as the pick it shows
 * would for any other address, and the passed sockets stay with us.
 */
static int probe(const char *mode, bool server, uint32_t cid, char *name, size_t namelen,
                 char *why, size_t whylen)
{
	char buf[1024];
	ssize_t n, got = 0;
	int p[2], st, r;
	pid_t pid;

	if (!server)
		return probe_here(mode, server, cid, name, namelen, why, whylen);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(why, whylen, "probe in a child process: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		r = probe_here(mode, server, cid, buf + 1, namelen, buf + 1, whylen);
		buf[0] = r ? '1' : '0';
		n = write(p[1], buf, strlen(buf) + 1);
		_exit(n > 0 ? 0 : 1);
	}
	close(p[1]);
	while ((n = read(p[0], buf + got, sizeof(buf) - 1 - (size_t) got)) > 0 ||
	       (n < 0 && errno == EINTR))
		got += n > 0 ? n : 0;
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	buf[got] = '\0';
	if (got < 2 || (buf[0] != '0' && buf[0] != '1')) {
		snprintf(why, whylen, "the probe's child process gave no answer");
		return -1;
	}
	if (buf[0] == '0') {
		snprintf(name, namelen, "%.*s", (int) namelen - 1, buf + 1);
		return 0;
	}
	snprintf(why, whylen, "%.*s", (int) whylen - 1, buf + 1);
	return -1;
}

static void show_transport(FILE *out, const struct transport_info *t, uint32_t local)
{
	char name[32], why[600];

	if (probe(t->name, false, t->probe_cid(), name, sizeof(name), why, sizeof(why))) {
		fprintf(out, "%-10s %-7s %s\n", t->name, "no", why);
		return;
	}
	fprintf(out, "%-10s %-7s %s", t->name, "yes", t->notes);
	/* Only vsock's kernel may lack loopback: worth a probe of its own. */
	if (!strcmp(t->name, "vsock")) {
		if (local != UINT32_MAX)
			fprintf(out, "; this machine's CID is %u", local);
		if (probe(t->name, true, VMADDR_CID_LOCAL, name, sizeof(name), why, sizeof(why)))
			fprintf(out, "; no loopback (CID 1): %s", why);
		else
			fprintf(out, "; loopback (CID 1) works");
	}
	fputc('\n', out);
}

static void show_pick(FILE *out, bool *first, const char *what, bool server, uint32_t cid)
{
	char name[32], why[600];

	fprintf(out, "%s%s: ", *first ? "" : "; ", what);
	if (probe("auto", server, cid, name, sizeof(name), why, sizeof(why)))
		fprintf(out, "fails (%s)", why);
	else
		fprintf(out, "%s", name);
	*first = false;
}

int udo_cli_transports_show(FILE *out, const char *selected, const char *source)
{
	uint32_t local = udo_vsock_tcp_get_local_vcid();
	char what[64];
	bool first = true;
	const char *name;
	size_t i;

	fprintf(out, "%-10s %-7s %s\n", "TRANSPORT", "USABLE", "NOTES");
	for (i = 0; (name = udo_vsock_tcp_transport_name((unsigned int) i)); i++) {
		struct transport_info t = info_of(name);

		show_transport(out, &t, local);
	}
	fprintf(out, "%-10s %-7s ", "auto", "-");
	show_pick(out, &first, "listen on any CID", true, VMADDR_CID_ANY);
	show_pick(out, &first, "listen on CID 1", true, VMADDR_CID_LOCAL);
	show_pick(out, &first, "connect to CID 1", false, VMADDR_CID_LOCAL);
	show_pick(out, &first, "connect to CID 2", false, VMADDR_CID_HOST);
	if (local != UINT32_MAX && local > VMADDR_CID_HOST) {
		snprintf(what, sizeof(what), "connect to CID %u", local);
		show_pick(out, &first, what, false, local);
	}
	fputc('\n', out);
	fprintf(out, "selected: %s (%s)\n", selected, source);
	udo_cli_activation_show(out);
	return 0;
}
