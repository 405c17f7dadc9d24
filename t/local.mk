# The TAP test suite: cmocka programs run through automake's tap-driver.sh.
# Each t/NAME.c is one program proving one area of the contract.
# Tests run from the build tree: the plugin path points at plugins/.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
LOG_COMPILER = $(SHELL) $(top_srcdir)/t/tap-cmocka.sh
EXTRA_DIST += t/tap-cmocka.sh
AM_TESTS_ENVIRONMENT = \
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins'; \
	export UDO_VSOCK_TCP_PLUGIN_PATH;
if TEST_EMULATOR
# A cross build: t/tap-cmocka.sh runs each test program under the emulator,
# and the tests run the programs they start through it too (configure.ac).
AM_TESTS_ENVIRONMENT += \
	UDO_TEST_EMULATOR='$(UDO_TEST_EMULATOR)'; export UDO_TEST_EMULATOR; \
	if test -n '$(QEMU_LD_PREFIX)'; then \
	  QEMU_LD_PREFIX='$(QEMU_LD_PREFIX)'; export QEMU_LD_PREFIX; fi;
endif

if HAVE_CMOCKA
# Programs default to these; programs that install override them.
AM_CFLAGS += $(CMOCKA_CFLAGS)
LDADD = t/libtcommon.la libudo-vsock-tcp.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
# -no-install: real executables (not libtool wrappers), so the suite can be
# copied as it is into a VM guest.
AM_LDFLAGS = -no-install

# t/per-transport.c: the transport under test, given in opts, and the
# runner that repeats a suite's cases once per transport.
check_LTLIBRARIES += t/libtcommon.la
t_libtcommon_la_SOURCES = t/common.c t/common.h t/per-transport.c

T_TESTS = \
	t/null-args \
	t/getters \
	t/echo \
	t/caller-memory \
	t/cloexec \
	t/sigpipe \
	t/oversize-io \
	t/bulk-transfer \
	t/concurrent-clients \
	t/threads \
	t/refused \
	t/fd-leak \
	t/transport-env \
	t/tcp-map \
	t/tcp-names \
	t/tcp-names-server \
	t/tcp-names-nonblock \
	t/env-escapes \
	t/env-changes \
	t/resolved-once \
	t/transport-per-context \
	t/opts-fields \
	t/opts-struct \
	t/nonblock \
	t/activation-nonblock \
	t/plugin-load \
	t/plugin-errors \
	t/plugin-declared \
	t/vsock-here \
	t/log

# Fake transports for t/plugin-load: real modules, built only for the tests.
FAKE_PLUGIN_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
check_LTLIBRARIES += t/fake/wrong-abi/tcp.la t/fake/no-entry/tcp.la
t_fake_wrong_abi_tcp_la_SOURCES = t/fake/wrong-abi/tcp.c
t_fake_wrong_abi_tcp_la_LDFLAGS = $(FAKE_PLUGIN_LDFLAGS)
t_fake_no_entry_tcp_la_SOURCES = t/fake/no-entry/tcp.c
t_fake_no_entry_tcp_la_LDFLAGS = $(FAKE_PLUGIN_LDFLAGS)
# A transport whose declarations differ from its name's, for t/plugin-declared.
check_LTLIBRARIES += t/fake/declared/unix.la
t_fake_declared_unix_la_SOURCES = t/fake/declared/unix.c
t_fake_declared_unix_la_LDFLAGS = $(FAKE_PLUGIN_LDFLAGS)
t_fake_declared_unix_la_LIBADD = shared/libshared.la $(PTHREAD_LIBS)

# Host names with several addresses, in a root whose /etc the test writes.
T_NAMES = t/names.c t/names.h t/private-etc.c t/private-etc.h
t_tcp_names_SOURCES = t/tcp-names.c $(T_NAMES)
t_tcp_names_server_SOURCES = t/tcp-names-server.c $(T_NAMES)
t_tcp_names_nonblock_SOURCES = t/tcp-names-nonblock.c $(T_NAMES)

# t/log is written as libudo's tests are: #include "log.h" from include/udo.
t_log_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/include/udo

check_PROGRAMS += $(T_TESTS)
TESTS += $(T_TESTS)

# Signals during connects and accepts, with and without SA_RESTART, on tcp,
# unix, hybrid (its fake VMM: t/hybrid-peer.c) and vsock where it loops back.
SIGNAL_TESTS = t/connect-signals t/signals-through
check_PROGRAMS += $(SIGNAL_TESTS)
TESTS += $(SIGNAL_TESTS)
T_TICKER = t/signal-ticker.c t/signal-ticker.h
t_connect_signals_SOURCES = t/connect-signals.c t/hybrid-peer.c t/hybrid-peer.h $(T_TICKER)
t_signals_through_SOURCES = t/signals-through.c $(T_TICKER)
endif

# Guest agents at boot: connects that wait for the listener, socket
# activation (lib/activation.c), udo-vsock under systemd.
if HAVE_CMOCKA
ACTIVATION_T_TESTS = \
	t/connect-wait \
	t/connect-wait-rules \
	t/activation \
	t/activation-unix \
	t/activation-flags \
	t/activation-broken
check_PROGRAMS += $(ACTIVATION_T_TESTS)
TESTS += $(ACTIVATION_T_TESTS)
# The sockets they pass to themselves, as a service manager would.
ACTIVATION_PASSED = t/activation-passed.c t/activation-passed.h
t_activation_SOURCES = t/activation.c $(ACTIVATION_PASSED)
t_activation_unix_SOURCES = t/activation-unix.c $(ACTIVATION_PASSED)
# Cases that need a process of their own: the passed fds' flags, and
# variables sd_listen_fds() refuses.
ACTIVATION_CHILD = t/activation-child.c t/activation-child.h
t_activation_flags_SOURCES = t/activation-flags.c $(ACTIVATION_CHILD)
t_activation_broken_SOURCES = t/activation-broken.c $(ACTIVATION_CHILD)

t_connect_wait_rules_SOURCES = t/connect-wait-rules.c t/hybrid-peer.c t/hybrid-peer.h
endif

# Tests with the real systemd-socket-activate: shell scripts written by make
# as the t/cli-* ones are (cli/local.mk), and the library server they run.
check_PROGRAMS += t/activation-server
t_activation_server_SOURCES = t/activation-server.c
t_activation_server_LDADD = libudo-vsock-tcp.la
t_activation_server_LDFLAGS = -no-install

ACTIVATION_SH_TESTS = t/activation-socket
TESTS += $(ACTIVATION_SH_TESTS)
noinst_SCRIPTS += $(ACTIVATION_SH_TESTS)
CLEANFILES += $(ACTIVATION_SH_TESTS)
EXTRA_DIST += t/activation-socket.sh
t/activation-socket: $(srcdir)/t/activation-socket.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
ACTIVATION_SH_TESTS += t/activation-cli
EXTRA_DIST += t/activation-cli.sh
t/activation-cli: $(srcdir)/t/activation-cli.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

ACTIVATION_SH_TESTS += t/activation-units
EXTRA_DIST += t/activation-units.sh
t/activation-units: $(srcdir)/t/activation-units.sh Makefile $(RELAY_UNITS)
	$(AM_V_GEN)$(MKDIR_P) t && \
	sed -e "s|^units=.*|units='$(abs_top_builddir)/systemd'|" \
	    -e "s|^bindir=.*|bindir='$(bindir)'|" \
	    -e "s|^udo_vsock=.*|udo_vsock='$(abs_top_builddir)/udo-vsock$(EXEEXT)'|" \
	    $(srcdir)/t/activation-units.sh > $@.tmp && \
	chmod +x $@.tmp && mv -f $@.tmp $@

# connect --fdpass, with a receiver as ssh's ProxyUseFdpass is, and real ssh.
check_PROGRAMS += t/fdpass-recv
t_fdpass_recv_SOURCES = t/fdpass-recv.c
t_fdpass_recv_LDADD =
t_fdpass_recv_LDFLAGS = -no-install
ACTIVATION_SH_TESTS += t/activation-fdpass
EXTRA_DIST += t/activation-fdpass.sh
t/activation-fdpass: $(srcdir)/t/activation-fdpass.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

# relay passed, with sockets passed by t/pass-fds (ports the kernel picks).
check_PROGRAMS += t/pass-fds
t_pass_fds_SOURCES = t/pass-fds.c
t_pass_fds_LDADD =
t_pass_fds_LDFLAGS = -no-install
ACTIVATION_SH_TESTS += t/activation-relay
EXTRA_DIST += t/activation-relay.sh
t/activation-relay: $(srcdir)/t/activation-relay.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
ACTIVATION_SH_TESTS += t/activation-transports
EXTRA_DIST += t/activation-transports.sh
t/activation-transports: $(srcdir)/t/activation-transports.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

# make check-valgrind: the test suite with every test program under
# valgrind memcheck. Any memcheck error (a bad read or write, a use of
# uninitialised memory, a definite or possible leak) makes the program exit
# 99, which fails its test. Children the tests fork stay under valgrind;
# programs they exec run without it (--trace-children=no), and so do tests
# that are scripts (t/valgrind.sh). t/valgrind.supp holds the only
# suppressions, each saying why it is not ours.
VALGRIND_FLAGS = --tool=memcheck --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,possible \
	--show-leak-kinds=definite,possible \
	--suppressions=$(abs_top_srcdir)/t/valgrind.supp --quiet
EXTRA_DIST += t/valgrind.supp t/valgrind.sh
CLEANFILES += test-suite-valgrind.log
.PHONY: check-valgrind
if SANITIZERS
check-valgrind:
	@echo "check-valgrind: this build uses --enable-sanitizers; valgrind needs a plain build" >&2
	@exit 1
else
check-valgrind:
	@test -n '$(VALGRIND)' || { echo "check-valgrind: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
	VALGRIND='$(VALGRIND) $(VALGRIND_FLAGS)' \
	  $(MAKE) $(AM_MAKEFLAGS) check TEST_SUITE_LOG=test-suite-valgrind.log \
	  LOG_FLAGS='$(SHELL) $(abs_top_srcdir)/t/valgrind.sh'
endif

# t/debian: debian/ (packaging.mk) against the build. The test runs as
# t/debian from the build tree: t/debian.sh with the source
# tree's path written in, since a test must be a file of the build tree (for
# make check-vm too, which copies the build tree into its guest; there the
# source tree is absent and the test skips). Built by `make`, like the
# programs check-vm runs.
TESTS += t/debian
noinst_SCRIPTS += t/debian
CLEANFILES += t/debian
EXTRA_DIST += t/debian.sh
t/debian: $(srcdir)/t/debian.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && \
	sed "s|^top=.*|top='$(abs_top_srcdir)'|" $(srcdir)/t/debian.sh > $@.tmp && \
	chmod +x $@.tmp && mv -f $@.tmp $@

# Tests of the shell scripts that build and test the project, run from the
# build tree like t/debian (the source tree's path written in by make).
#  t/autogen: scripts/autogen (used by scripts/quickstart, scripts/test and
#    scripts/test-arm64) writes again a build system that a failed
#    autoreconf left half written.
#  t/vm-debs: vm/debs.sh finds a foreign guest's busybox where each Debian
#    release puts it.
#  t/deps: what scripts/deps asks apt-get for, on Debian 12 and 13.
SCRIPT_TESTS = t/autogen t/vm-debs t/deps
EXTRA_DIST += t/autogen.sh t/vm-debs.sh t/deps.sh
TESTS += $(SCRIPT_TESTS)
noinst_SCRIPTS += $(SCRIPT_TESTS)
CLEANFILES += $(SCRIPT_TESTS)
$(SCRIPT_TESTS): %: $(srcdir)/%.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && \
	sed "s|^top=.*|top='$(abs_top_srcdir)'|" $(srcdir)/$@.sh > $@.tmp && \
	chmod +x $@.tmp && mv -f $@.tmp $@

# t/test-harness: the suite's own bounds (t/cli-lib.sh, t/tap-cmocka.sh):
# a test that hangs fails instead of holding make check.
TESTS += t/test-harness
noinst_SCRIPTS += t/test-harness
CLEANFILES += t/test-harness
EXTRA_DIST += t/test-harness.sh
t/test-harness: $(srcdir)/t/test-harness.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

# t/man-pages: the pages of man/ (man/local.mk).
EXTRA_DIST += t/man-pages.sh
TESTS += t/man-pages
noinst_SCRIPTS += t/man-pages
CLEANFILES += t/man-pages
t/man-pages: $(srcdir)/t/man-pages.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && sed \
	  -e "s|^top=.*|top='$(abs_top_srcdir)'|" \
	  -e "s|^build=.*|build='$(abs_top_builddir)'|" \
	  -e "s|^libtool=.*|libtool='$(SHELL) $(abs_top_builddir)/libtool'|" \
	  -e "s|^cc=.*|cc='$(CC)'|" \
	  -e "s|^cflags=.*|cflags='$(CFLAGS) $(SANITIZER_CFLAGS) $(LDFLAGS)'|" \
	  -e "s|^pages=.*|pages='$(man1_MANS) $(MAN3) $(dist_man7_MANS)'|" \
	  $(srcdir)/t/man-pages.sh > $@.tmp && chmod +x $@.tmp && mv -f $@.tmp $@

if HAVE_CMOCKA
# Tests that need real vsock loopback: they skip on a host without it and
# must pass in the guest. Plain members of the suite, so the guest runs them.
VM_TESTS = \
	t/vsock-loopback \
	t/vsock-socat

check_PROGRAMS += $(VM_TESTS)
TESTS += $(VM_TESTS)
endif

# The unix transport's tests (plugins/unix).
if HAVE_CMOCKA
# The seqpacket suite: each case on unix, and on vsock where it loops back
# (the make check-vm guest; skipped elsewhere): t_run_transports, t/common.h.
SEQPACKET_TESTS = \
	t/seqpacket-api \
	t/seqpacket-messages \
	t/seqpacket-clients \
	t/compat-0.2 \
	t/compat-0.3
check_PROGRAMS += $(SEQPACKET_TESTS)
TESTS += $(SEQPACKET_TESTS)
SEQPACKET_COMMON = t/seqpacket-common.c t/seqpacket-common.h
t_seqpacket_messages_SOURCES = t/seqpacket-messages.c $(SEQPACKET_COMMON)
t_seqpacket_clients_SOURCES = t/seqpacket-clients.c $(SEQPACKET_COMMON)
# Built against the 0.2 header, kept as released: old programs still run.
t_compat_0_2_SOURCES = t/compat-0.2.c \
	t/compat/0.2/udo/vsock-tcp.h t/compat/0.2/udo/log.h t/compat/0.2/udo/macros.h
t_compat_0_2_CPPFLAGS = -I$(top_srcdir)/t/compat/0.2 $(AM_CPPFLAGS)
t_compat_0_2_LDADD = libudo-vsock-tcp.la $(CMOCKA_LIBS)
# And against the 0.3 header: 0.3 programs run on 0.4.
t_compat_0_3_SOURCES = t/compat-0.3.c \
	t/compat/0.3/udo/vsock-tcp.h t/compat/0.3/udo/log.h t/compat/0.3/udo/macros.h
t_compat_0_3_CPPFLAGS = -I$(top_srcdir)/t/compat/0.3 $(AM_CPPFLAGS)
t_compat_0_3_LDADD = libudo-vsock-tcp.la $(CMOCKA_LIBS)
# Names taken first by another user (root runs it; it skips otherwise).
check_PROGRAMS += t/unix-squat
TESTS += t/unix-squat
endif

# udo-vsock --seqpacket (t/cli-seqpacket.sh), against t/sp-peer: written by
# make like the other t/cli-* tests (cli/local.mk).
check_PROGRAMS += t/sp-peer
t_sp_peer_SOURCES = t/sp-peer.c cli/message.c cli/message.h
t_sp_peer_LDADD = libudo-vsock-tcp.la $(PTHREAD_LIBS)
t_sp_peer_LDFLAGS = -no-install
# t/cli-unix-socat: socat's ABSTRACT-* addresses against the unix transport;
# t/cli-seqpacket-peers: socat and systemd-socket-activate as seqpacket peers;
# t/cli-unix-squat: another user's socat holding a name below 1024;
# t/cli-ends: unix: and hybrid: addresses, relays between kinds.
UNIX_CLI_TESTS = t/cli-seqpacket t/cli-unix-socat t/cli-seqpacket-peers t/cli-unix-squat \
	t/cli-ends
TESTS += $(UNIX_CLI_TESTS)
noinst_SCRIPTS += $(UNIX_CLI_TESTS)
CLEANFILES += $(UNIX_CLI_TESTS)
EXTRA_DIST += t/cli-seqpacket.sh t/cli-unix-socat.sh t/cli-seqpacket-peers.sh \
	t/cli-unix-squat.sh t/cli-ends.sh
t/cli-seqpacket: $(srcdir)/t/cli-seqpacket.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-unix-socat: $(srcdir)/t/cli-unix-socat.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-seqpacket-peers: $(srcdir)/t/cli-seqpacket-peers.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-unix-squat: $(srcdir)/t/cli-unix-squat.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-ends: $(srcdir)/t/cli-ends.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)

# The hybrid transport's tests (plugins/hybrid).
if HAVE_CMOCKA
# A fake VMM (t/hybrid-peer.c) stands in for Firecracker in these tests.
HYBRID_TESTS = \
	t/hybrid-protocol \
	t/hybrid-server \
	t/hybrid-contract \
	t/connect-timeout \
	t/connect-timeout-vsock \
	t/hybrid-nonblock
check_PROGRAMS += $(HYBRID_TESTS)
TESTS += $(HYBRID_TESTS)
HYBRID_PEER = t/hybrid-peer.c t/hybrid-peer.h
t_hybrid_protocol_SOURCES = t/hybrid-protocol.c $(HYBRID_PEER)
t_hybrid_server_SOURCES = t/hybrid-server.c $(HYBRID_PEER)
t_hybrid_contract_SOURCES = t/hybrid-contract.c $(HYBRID_PEER)
t_hybrid_nonblock_SOURCES = t/hybrid-nonblock.c $(HYBRID_PEER)
t_connect_timeout_SOURCES = t/connect-timeout.c
endif

include $(top_srcdir)/t/fault/local.mk

# Every list of the transports (README, pages, packaging, --help) names
# each one the library has; t/transport-list prints the library's names.
check_PROGRAMS += t/transport-list
t_transport_list_SOURCES = t/transport-list.c
t_transport_list_LDADD = libudo-vsock-tcp.la
t_transport_list_LDFLAGS = -no-install
TESTS += t/transport-names
noinst_SCRIPTS += t/transport-names
CLEANFILES += t/transport-names
EXTRA_DIST += t/transport-names.sh
t/transport-names: $(srcdir)/t/transport-names.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && sed \
	  -e "s|^top=.*|top='$(abs_top_srcdir)'|" \
	  -e "s|^build=.*|build='$(abs_top_builddir)'|" \
	  $(srcdir)/t/transport-names.sh > $@.tmp && chmod +x $@.tmp && mv -f $@.tmp $@

# The library's and the plugins' exported symbols (shared/ stays hidden).
TESTS += t/exports
noinst_SCRIPTS += t/exports
CLEANFILES += t/exports
EXTRA_DIST += t/exports.sh
t/exports: $(srcdir)/t/exports.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && sed \
	  -e "s|^top=.*|top='$(abs_top_srcdir)'|" \
	  -e "s|^build=.*|build='$(abs_top_builddir)'|" \
	  -e "s|^nm=.*|nm='$(NM)'|" \
	  $(srcdir)/t/exports.sh > $@.tmp && chmod +x $@.tmp && mv -f $@.tmp $@
