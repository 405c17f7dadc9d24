# udo-vsock: the command-line tool (cli/), its man page, its tests (t/cli-*)
# and its relay benchmark (make bench-relay).

bin_PROGRAMS = udo-vsock
udo_vsock_SOURCES = cli/errbuf.h \
	cli/main.c cli/cli.h cli/options.c cli/options.h \
	cli/say.c cli/say.h \
	cli/startup.c cli/startup.h \
	cli/commands.c cli/commands.h \
	cli/addr.c cli/addr.h \
	cli/endpoint.c cli/endpoint.h cli/endpoint-ctx.h cli/target.c \
	cli/stream.c cli/stream.h \
	cli/message.c cli/message.h \
	cli/repeat.c cli/repeat.h cli/allow.c cli/allow.h \
	cli/relay.c cli/relay.h cli/relay-int.h cli/relay-conn.c cli/relay-connect.c \
	cli/relay-pool.c cli/relay-resolve.c cli/relay-stats.c cli/relay-handoff.c \
	cli/relay-guard.c cli/transports.c cli/transports.h
# An installed program: the library from $(libdir), not the test suite's
# -no-install build-tree link and test helpers (t/local.mk's defaults).
udo_vsock_LDADD = libudo-vsock-tcp.la shared/libshared.la $(PTHREAD_LIBS)
udo_vsock_LDFLAGS =

man1_MANS = cli/udo-vsock.1
EXTRA_DIST += cli/udo-vsock.1

# The relay benchmark: not a test (it measures, it does not judge). Run with
#   make bench-relay [BENCH_RELAY_FLAGS='-n 2048 -r 7 -c 9990']
# (-n MiB per stream, -r rounds, -c idle connections held, -s of them
# through socat, -o connections opened per round, -p parallel streams).
# Built with the tests: t/cli-bench-relay runs it at tiny sizes.
check_PROGRAMS += cli/bench-relay
cli_bench_relay_SOURCES = cli/bench-relay.c cli/bench-relay.h cli/bench-relay-ends.c \
	cli/bench-relay-echo.c cli/bench-relay-floor.c cli/bench-relay-proc.c \
	cli/bench-relay-scale.c
cli_bench_relay_LDADD = libudo-vsock-tcp.la $(PTHREAD_LIBS)
cli_bench_relay_LDFLAGS = -no-install
BENCH_RELAY_FLAGS =

bench-relay: udo-vsock$(EXEEXT) cli/bench-relay$(EXEEXT) $(pkglib_LTLIBRARIES)
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins' \
	  ./cli/bench-relay $(BENCH_RELAY_FLAGS) ./udo-vsock \
	  `command -v socat || true`
.PHONY: bench-relay

# The same in the guest of make check-vm (vm/run), where CID 1 is real
# vsock: the vsock rows go over AF_VSOCK. The guest is emulated (TCG) and
# small (its hard fd limit is 4096): sizes to match, and its own time
# bound. The figures end up in vm-bench-relay/ and on the terminal.
BENCH_RELAY_VM_ARGS = -n 64 -r 3 -c 1000 -s 200 -o 200 -p 4
EXTRA_DIST += cli/bench-relay-vm.sh
noinst_SCRIPTS += cli/bench-relay-vm
CLEANFILES += cli/bench-relay-vm
cli/bench-relay-vm: $(srcdir)/cli/bench-relay-vm.sh
	$(AM_V_GEN)$(MKDIR_P) cli && cp $(srcdir)/cli/bench-relay-vm.sh $@.tmp && \
	chmod +x $@.tmp && mv -f $@.tmp $@
.PHONY: bench-relay-vm
bench-relay-vm: udo-vsock$(EXEEXT) cli/bench-relay$(EXEEXT) cli/bench-relay-vm all-am
	$(AM_V_at)UDO_VM_ENV_BEFORE=`env`; export UDO_VM_ENV_BEFORE; \
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins'; \
	export UDO_VSOCK_TCP_PLUGIN_PATH; \
	BENCH_RELAY_VM_ARGS='$(BENCH_RELAY_VM_ARGS)'; export BENCH_RELAY_VM_ARGS; \
	UDO_VM_TRANSPORTS=vsock UDO_VM_TEST_TIMEOUT=$${UDO_VM_TEST_TIMEOUT:-1500} \
	UDO_VM_MEMORY=$${UDO_VM_MEMORY:-1G} \
	  $(VM_RUN) '$(abs_top_builddir)/vm-bench-relay' -- cli/bench-relay-vm; \
	status=$$?; find vm-bench-relay -name '*.log' -exec cat {} +; \
	exit $$status
clean-local: clean-bench-relay-vm
clean-bench-relay-vm:
	-rm -rf vm-bench-relay

# Tests: TAP shell scripts driving the udo-vsock built here, with a small
# library program (t/cli-echo) on the other end and socat as a stranger.
# Each test t/cli-NAME is written by make from t/cli-lib.sh (the helpers)
# and t/cli-NAME.sh (the tests), with the build tree's paths in: a test is
# a file of the build tree, complete in itself, as `make check-vm` needs
# (it copies the build tree into its guest, where the source tree is absent).
# Built by `make`, like the programs check-vm runs.
check_PROGRAMS += t/cli-echo
t_cli_echo_SOURCES = t/cli-echo.c
t_cli_echo_LDADD = libudo-vsock-tcp.la $(PTHREAD_LIBS)
t_cli_echo_LDFLAGS = -no-install
# Both ends of the relay's tests at scale and with hostile peers
# (t/cli-relay-ops.sh, t/cli-relay-hostile.sh): plain sockets.
check_PROGRAMS += t/relay-peer
t_relay_peer_SOURCES = t/relay-peer.c
t_relay_peer_LDFLAGS = -no-install

CLI_TESTS = t/cli-usage t/cli-stream t/cli-relay t/cli-socat t/cli-stdio t/cli-timeout \
	t/cli-options t/cli-bench-relay t/cli-allow-from t/cli-vsock-unix \
	t/cli-relay-ops t/cli-relay-names t/cli-relay-hostile
TESTS += $(CLI_TESTS)
noinst_SCRIPTS += $(CLI_TESTS)
CLEANFILES += $(CLI_TESTS)
EXTRA_DIST += t/cli-gen.sh t/cli-lib.sh t/cli-usage.sh t/cli-stream.sh t/cli-relay.sh t/cli-socat.sh \
	t/cli-stdio.sh t/cli-timeout.sh t/cli-options.sh t/cli-bench-relay.sh \
	t/cli-allow-from.sh t/cli-vsock-unix.sh t/cli-relay-ops.sh t/cli-relay-names.sh \
	t/cli-relay-hostile.sh

cli_test_gen = $(AM_V_GEN)$(MKDIR_P) t && \
	$(SHELL) $(srcdir)/t/cli-gen.sh '$(srcdir)' '$(abs_top_builddir)' '$(EXEEXT)' \
	  '$@' > $@.tmp && chmod +x $@.tmp && mv -f $@.tmp $@
CLI_TEST_DEPS = $(srcdir)/t/cli-lib.sh $(srcdir)/t/cli-gen.sh Makefile
t/cli-usage: $(srcdir)/t/cli-usage.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-stream: $(srcdir)/t/cli-stream.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-relay: $(srcdir)/t/cli-relay.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-socat: $(srcdir)/t/cli-socat.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-stdio: $(srcdir)/t/cli-stdio.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-timeout: $(srcdir)/t/cli-timeout.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-options: $(srcdir)/t/cli-options.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-bench-relay: $(srcdir)/t/cli-bench-relay.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-allow-from: $(srcdir)/t/cli-allow-from.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-vsock-unix: $(srcdir)/t/cli-vsock-unix.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

# --allow-from's parser and matcher (cli/allow.c), table-driven.
if HAVE_CMOCKA
check_PROGRAMS += t/cli-allow
TESTS += t/cli-allow
t_cli_allow_SOURCES = t/cli-allow.c cli/allow.c cli/allow.h cli/repeat.c cli/repeat.h \
	cli/say.c cli/say.h
t_cli_allow_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
t_cli_allow_LDADD = shared/libshared.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
endif
t/cli-relay-ops: $(srcdir)/t/cli-relay-ops.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-relay-names: $(srcdir)/t/cli-relay-names.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-relay-hostile: $(srcdir)/t/cli-relay-hostile.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

# After an install: the installed udo-vsock runs, finds the installed
# plugins, and its man page is in place.
installcheck-local: installcheck-udo-vsock
installcheck-udo-vsock:
	test -f '$(DESTDIR)$(man1dir)/udo-vsock.1'
	LD_LIBRARY_PATH='$(DESTDIR)$(libdir)' '$(DESTDIR)$(bindir)/udo-vsock' --version
	LD_LIBRARY_PATH='$(DESTDIR)$(libdir)' UDO_VSOCK_TCP_PLUGIN_PATH='$(DESTDIR)$(pkglibdir)' \
	  '$(DESTDIR)$(bindir)/udo-vsock' transports | grep '^tcp  *yes '
.PHONY: installcheck-udo-vsock
