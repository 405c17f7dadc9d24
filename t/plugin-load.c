/* SPDX-License-Identifier: MIT */
/* Transport plugins: a missing plugin, one of the wrong ABI version and one
 * without the entry symbol are refused with a clear error; a failure is not
 * remembered, so the right directory works afterwards. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "transport.h"

#define PATH_ENV "UDO_VSOCK_TCP_PLUGIN_PATH"

static char real_dir[PATH_MAX];
static char fake_dir[PATH_MAX]; /* t/fake, beside this program */

static int restore(void **state)
{
	setenv(PATH_ENV, real_dir, 1); /* a variable, not a create setting */
	return 0;
}

static void *try_client(const char *dir)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());

	setenv(PATH_ENV, dir, 1); /* a variable, not a create setting */
	assert_null(t_client_create(mem, &ci, 0));
	return mem;
}

static void missing_plugin_directory_is_reported(void **state)
{
	void *mem = try_client("/nonexistent/udo-plugins");

	t_assert_error(mem, ELIBACC,
	               "load tcp transport from \"/nonexistent/udo-plugins/tcp\"(.la|.so)");
	t_assert_error(mem, ELIBACC, PATH_ENV);
	test_free(mem);
}

static void plugin_of_another_abi_version_is_refused(void **state)
{
	char dir[PATH_MAX + 16], needs[64], has[64];
	void *mem;

	snprintf(dir, sizeof(dir), "%s/wrong-abi", fake_dir);
	mem = try_client(dir);
	snprintf(has, sizeof(has), "plugin ABI version %u,", UDO_TRANSPORT_ABI_VERSION - 1);
	t_assert_error(mem, ELIBBAD, has);
	snprintf(needs, sizeof(needs), "needs version %u", UDO_TRANSPORT_ABI_VERSION);
	t_assert_error(mem, ELIBBAD, needs);
	test_free(mem);
}

static void module_without_entry_symbol_is_refused(void **state)
{
	char dir[PATH_MAX + 16];
	void *mem;

	snprintf(dir, sizeof(dir), "%s/no-entry", fake_dir);
	mem = try_client(dir);
	t_assert_error(mem, ELIBBAD, "udo_vsock_tcp_transport_entry");
	test_free(mem);
}

static void failed_load_is_retried_with_the_right_directory(void **state)
{
	struct udo_vsock_tcp *s;
	void *mem = try_client("/nonexistent/udo-plugins");

	test_free(mem);
	setenv(PATH_ENV, real_dir, 1); /* a variable, not a create setting */
	s = t_server();
	assert_string_equal(udo_vsock_tcp_get_transport(s), "tcp");
	udo_vsock_tcp_destroy(s);
}

static void failed_loads_leak_no_fd(void **state)
{
	int before = t_count_fds(), i;
	char dir[PATH_MAX + 16];

	snprintf(dir, sizeof(dir), "%s/wrong-abi", fake_dir);
	for (i = 0; i < 50; i++)
		test_free(try_client(i % 2 ? dir : "/nonexistent/udo-plugins"));
	assert_int_equal(t_count_fds(), before);
}

int main(void)
{
	const char *dir = getenv(PATH_ENV);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(missing_plugin_directory_is_reported, restore),
		cmocka_unit_test_teardown(plugin_of_another_abi_version_is_refused, restore),
		cmocka_unit_test_teardown(module_without_entry_symbol_is_refused, restore),
		cmocka_unit_test_teardown(failed_loads_leak_no_fd, restore),
		cmocka_unit_test_teardown(failed_load_is_retried_with_the_right_directory, restore),
	};

	if (!dir || n <= 0) {
		fprintf(stderr, "plugin-load: needs %s and /proc/self/exe\n", PATH_ENV);
		return 1;
	}
	self[n] = '\0';
	snprintf(real_dir, sizeof(real_dir), "%s", dir);
	snprintf(fake_dir, sizeof(fake_dir), "%s/fake", dirname(self));
	/* These are the tcp plugin's files; the transport is named in opts. */
	t_use_transport("tcp");
	return T_RUN(tests);
}
