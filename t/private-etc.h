/* SPDX-License-Identifier: MIT */
/*
 * Tests of what the resolver says (host names with several addresses) must
 * not depend on the machine's /etc/hosts: a root may have none (then
 * "localhost" may not resolve) or a stock Debian one (::1 and 127.0.0.1
 * both "localhost"). t_private_etc() runs a body in a child process whose
 * /etc is a directory the test wrote, in a mount namespace of its own, so
 * nothing is seen outside and nothing is left behind.
 */
#ifndef T_PRIVATE_ETC_H
#define T_PRIVATE_ETC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* /etc/hosts as a Debian 12 install writes it (netcfg, host "debian"). */
#define T_DEBIAN_HOSTS \
	"127.0.0.1\tlocalhost\n" \
	"127.0.1.1\tdebian\n" \
	"\n" \
	"# The following lines are desirable for IPv6 capable hosts\n" \
	"::1     localhost ip6-localhost ip6-loopback\n" \
	"ff02::1 ip6-allnodes\n" \
	"ff02::2 ip6-allrouters\n"

/* A file of the private /etc: its name there and its text. */
struct t_etc_file {
	const char *name, *text;
};

/* What a body returns. */
enum { T_BODY_OK = 0, T_BODY_FAIL = 1, T_BODY_SKIP = 77 };

/* In a body: fail with a message, formatted like printf. */
#define T_BODY_CHECK(cond, why, len, ...)                                        \
	do {                                                                     \
		if (!(cond)) {                                                   \
			snprintf(why, len, __VA_ARGS__);                         \
			return T_BODY_FAIL;                                      \
		}                                                                \
	} while (0)

/* A test body: runs in the child, so it reports with T_BODY_* (never a
 * cmocka assertion, which would jump into the child's copy of the runner). */
typedef int (*t_etc_body)(void *arg, char *why, size_t len);

/*
 * Run body(arg) in a child whose /etc holds files (NULL-terminated list)
 * and, unless the list names them, nsswitch.conf "hosts: files" (no DNS,
 * ever) and host.conf "multi on" (Debian's, base-files). Without the
 * privilege for a mount namespace, the child makes a user namespace first.
 * The test fails with the body's message, or skips with the reason (printed
 * as a TAP comment) where no namespace can be made or the body skips.
 */
void t_private_etc(const struct t_etc_file *files, t_etc_body body, void *arg);

/* True when ::1 can be bound here (IPv6 on lo). */
bool t_have_ipv6_loopback(void);

/* Print "# SKIP: reason" and skip the test. */
void t_skip_because(const char *reason);

#endif
