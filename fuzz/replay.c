/* SPDX-License-Identifier: MIT */
/*
 * Replay a fuzz corpus through its harness without libFuzzer, as a TAP test:
 * every input the fuzzer ever kept (fuzz/corpus/NAME/) stays a regression
 * test under `make check`, and under ASan/UBSan in the sanitizer build.
 * The harness aborts on a broken promise; a crash fails the test.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	buf = malloc((size_t) len + 1);
	if (!buf || fread(buf, 1, (size_t) len, f) != (size_t) len)
		goto fail;
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t) len);
	free(buf);
	return 0;
fail:
	if (f)
		fclose(f);
	free(buf);
	return -1;
}

int main(void)
{
	const char *dir = FUZZ_CORPUS_DIR;
	struct dirent **names;
	char path[4096];
	int n, i, t = 0, failed = 0;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		printf("1..0 # SKIP no corpus in %s\n", dir);
		return 0;
	}
	for (i = 0; i < n; i++)
		t += names[i]->d_name[0] != '.';
	printf("1..%d\n", t);
	fflush(stdout);
	for (i = 0, t = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if (replay(path) < 0) {
				printf("not ok %d - %s: cannot read it\n", ++t, names[i]->d_name);
				failed++;
			} else {
				printf("ok %d - %s\n", ++t, names[i]->d_name);
			}
			fflush(stdout);
		}
		free(names[i]);
	}
	free(names);
	return failed ? 1 : 0;
}
