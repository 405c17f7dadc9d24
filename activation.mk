# Guest agents at boot (issue 13): connects that wait for the listener,
# socket activation, and udo-vsock under systemd. Each piece says where it
# lives; this fragment gathers their rules.

libudo_vsock_tcp_la_SOURCES += lib/connect-wait.c lib/connect-wait.h lib/activation.h

# Socket activation: lib/activation.c, with libsystemd's sd-daemon.
if HAVE_LIBSYSTEMD
libudo_vsock_tcp_la_SOURCES += lib/activation.c
libudo_vsock_tcp_la_CFLAGS = $(AM_CFLAGS) $(LIBSYSTEMD_CFLAGS)
libudo_vsock_tcp_la_LIBADD += $(LIBSYSTEMD_LIBS)
else
EXTRA_DIST += lib/activation.c
endif

if HAVE_CMOCKA
ACTIVATION_T_TESTS = \
	t/connect-wait \
	t/connect-wait-rules \
	t/activation \
	t/activation-flags \
	t/activation-broken
check_PROGRAMS += $(ACTIVATION_T_TESTS)
TESTS += $(ACTIVATION_T_TESTS)
# Cases that need a process of their own: the passed fds' flags, and
# variables sd_listen_fds() refuses.
ACTIVATION_CHILD = t/activation-child.c t/activation-child.h
t_activation_flags_SOURCES = t/activation-flags.c $(ACTIVATION_CHILD)
t_activation_broken_SOURCES = t/activation-broken.c $(ACTIVATION_CHILD)

t_connect_wait_rules_SOURCES = t/connect-wait-rules.c t/hybrid-peer.c t/hybrid-peer.h
endif

# udo-vsock under systemd: cli/activate.c.
udo_vsock_SOURCES += cli/activate.c cli/activate.h cli/passed.c cli/passed.h \
	cli/relay-service.c cli/relay-service.h cli/fdpass.c cli/fdpass.h
if HAVE_LIBSYSTEMD
udo_vsock_CFLAGS = $(AM_CFLAGS) $(LIBSYSTEMD_CFLAGS)
udo_vsock_LDADD += $(LIBSYSTEMD_LIBS)
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

# The relay units (systemd/): installed, never enabled by the install.
RELAY_UNITS = systemd/udo-vsock-relay@.socket systemd/udo-vsock-relay@.service
systemdsystemunit_DATA = $(RELAY_UNITS)
EXTRA_DIST += systemd/udo-vsock-relay@.socket.in systemd/udo-vsock-relay@.service.in
CLEANFILES += $(RELAY_UNITS)
$(RELAY_UNITS): %: $(srcdir)/%.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed 's|@bindir[@]|$(bindir)|g' $(srcdir)/$@.in > $@.tmp && mv -f $@.tmp $@

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
