# The library's manual (issue 14): a section-3 page for every exported
# function, grouped where they belong together, with a one-line .so page for
# each other name so `man 3 NAME` works; and udo-vsock-tcp(7), the overview.
# t/man-pages checks them in `make check`: every symbol of the version
# script has a page, every page lints clean (mandoc and groff), and every
# EXAMPLES program compiles against the build tree and runs.

# Pages: the file named after the first function holds the text.
MAN3_PAGES = \
	man/udo_vsock_tcp_server_create.3 \
	man/udo_vsock_tcp_server_accept.3 \
	man/udo_vsock_tcp_client_connect.3 \
	man/udo_vsock_tcp_set_connect_timeout.3 \
	man/udo_vsock_tcp_set_connect_wait.3 \
	man/udo_vsock_tcp_send_data.3 \
	man/udo_vsock_tcp_get_fd.3 \
	man/udo_vsock_tcp_get_local_vcid.3 \
	man/udo_log_get_error.3 \
	man/udo_log_set_level.3 \
	man/udo_vsock_tcp_create_opts.3 \
	man/udo_vsock_tcp_get_poll_events.3
# Links: ".so man3/PAGE.3" (dh_installman makes them symlinks).
MAN3_LINKS = \
	man/udo_vsock_tcp_client_create.3 \
	man/udo_vsock_tcp_destroy.3 \
	man/udo_vsock_tcp_get_sizeof.3 \
	man/udo_vsock_tcp_recv_data.3 \
	man/udo_vsock_tcp_client_send_data.3 \
	man/udo_vsock_tcp_get_vcid.3 \
	man/udo_vsock_tcp_get_port.3 \
	man/udo_vsock_tcp_get_transport.3 \
	man/udo_log_get_error_code.3 \
	man/udo_log_set_write_fd.3 \
	man/udo_vsock_tcp_server_create_opts.3 \
	man/udo_vsock_tcp_client_create_opts.3 \
	man/udo_vsock_tcp_transport_name.3

# The 0.3 API (CONTRACT.md, "New in 0.3"), written from the contract while
# the functions are being written: distributed, but neither installed nor
# checked yet. The coordinator enables them once the functions are on main,
# by adding $(MAN3_0_3) to MAN3 below (t/man-pages then fails for each 0.3
# symbol until it is).
MAN3_0_3 = \
	man/udo_vsock_tcp_server_create_type.3 \
	man/udo_vsock_tcp_client_create_type.3 \
	man/udo_vsock_tcp_get_type.3

MAN3 = $(MAN3_PAGES) $(MAN3_LINKS) $(MAN3_0_3)
dist_man3_MANS = $(MAN3)
dist_man7_MANS = man/udo-vsock-tcp.7
EXTRA_DIST += $(MAN3_0_3)

# The test: t/man-pages.sh with the trees, the compiler and the list of
# pages written in (like t/debian, a file of the build tree).
# After an install (make installcheck, and so make distcheck): every page
# is where man(1) looks.
installcheck-local: installcheck-man
installcheck-man:
	@for f in $(MAN3); do \
	  test -f "$(DESTDIR)$(man3dir)/`basename $$f`" || { echo "not installed: $$f" >&2; exit 1; }; \
	done
	test -f '$(DESTDIR)$(man7dir)/udo-vsock-tcp.7'
.PHONY: installcheck-man
