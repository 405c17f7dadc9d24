/* SPDX-License-Identifier: MIT */
/*
 * Transport plugins: found in $(pkglibdir) or UDO_VSOCK_TCP_PLUGIN_PATH,
 * opened with libltdl, checked for the ABI version, kept for the life of the
 * process. The table of loaded transports is the library's only mutable
 * global state; one lock guards libltdl (whose own state is global) and the
 * table is read without the lock once published.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ltdl.h>

#include "core.h"
#include "plugin-file.h"

#define UDO_CARRIES_ALL (UDO_CARRIES_STREAM | UDO_CARRIES_SEQPACKET)

/* The one list of the transports' names (lib/core.h). */
static const char *const transport_names[] = { UDO_TRANSPORT_NAMES };

static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ltdl_ready;
static _Atomic(const struct udo_transport *) loaded[UDO_TRANSPORT_COUNT];

UDO_API const char *udo_vsock_tcp_transport_name(unsigned int index)
{
	return index < UDO_TRANSPORT_COUNT ? transport_names[index] : NULL;
}

static const char *plugin_dir(void)
{
	const char *dir = udo_env_plugin_dir();

	return (dir && *dir) ? dir : UDO_PLUGIN_DIR;
}

static bool table_complete(const struct udo_transport *t)
{
	return t->name && t->carries && !(t->carries & ~UDO_CARRIES_ALL) &&
	       t->server_create && t->client_create && t->client_connect &&
	       t->server_accept && t->client_reachable;
}

/* Called with loader_lock held. Returns the table or NULL with the error set. */
static const struct udo_transport *open_plugin(udo_transport_id id,
                                               struct udo_vsock_tcp *vsock)
{
	const char *name = transport_names[id];
	const struct udo_transport *table;
	char path[PATH_MAX], text[UDO_PLUGIN_PATH_TEXT];
	udo_transport_entry_fn entry;
	lt_dlhandle handle;

	if (!ltdl_ready) {
		if (lt_dlinit() != 0) {
			udo_ctx_error(vsock, ELIBACC, false,
			              "load %s transport: libltdl failed to start: %s",
			              name, lt_dlerror());
			/* lt_dlinit counts a failed start as a start: a second call
			 * would return 0 with no loaders and crash in lt_dlopen.
			 * Undo it so the next create starts libltdl afresh. */
			lt_dlexit();
			return NULL;
		}
		ltdl_ready = true;
	}
	handle = udo_plugin_open(plugin_dir(), name, path, sizeof(path), vsock);
	if (!handle)
		return NULL;
	udo_plugin_path_text(text, sizeof(text), path);

	entry = (udo_transport_entry_fn) lt_dlsym(handle, UDO_TRANSPORT_ENTRY);
	table = entry ? entry() : NULL;
	if (!table) {
		udo_ctx_error(vsock, ELIBBAD, false,
		              "load %s transport from \"%s\": no %s() table in the plugin",
		              name, text, UDO_TRANSPORT_ENTRY);
	} else if (table->abi_version != UDO_TRANSPORT_ABI_VERSION) {
		udo_ctx_error(vsock, ELIBBAD, false,
		              "load %s transport from \"%s\": plugin ABI version %u, "
		              "this library needs version %u",
		              name, text, table->abi_version, UDO_TRANSPORT_ABI_VERSION);
		table = NULL;
	} else if (!table_complete(table) || strcmp(table->name, name)) {
		udo_ctx_error(vsock, ELIBBAD, false,
		              "load %s transport from \"%s\": the plugin's table is "
		              "incomplete (an operation missing, or no socket type it "
		              "carries) or names another transport",
		              name, text);
		table = NULL;
	}
	if (!table) {
		lt_dlclose(handle);
		return NULL;
	}
	/* The handle stays open for the life of the process. */
	return table;
}

const struct udo_transport *udo_transport_load(udo_transport_id id,
                                               struct udo_vsock_tcp *vsock)
{
	const struct udo_transport *t;

	t = atomic_load_explicit(&loaded[id], memory_order_acquire);
	if (t)
		return t;

	pthread_mutex_lock(&loader_lock);
	t = atomic_load_explicit(&loaded[id], memory_order_relaxed);
	if (!t) {
		/* A failure is not cached: a later call may find the plugin. */
		t = open_plugin(id, vsock);
		if (t)
			atomic_store_explicit(&loaded[id], t, memory_order_release);
	}
	pthread_mutex_unlock(&loader_lock);
	return t;
}
