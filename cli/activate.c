/* SPDX-License-Identifier: MIT */
/*
 * udo-vsock under systemd: whether socket activation is built in, the
 * sockets a service manager passed, and sd_notify for `relay`.
 */
#include "config.h"

#include <stdio.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "activate.h"

void udo_cli_activation_show(FILE *out)
{
#ifdef HAVE_LIBSYSTEMD
	int n = sd_listen_fds(0);

	fprintf(out, "socket activation: yes (libsystemd: a server adopts a matching passed "
	        "socket; %d passed to this process)\n", n > 0 ? n : 0);
#else
	fprintf(out, "socket activation: no (built without libsystemd)\n");
#endif
}
