/* SPDX-License-Identifier: MIT */
/* A broken plugin file gets a message that names the file and says why it
 * cannot be loaded, on one line within the error buffer; only regular files
 * are opened (a FIFO of the plugin's name never blocks the process); a
 * broken libtool archive does not hide a good shared object beside it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define PATH_ENV "UDO_VSOCK_TCP_PLUGIN_PATH"

static char real_dir[PATH_MAX];
static char dir[PATH_MAX];   /* this test's plugin directory */
static char file[PATH_MAX + 16];

/* A fresh directory; file is DIR/NAME. */
static int make_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/udo-plugin-errors.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static void set_file(const char *name)
{
	snprintf(file, sizeof(file), "%s/%s", dir, name);
}

static void write_file(const char *name, const void *data, size_t len)
{
	int fd;

	set_file(name);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t) len);
	close(fd);
}

static int remove_dir(void **state)
{
	static const char *const names[] = { "tcp.so", "tcp.la" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		set_file(names[i]);
		if (unlink(file) < 0)
			rmdir(file);
	}
	rmdir(dir);
	setenv(PATH_ENV, real_dir, 1); /* a variable, not a create setting */
	return 0;
}

/* A client create with plugins from plugin_dir: it fails, the message is
 * in the memory returned. */
static void *failed_create(const char *plugin_dir)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	void *mem = test_malloc((size_t) udo_vsock_tcp_get_sizeof());

	setenv(PATH_ENV, plugin_dir, 1); /* a variable, not a create setting */
	assert_null(t_client_create(mem, &ci, 0));
	assert_null(strchr(udo_log_get_error(mem), '\n'));
	return mem;
}

/* The create fails with the message naming DIR/tcp.so and giving why. */
static void assert_refused_because(const char *why)
{
	void *mem = failed_create(dir);
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "load tcp transport from \"%s/tcp.so\": %s", dir, why);
	t_assert_error(mem, ELIBACC, want);
	test_free(mem);
}

static void random_bytes_are_an_invalid_elf_header(void **state)
{
	char junk[4096];

	t_fill(junk, sizeof(junk), 0);
	write_file("tcp.so", junk, sizeof(junk));
	assert_refused_because("invalid ELF header");
}

static void an_empty_file_is_too_short(void **state)
{
	write_file("tcp.so", "", 0);
	assert_refused_because("file too short");
}

static void a_directory_is_not_a_regular_file(void **state)
{
	set_file("tcp.so");
	assert_int_equal(mkdir(file, 0755), 0);
	assert_refused_because("not a regular file (a directory)");
}

static void a_fifo_is_not_opened(void **state)
{
	set_file("tcp.so");
	assert_int_equal(mkfifo(file, 0644), 0);
	alarm(20); /* a blocking open of the FIFO ends the test here */
	assert_refused_because("not a regular file (a FIFO)");
	alarm(0);
}

/* 3,000 characters of "/." components: the message keeps the start and the
 * end of the path, and the reason, within the 512-byte buffer. */
static void a_long_path_keeps_the_reason(void **state)
{
	char path[3200], junk[256], head[64];
	size_t n = (size_t) snprintf(path, sizeof(path), "%s", dir);
	void *mem;
	const char *msg;

	t_fill(junk, sizeof(junk), 1);
	write_file("tcp.so", junk, sizeof(junk));
	while (n < 3000)
		n += (size_t) snprintf(path + n, sizeof(path) - n, "/.");
	mem = failed_create(path);
	msg = udo_log_get_error(mem);
	fprintf(stderr, "# reported: %s\n", msg);
	assert_true(strlen(msg) < 512);
	snprintf(head, sizeof(head), "load tcp transport from \"%.20s", dir);
	t_assert_error(mem, ELIBACC, head);
	t_assert_error(mem, ELIBACC, "...");
	t_assert_error(mem, ELIBACC, "/./tcp.so\": invalid ELF header");
	test_free(mem);
}

/* A newline in the directory's name is written as \n: one line. */
static void a_control_character_in_the_path_is_escaped(void **state)
{
	char sub[PATH_MAX + 8], want[PATH_MAX + 64];   /* dir fits: no truncation */
	void *mem;

	snprintf(sub, sizeof(sub), "%s/a\nb", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	mem = failed_create(sub);
	rmdir(sub);
	snprintf(want, sizeof(want), "from \"%s/a\\nb/tcp\"", dir);
	t_assert_error(mem, ELIBACC, want);
	test_free(mem);
}

/* Last: it loads the tcp plugin, for the rest of the process. */
static void a_broken_archive_does_not_hide_a_good_module(void **state)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = T_CID, .port = 5000 };
	char good[PATH_MAX + 32], junk[300];
	struct udo_vsock_tcp *c;

	t_fill(junk, sizeof(junk), 2);
	write_file("tcp.la", junk, sizeof(junk));
	snprintf(good, sizeof(good), "%s/.libs/tcp.so", real_dir);
	set_file("tcp.so");
	assert_int_equal(symlink(good, file), 0);
	setenv(PATH_ENV, dir, 1); /* a variable, not a create setting */
	c = t_client_create(NULL, &ci, 0);
	assert_non_null(c);
	assert_string_equal(udo_vsock_tcp_get_transport(c), "tcp");
	udo_vsock_tcp_destroy(c);
}

int main(void)
{
	const char *real = getenv(PATH_ENV);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(random_bytes_are_an_invalid_elf_header,
		                                make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(an_empty_file_is_too_short, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_directory_is_not_a_regular_file,
		                                make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_fifo_is_not_opened, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_long_path_keeps_the_reason, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_control_character_in_the_path_is_escaped,
		                                make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_broken_archive_does_not_hide_a_good_module,
		                                make_dir, remove_dir),
	};

	if (!real) {
		fprintf(stderr, "plugin-errors: needs %s\n", PATH_ENV);
		return 1;
	}
	snprintf(real_dir, sizeof(real_dir), "%s", real);
	/* These are the tcp plugin's files; the transport is named in opts. */
	t_use_transport("tcp");
	return T_RUN(tests);
}
