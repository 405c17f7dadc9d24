/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz corpus through its LLVMFuzzerTestOneInput without libFuzzer,
 * as a TAP test: one line per input file. A broken promise aborts the run.
 * Arguments: files or directories; default FUZZ_CORPUS.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char names[4096][512];
static size_t count;

static void collect(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		if (count < 4096)
			snprintf(names[count++], sizeof(names[0]), "%s", path);
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && count < 4096)
			snprintf(names[count++], sizeof(names[0]), "%s/%s", path, e->d_name);
	closedir(d);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int main(int argc, char **argv)
{
	static uint8_t buf[65536];
	size_t i, n;
	int a;

	if (argc < 2)
		collect(FUZZ_CORPUS);
	for (a = 1; a < argc; a++)
		collect(argv[a]);
	qsort(names, count, sizeof(names[0]), by_name);
	printf("1..%zu\n", count ? count : 1);
	if (!count) {
		printf("not ok 1 - no corpus found in %s\n", FUZZ_CORPUS);
		return 1;
	}
	for (i = 0; i < count; i++) {
		FILE *f = fopen(names[i], "rb");

		if (!f) {
			printf("not ok %zu - %s: cannot open\n", i + 1, names[i]);
			continue;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, n);
		printf("ok %zu - %s\n", i + 1, strrchr(names[i], '/') ? strrchr(names[i], '/') + 1 : names[i]);
	}
	return 0;
}
