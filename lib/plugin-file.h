/* SPDX-License-Identifier: MIT */
/* Internal to the core: finding a transport plugin's file and opening it. */
#ifndef UDO_PLUGIN_FILE_H
#define UDO_PLUGIN_FILE_H

#include <stddef.h>

#include <ltdl.h>

#include "transport.h"

#include "env-names.h"
#define UDO_PLUGIN_PATH_ENV UDO_ENV_PLUGIN_PATH

/* Room for a path as udo_plugin_path_text() writes it. */
#define UDO_PLUGIN_PATH_TEXT 96

/*
 * path quoted for a one-line message (control characters escaped), its
 * middle replaced by "..." when it is long, so that a message keeps the
 * file's name and the reason that follow it. Returns buf.
 */
const char *udo_plugin_path_text(char *buf, size_t len, const char *path);

/*
 * Open the plugin for transport name in dir: dir/name.la, else dir/name.so.
 * Only regular files are opened (a FIFO would block, a directory is no
 * plugin). Returns the handle, with the file that was opened in path (of
 * len bytes), or NULL with a message in vsock naming each file found and
 * why it failed, or saying that neither is there.
 */
lt_dlhandle udo_plugin_open(const char *dir, const char *name, char *path, size_t len,
                            struct udo_vsock_tcp *vsock);

#endif /* UDO_PLUGIN_FILE_H */
