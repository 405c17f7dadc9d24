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

check_LTLIBRARIES += t/libtcommon.la
t_libtcommon_la_SOURCES = t/common.c t/common.h

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
	t/nonblock \
	t/activation-nonblock \
	t/plugin-load \
	t/plugin-errors \
	t/vsock-here \
	t/log

# Fake transports for t/plugin-load: real modules, built only for the tests.
FAKE_PLUGIN_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
check_LTLIBRARIES += t/fake/wrong-abi/tcp.la t/fake/no-entry/tcp.la
t_fake_wrong_abi_tcp_la_SOURCES = t/fake/wrong-abi/tcp.c
t_fake_wrong_abi_tcp_la_LDFLAGS = $(FAKE_PLUGIN_LDFLAGS)
t_fake_no_entry_tcp_la_SOURCES = t/fake/no-entry/tcp.c
t_fake_no_entry_tcp_la_LDFLAGS = $(FAKE_PLUGIN_LDFLAGS)

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
