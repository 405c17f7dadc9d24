/* SPDX-License-Identifier: MIT */
/*
 * Written the way libudo's own tests are: "log.h" and "vsock-tcp.h" from
 * -I<includedir>/udo, a flags argument of 0, a forked client. Proves that
 * such programs compile unchanged, that the library is silent unless the
 * program raises the log level, and that raised, errors go to the chosen fd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "log.h"
#include "vsock-tcp.h"

static int refused_port(void)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 1, .port = -1, .connections = 1 };
	struct udo_vsock_tcp *s = udo_vsock_tcp_server_create(NULL, &si);
	int port;

	assert_non_null(s);
	port = udo_vsock_tcp_get_port(s);
	udo_vsock_tcp_destroy(s);
	return port;
}

/* Cause a create error and a connect error; return what landed in a file
 * that stands in for the log fd (and for stderr). */
static char *errors_written(int fd_for_log, bool redirect_stderr)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 1, .port = refused_port() };
	struct udo_vsock_tcp_client_create_info bad = { .vcid = 1, .port = -1 };
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO), fd = fileno(f);
	struct udo_vsock_tcp *c;
	static char out[4096];
	ssize_t n;

	if (redirect_stderr)
		dup2(fd, STDERR_FILENO);
	udo_log_set_write_fd(fd_for_log < 0 ? fd_for_log : fd);
	assert_null(udo_vsock_tcp_client_create(NULL, &bad));
	c = udo_vsock_tcp_client_create(NULL, &ci);
	assert_non_null(c);
	assert_int_equal(udo_vsock_tcp_client_connect(c), -1);
	udo_vsock_tcp_destroy(c);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	fclose(f);
	udo_log_set_write_fd(-1);
	return out;
}

static void library_is_silent_by_default(void **state)
{
	assert_string_equal(errors_written(-1, true), "");
}

static void raised_level_writes_errors_to_the_chosen_fd(void **state)
{
	char *out;

	udo_log_set_level(UDO_LOG_ALL);
	out = errors_written(0, false);
	udo_log_set_level(UDO_LOG_NONE);
	assert_non_null(strstr(out, "connect to"));
	assert_non_null(strstr(out, "1:-1"));
	assert_true(strstr(out, strerror(ECONNREFUSED)) || strstr(out, strerror(ECONNRESET)));
}

static void raised_level_defaults_to_stderr(void **state)
{
	char *out;

	udo_log_set_level(UDO_LOG_ERROR);
	out = errors_written(-1, true);
	udo_log_set_level(UDO_LOG_NONE);
	assert_non_null(strstr(out, "connect to"));
}

static void level_back_to_none_is_silent_again(void **state)
{
	udo_log_set_level(UDO_LOG_ALL);
	udo_log_set_level(UDO_LOG_NONE);
	assert_string_equal(errors_written(0, true), "");
}

static void client_sends(int port)
{
	struct udo_vsock_tcp_client_create_info ci = { .vcid = 1, .port = port };
	struct udo_vsock_tcp *client = udo_vsock_tcp_client_create(NULL, &ci);
	char buffer[512];

	if (!client || udo_vsock_tcp_client_connect(client) != 0)
		_exit(1);
	memset(buffer, 'T', sizeof(buffer));
	if (udo_vsock_tcp_client_send_data(client, buffer, sizeof(buffer), 0) != sizeof(buffer))
		_exit(2);
	udo_vsock_tcp_destroy(client);
	_exit(0);
}

static void libudo_style_fork_send_recv(void **state)
{
	struct udo_vsock_tcp_server_create_info si = { .vcid = 1, .port = -1, .connections = 1 };
	struct udo_vsock_tcp *server = udo_vsock_tcp_server_create(NULL, &si);
	char buffer[512], got[512];
	int client_sock, status;
	pid_t pid;

	assert_non_null(server);
	pid = fork();
	if (pid == 0) {
		int port = udo_vsock_tcp_get_port(server);

		/* The child's copy of the server is not the child's to keep. */
		udo_vsock_tcp_destroy(server);
		client_sends(port);
	}
	client_sock = udo_vsock_tcp_server_accept(server, NULL);
	assert_int_not_equal(client_sock, -1);
	memset(buffer, 'T', sizeof(buffer));
	assert_int_equal(udo_vsock_tcp_recv_data(client_sock, got, sizeof(got), &(int){ MSG_WAITALL }),
	                 sizeof(got));
	assert_memory_equal(buffer, got, sizeof(buffer));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(client_sock);
	udo_vsock_tcp_destroy(server);
}

static void context_starts_with_the_udo_error_struct(void **state)
{
	struct udo_vsock_tcp_client_create_info bad = { .vcid = 1, .port = -1 };
	struct udo_log_error_struct *err = malloc((size_t) udo_vsock_tcp_get_sizeof());

	/* libudo code reads errors through the struct at the context's start. */
	assert_null(udo_vsock_tcp_client_create((struct udo_vsock_tcp *) err, &bad));
	assert_int_equal(err->code, EINVAL);
	assert_int_equal(udo_log_get_error_code(err), EINVAL);
	assert_ptr_equal(udo_log_get_error(err), err->buffer);
	assert_non_null(strstr(err->buffer, "port"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(library_is_silent_by_default),
		cmocka_unit_test(raised_level_writes_errors_to_the_chosen_fd),
		cmocka_unit_test(raised_level_defaults_to_stderr),
		cmocka_unit_test(level_back_to_none_is_silent_again),
		cmocka_unit_test(libudo_style_fork_send_recv),
		cmocka_unit_test(context_starts_with_the_udo_error_struct),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
