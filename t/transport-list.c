/* SPDX-License-Identifier: MIT */
/*
 * Prints the library's transport names, one a line, in its order: the list
 * t/transport-names holds the manual pages, the README and the packaging to.
 */
#include "config.h"

#include <stdio.h>

#include "udo/vsock-tcp.h"

int main(void)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = udo_vsock_tcp_transport_name(i)); i++)
		if (printf("%s\n", name) < 0)
			return 1;
	return fflush(stdout) ? 1 : 0;
}
