/* SPDX-License-Identifier: MIT */
/* What cli/endpoint.c (listeners) and cli/target.c (connects) share: the
 * library contexts of an endpoint. */
#ifndef UDO_CLI_ENDPOINT_CTX_H
#define UDO_CLI_ENDPOINT_CTX_H

#include <stddef.h>

#include <udo/vsock-tcp.h>

#include "addr.h"

/* A context in memory of our own (calloc'd), or NULL with err. */
struct udo_vsock_tcp *udo_cli_ctx_alloc(char *err, size_t errlen);

/* The library's message for a failed call on ctx, with a fallback: -1. */
int udo_cli_ctx_fail(const struct udo_vsock_tcp *ctx, const char *what, char *err,
                     size_t errlen);

void udo_cli_ctx_free(struct udo_vsock_tcp *ctx);

/*
 * The library's options for an address of a library kind: its own
 * transport (NULL for a vsock: one without --transport: the library's
 * choice, its variable as the user set it) and type; a hybrid address
 * maps its CID to its socket in map. Only what the command line says:
 * every other setting stays the library's (its variables, its defaults).
 */
void udo_cli_lib_opts(struct udo_vsock_tcp_opts *o, const struct udo_cli_addr *a,
                      char *map, size_t maplen);

#endif /* UDO_CLI_ENDPOINT_CTX_H */
