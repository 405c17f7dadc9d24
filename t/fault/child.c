/* SPDX-License-Identifier: MIT */
/* A test case in a child process with the fault shim preloaded: the shim is
 * in no other process, and each child loads the plugins afresh. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common.h"
#include "child.h"

/* With ASan the shim may not come first in the library list: say it is
 * fine (the shim passes every call it does not fail on to ASan's). Unwind
 * fully so that t/fault/lsan.supp can name the function a leak is in. */
static bool under_asan(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool asan = false;

	if (!f)
		return false;
	while (!asan && fgets(line, sizeof(line), f))
		asan = strstr(line, "/libasan.so") != NULL;
	fclose(f);
	return asan;
}

int t_fault_child(const char *self, const char *name, const char *fault,
                  const char *const *env)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		const char *asan = getenv("ASAN_OPTIONS"), *lsan = getenv("LSAN_OPTIONS");
		const char *emulator = getenv("UDO_TEST_EMULATOR");
		char opts[1024];

		dup2(STDERR_FILENO, STDOUT_FILENO); /* the child's TAP goes to the log */
		setenv("LD_PRELOAD", UDO_FAULT_SHIM, 1);
		if (fault)
			setenv("UDO_FAULT", fault, 1);
		setenv("UDO_FAULT_START", "disarmed", 1);
		for (; env && *env; env++)
			putenv((char *) *env);
		if (under_asan()) {
			snprintf(opts, sizeof(opts),
			         "%s%sverify_asan_link_order=0:fast_unwind_on_malloc=0",
			         asan ? asan : "", asan ? ":" : "");
			setenv("ASAN_OPTIONS", opts, 1);
			snprintf(opts, sizeof(opts), "%s%ssuppressions=%s", lsan ? lsan : "",
			         lsan ? ":" : "", UDO_FAULT_LSAN_SUPP);
			setenv("LSAN_OPTIONS", opts, 1);
		}
		/* A cross build's make check runs this program under an emulator
		 * (t/local.mk): so must its child be. */
		if (emulator && *emulator)
			execlp(emulator, emulator, self, "--case", name, (char *) NULL);
		else
			execl(self, self, "--case", name, (char *) NULL);
		fprintf(stderr, "exec %s: %s\n", emulator && *emulator ? emulator : self,
		        strerror(errno));
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("case %s (UDO_FAULT=%s) died of signal %d", name, fault ? fault : "",
		         WTERMSIG(status));
	return WEXITSTATUS(status);
}
