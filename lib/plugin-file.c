/* SPDX-License-Identifier: MIT */
/*
 * A plugin's file: DIR/NAME.la (the build tree's libtool archive, which
 * names the module beside it), else DIR/NAME.so (an install, where Debian
 * drops the .la). lt_dlopenext tries both but reports "file not found"
 * whatever went wrong, and opens whatever has the name: a FIFO blocks the
 * process. Here each file is looked at first, only a regular file is
 * opened, and the message says which file failed and why.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin-file.h"
#include "quote.h"

/* One failure, for the message: about 140 bytes, so two fit with their paths. */
#define WHY_MAX 140

/* The libtool archive first, as lt_dlopenext does. */
static const char *const extensions[] = { ".la", ".so" };

/* Bytes c takes once quoted. */
static size_t quoted_len(char c)
{
	char piece[8];

	return strlen(udo_quote_n(piece, sizeof(piece), &c, 1, 1));
}

const char *udo_plugin_path_text(char *buf, size_t len, const char *path)
{
	size_t n = strlen(path), total = 0, half, o, t, i;

	for (i = 0; i < n; i++)
		total += quoted_len(path[i]);
	if (total < len || len < 8)
		return udo_quote_n(buf, len, path, n, n);
	/* Head and tail of half the room each, "..." between. */
	half = (len - 4) / 2;
	udo_quote_n(buf, half + 1, path, n, n);
	o = strlen(buf);
	memcpy(buf + o, "...", 4);
	o += 3;
	for (t = n, total = 0; t > 0 && total + quoted_len(path[t - 1]) <= half; t--)
		total += quoted_len(path[t - 1]);
	udo_quote_n(buf + o, len - o, path + t, n - t, n - t);
	return buf;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "of another type";
}

/* text without the path it often starts with ("PATH: invalid ELF header"). */
static void set_reason(char *why, size_t len, const char *path, const char *text)
{
	size_t n = strlen(path);

	if (!strncmp(text, path, n) && !strncmp(text + n, ": ", 2))
		text += n + 2;
	udo_quote_n(why, len, text, strlen(text), len / 2);
}

/*
 * Why lt_dlopen failed on path. libltdl tries each of its loaders in turn
 * and keeps the last one's error, "file not found", for any module: for a
 * shared object, ask the dynamic loader itself, as libltdl's dlopen loader
 * did (a diagnosis only: the module is closed again if it opens now).
 */
static void open_failed(char *why, size_t len, const char *path, bool archive)
{
	const char *text = lt_dlerror();
	void *h;

	if (!archive) {
		dlerror();
		h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
		if (h)
			dlclose(h);
		else if ((text = dlerror()) && *text)
			return set_reason(why, len, path, text);
	}
	if (!text || !*text)
		text = archive ? "not a libtool archive that libltdl can read"
		               : "the dynamic loader gave no reason";
	set_reason(why, len, path, text);
}

/*
 * Open path if it is a regular file. NULL with *found false when there is
 * no such file, or with why set when it is there but cannot be loaded.
 */
static lt_dlhandle open_file(const char *path, bool archive, lt_dladvise advise,
                             bool *found, char *why, size_t len)
{
	struct stat st;
	lt_dlhandle h;

	*found = true;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			*found = false;
		else
			snprintf(why, len, "%s", strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file (%s)", file_kind(st.st_mode));
		return NULL;
	}
	h = lt_dlopenadvise(path, advise);
	if (!h)
		open_failed(why, len, path, archive);
	return h;
}

/* The message for no handle: every file that is there and why it failed. */
static void report(struct udo_vsock_tcp *vsock, const char *dir, const char *name,
                   char why[][WHY_MAX], const bool *found)
{
	char msg[sizeof(vsock->err.buffer)], path[PATH_MAX], text[UDO_PLUGIN_PATH_TEXT];
	size_t i, o = 0;

	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		if (!found[i] || o >= sizeof(msg))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, name, extensions[i]);
		o += (size_t) snprintf(msg + o, sizeof(msg) - o, "%s \"%s\": %s",
		                       o ? "; from" : "from",
		                       udo_plugin_path_text(text, sizeof(text), path), why[i]);
	}
	if (o) {
		udo_ctx_error(vsock, ELIBACC, false, "load %s transport %s", name, msg);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	udo_ctx_error(vsock, ELIBACC, false,
	              "load %s transport from \"%s\"(.la|.so): no such file "
	              "(set %s to the plugin directory)",
	              name, udo_plugin_path_text(text, sizeof(text), path),
	              UDO_PLUGIN_PATH_ENV);
}

lt_dlhandle udo_plugin_open(const char *dir, const char *name, char *path, size_t len,
                            struct udo_vsock_tcp *vsock)
{
	char why[sizeof(extensions) / sizeof(extensions[0])][WHY_MAX];
	bool found[sizeof(extensions) / sizeof(extensions[0])];
	char text[UDO_PLUGIN_PATH_TEXT];
	lt_dlhandle h = NULL;
	lt_dladvise advise;
	size_t i;

	/* Local symbols: every plugin exports the same entry name. */
	if (lt_dladvise_init(&advise) || lt_dladvise_local(&advise)) {
		udo_ctx_error(vsock, ENOMEM, true, "load %s transport", name);
		lt_dladvise_destroy(&advise);
		return NULL;
	}
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]) && !h; i++) {
		if ((size_t) snprintf(path, len, "%s/%s%s", dir, name, extensions[i]) >= len) {
			udo_ctx_error(vsock, ENAMETOOLONG, true, "load %s transport from \"%s\"",
			              name, udo_plugin_path_text(text, sizeof(text), dir));
			lt_dladvise_destroy(&advise);
			return NULL;
		}
		why[i][0] = '\0';
		h = open_file(path, i == 0, advise, &found[i], why[i], sizeof(why[i]));
	}
	lt_dladvise_destroy(&advise);
	if (!h)
		report(vsock, dir, name, why, found);
	return h;
}
