/* SPDX-License-Identifier: MIT */
/* A module that is not a transport: it lacks the entry symbol. */
#include "config.h"

int udo_fake_not_a_transport(void);

int udo_fake_not_a_transport(void)
{
	return 0;
}
