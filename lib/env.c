/* SPDX-License-Identifier: MIT */
/*
 * One pass over environ per create. getenv walks the whole environment
 * for each name, and a create needs three or four names: some 1,000
 * instructions where the socket syscalls of a connect cost a few thousand.
 * Here each variable is looked at once, and all but the library's own are
 * rejected on their first bytes.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "ms.h"
#include "plugin-file.h"
#include "quote.h"
#include "transport.h"

extern char **environ;

#define PREFIX_LEN (sizeof(UDO_ENV_PREFIX) - 1)

/* Names after the prefix, and where each value goes. */
static const struct {
	const char *name;
	size_t len;
	size_t offset;
} known[] = {
#define ENTRY(name, member) { name, sizeof(name) - 1, offsetof(struct udo_env, member) }
	ENTRY("TRANSPORT", transport),
	ENTRY("CONNECT_TIMEOUT_MS", connect_timeout),
	ENTRY("CONNECT_WAIT_MS", connect_wait),
	ENTRY("MAP", map),
	ENTRY("UDS", uds),
#undef ENTRY
};

/* rest: a variable's text after the prefix ("MAP=1=10.0.0.1"). */
static void take(struct udo_env *env, const char *rest)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char **slot = (const char **) ((char *) env + known[i].offset);
		size_t n = known[i].len;

		/* One compare of the first letter rejects most of the others. */
		if (rest[0] != known[i].name[0] || strncmp(rest, known[i].name, n) ||
		    rest[n] != '=')
			continue;
		if (!*slot)
			*slot = rest + n + 1;
		return;
	}
}

void udo_env_read(struct udo_env *env)
{
	char **e;

	memset(env, 0, sizeof(*env));
	if (!environ)
		return;
	for (e = environ; *e; e++) {
		const char *s = *e;

		/* Most variables end here, on their first byte. */
		if (s[0] != 'U' || strncmp(s, UDO_ENV_PREFIX, PREFIX_LEN))
			continue;
		take(env, s + PREFIX_LEN);
	}
}

const char *udo_env_plugin_dir(void)
{
	/* secure_getenv: a setuid program never loads code from the caller's path. */
	return secure_getenv(UDO_PLUGIN_PATH_ENV);
}

int udo_env_ms(struct udo_vsock_tcp *vsock, const char *name, const char *value,
               const char *what, const char *zero_means, unsigned int *ms)
{
	char q[UDO_QUOTE_BUF];

	*ms = 0;
	if (!value || !*value)
		return 0;
	if (udo_parse_ms(value, ms) < 0)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s=\"%s\" is not a %s: use milliseconds, 0 to %d (0: %s)",
		                     name, udo_quote(q, sizeof(q), value), what, INT_MAX,
		                     zero_means);
	return 0;
}
