# The TAP test suite: cmocka programs run through automake's tap-driver.sh.
# Each t/NAME.c is one program proving one area of the contract.
# Tests run from the build tree: the plugin path points at plugins/.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
# cmocka < 1.1.6 writes a skip as "not ok N # SKIP" (a failure to the driver).
LOG_COMPILER = $(SHELL) $(top_srcdir)/t/cmocka-tap.sh
EXTRA_DIST += t/cmocka-tap.sh
AM_TESTS_ENVIRONMENT = \
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins'; \
	export UDO_VSOCK_TCP_PLUGIN_PATH;

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
	t/getters

check_PROGRAMS += $(T_TESTS)
TESTS += $(T_TESTS)
endif
