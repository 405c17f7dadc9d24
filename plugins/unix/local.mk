# The unix transport: abstract AF_UNIX sockets for two ends on one machine,
# streams and seqpacket (README, "Message sockets").
pkglib_LTLIBRARIES += plugins/unix.la
plugins_unix_la_SOURCES = plugins/unix/unix.c plugins/adopt-addr.c plugins/adopt-addr.h
plugins_unix_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_unix_la_LIBADD = shared/libshared.la $(PTHREAD_LIBS)

if HAVE_CMOCKA
# The seqpacket suite: the same programs on unix here and on vsock in the
# make check-vm guest (t/seqpacket-common.c picks the transport under test).
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
# t/cli-unix-squat: another user's socat holding a name below 1024.
UNIX_CLI_TESTS = t/cli-seqpacket t/cli-unix-socat t/cli-seqpacket-peers t/cli-unix-squat
TESTS += $(UNIX_CLI_TESTS)
noinst_SCRIPTS += $(UNIX_CLI_TESTS)
CLEANFILES += $(UNIX_CLI_TESTS)
EXTRA_DIST += t/cli-seqpacket.sh t/cli-unix-socat.sh t/cli-seqpacket-peers.sh \
	t/cli-unix-squat.sh
t/cli-seqpacket: $(srcdir)/t/cli-seqpacket.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-unix-socat: $(srcdir)/t/cli-unix-socat.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-seqpacket-peers: $(srcdir)/t/cli-seqpacket-peers.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
t/cli-unix-squat: $(srcdir)/t/cli-unix-squat.sh $(CLI_TEST_DEPS)
	$(cli_test_gen)
