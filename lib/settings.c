/* SPDX-License-Identifier: MIT */
/*
 * A create's settings: each from the create's options when given there,
 * else from its environment variable (unless UDO_VSOCK_TCP_OPT_NO_ENV),
 * else the default. A variable is neither read nor checked for a setting
 * the options give, and a message about a value names where it came from
 * ("opts.transport" or "UDO_VSOCK_TCP_TRANSPORT").
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "settings.h"

/* Past this, a size is no struct a program compiled (the kernel's clone3
 * refuses sizes above a page the same way). */
#define OPTS_SIZE_MAX 4096u

#define KNOWN_FLAGS (UDO_VSOCK_TCP_OPT_NO_ENV | UDO_VSOCK_TCP_OPT_NONBLOCK)

/* size and flags: the struct is one this library can read whole. */
static int check_opts(struct udo_vsock_tcp *vsock, const struct udo_vsock_tcp_opts *opts,
                      const char *func)
{
	const unsigned char *extra = (const unsigned char *) opts + sizeof(*opts);
	size_t i;

	if (opts->size < sizeof(*opts))
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s: opts.size is %zu, below the %zu bytes of struct "
		                     "udo_vsock_tcp_opts: start from UDO_VSOCK_TCP_OPTS_INIT",
		                     func, opts->size, sizeof(*opts));
	if (opts->size > OPTS_SIZE_MAX)
		return udo_ctx_error(vsock, E2BIG, false,
		                     "%s: opts.size is %zu, more than any struct "
		                     "udo_vsock_tcp_opts (%u bytes at most)",
		                     func, opts->size, OPTS_SIZE_MAX);
	for (i = 0; i < opts->size - sizeof(*opts); i++)
		if (extra[i])
			return udo_ctx_error(vsock, E2BIG, false,
			                     "%s: opts sets fields this library does not know "
			                     "(byte %zu of %zu is not zero): the program was built "
			                     "against a newer <udo/vsock-tcp.h>",
			                     func, sizeof(*opts) + i, opts->size);
	if (opts->flags & ~KNOWN_FLAGS)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s: opts.flags 0x%x has bits this library does not know "
		                     "(0x%x): use UDO_VSOCK_TCP_OPT_NO_ENV and "
		                     "UDO_VSOCK_TCP_OPT_NONBLOCK", func, opts->flags,
		                     opts->flags & ~KNOWN_FLAGS);
	return 0;
}

/* The transport asked for: a udo_transport_id, UDO_TRANSPORT_AUTO
 * (also for unset or empty), or -EINVAL recorded. */
static int transport_mode(struct udo_vsock_tcp *vsock, const char *name, const char *want)
{
	char q[UDO_QUOTE_BUF], list[64];
	const char *n;
	size_t used = 0;
	unsigned int id;

	if (!want || !*want || !strcmp(want, "auto"))
		return UDO_TRANSPORT_AUTO;
	for (id = 0; (n = udo_vsock_tcp_transport_name(id)); id++)
		if (!strcmp(want, n))
			return (int) id;
	/* The list only for the message: an snprintf per name passed on the
	 * way to a match cost a create some 1,700 instructions. */
	for (id = 0; (n = udo_vsock_tcp_transport_name(id)); id++)
		used += (size_t) snprintf(list + used, sizeof(list) - used, "%s%s",
		                          id ? ", " : "", n);
	return udo_ctx_error(vsock, EINVAL, false,
	                     "%s=\"%s\" is not a transport: use %s or auto",
	                     name, udo_quote(q, sizeof(q), want), list);
}

/* A milliseconds field of opts: 0 to INT_MAX. */
static int opts_ms(struct udo_vsock_tcp *vsock, const char *name, unsigned int value,
                   unsigned int *ms)
{
	if (value > INT_MAX)
		return udo_ctx_error(vsock, EINVAL, false,
		                     "%s=%u is out of range: use milliseconds, 0 to %d", name,
		                     value, INT_MAX);
	*ms = value;
	return 0;
}

/* The connect timeout and wait; none for a non-blocking context. */
static int resolve_ms(struct udo_vsock_tcp *vsock, const struct udo_vsock_tcp_opts *o,
                      const struct udo_env *env)
{
	int r;

	if (o->flags & UDO_VSOCK_TCP_OPT_NONBLOCK) {
		if (!o->connect_timeout_ms && !o->connect_wait_ms)
			return 0;
		return udo_ctx_error(vsock, EINVAL, false,
		                     "opts.%s=%u with UDO_VSOCK_TCP_OPT_NONBLOCK: a "
		                     "non-blocking context's event loop keeps the time",
		                     o->connect_timeout_ms ? "connect_timeout_ms" : "connect_wait_ms",
		                     o->connect_timeout_ms ? o->connect_timeout_ms : o->connect_wait_ms);
	}
	if (o->connect_timeout_ms)
		r = opts_ms(vsock, "opts.connect_timeout_ms", o->connect_timeout_ms,
		            &vsock->connect_timeout_ms);
	else
		r = udo_env_ms(vsock, UDO_ENV_CONNECT_TIMEOUT, env->connect_timeout,
		               "connect timeout", "the transport's default",
		               &vsock->connect_timeout_ms);
	if (r < 0)
		return r;
	if (o->connect_wait_ms)
		return opts_ms(vsock, "opts.connect_wait_ms", o->connect_wait_ms,
		               &vsock->connect_wait_ms);
	return udo_env_ms(vsock, UDO_ENV_CONNECT_WAIT, env->connect_wait, "connect wait",
	                  "one attempt", &vsock->connect_wait_ms);
}

/*
 * The maps into the context, copied: the environment may change and opts
 * may be freed once the create returns. One allocation for both, none
 * when neither is set.
 */
static int copy_maps(struct udo_vsock_tcp *vsock, const char *map, const char *uds)
{
	size_t m = map ? strlen(map) + 1 : 0, u = uds ? strlen(uds) + 1 : 0;

	if (!m && !u)
		return 0;
	vsock->copies = malloc(m + u);
	if (!vsock->copies)
		return udo_ctx_error(vsock, ENOMEM, true, "keep the create's settings");
	if (map)
		vsock->tcp_map = memcpy(vsock->copies, map, m);
	if (uds)
		vsock->hybrid_uds = memcpy(vsock->copies + m, uds, u);
	return 0;
}

int udo_settings_resolve(struct udo_vsock_tcp *vsock, const struct udo_vsock_tcp_opts *opts,
                         int *mode, const char *func)
{
	static const struct udo_vsock_tcp_opts none = UDO_VSOCK_TCP_OPTS_INIT;
	const struct udo_vsock_tcp_opts *o = opts ? opts : &none;
	struct udo_env env;
	int r;

	if (opts && (r = check_opts(vsock, opts, func)) < 0)
		return r;
	if (o->flags & UDO_VSOCK_TCP_OPT_NO_ENV)
		memset(&env, 0, sizeof(env));
	else
		udo_env_read(&env);
	vsock->flags = o->flags;
	r = resolve_ms(vsock, o, &env);
	if (r < 0)
		return r;
	*mode = o->transport ? transport_mode(vsock, "opts.transport", o->transport)
	                     : transport_mode(vsock, UDO_ENV_TRANSPORT, env.transport);
	if (*mode < UDO_TRANSPORT_AUTO)
		return *mode;
	vsock->tcp_map_name = o->tcp_map ? "opts.tcp_map" : UDO_ENV_MAP;
	vsock->hybrid_uds_name = o->hybrid_uds ? "opts.hybrid_uds" : UDO_ENV_UDS;
	return copy_maps(vsock, o->tcp_map ? o->tcp_map : env.map,
	                 o->hybrid_uds ? o->hybrid_uds : env.uds);
}
