# The hybrid transport: vsock through the Unix sockets of Firecracker and
# cloud-hypervisor (README, "Hybrid vsock"), with its tests and the fuzz
# target of its UDO_VSOCK_TCP_UDS parser.
pkglib_LTLIBRARIES += plugins/hybrid.la
plugins_hybrid_la_SOURCES = plugins/hybrid/hybrid.c plugins/map-text.h \
	plugins/hybrid/uds-map.c plugins/hybrid/uds-map.h \
	plugins/hybrid/ack.c plugins/hybrid/ack.h \
	plugins/hybrid/nonblock.c plugins/hybrid/nonblock.h
plugins_hybrid_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_hybrid_la_LIBADD = shared/libshared.la

EXTRA_DIST += fuzz/uds-map.c fuzz/replay.c fuzz/corpus/uds-map

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

# The parser's fuzz corpus, replayed by an ordinary build in `make check`
# (TAP, one line per input), so the corpus stays a regression suite.
check_PROGRAMS += fuzz/uds-map-replay
TESTS += fuzz/uds-map-replay
fuzz_uds_map_replay_SOURCES = fuzz/replay.c fuzz/uds-map.c \
	plugins/hybrid/uds-map.c plugins/hybrid/uds-map.h
fuzz_uds_map_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/hybrid \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/uds-map"'
fuzz_uds_map_replay_LDADD = shared/libshared.la

# libFuzzer (clang): `make fuzz-uds-map [FUZZ_RUNS=N]` grows a corpus in the
# build tree from the committed one; copy new finds to fuzz/corpus/uds-map.
# FUZZ_CC (found by configure) and FUZZ_CFLAGS: fuzz/local.mk.
FUZZ_RUNS = 200000
# The parser quotes bad entries with udo_quote() (shared/quote.c).
fuzz/uds-map-fuzzer: $(srcdir)/fuzz/uds-map.c $(srcdir)/plugins/hybrid/uds-map.c \
		$(srcdir)/shared/quote.c $(srcdir)/shared/quote.h
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) -I$(srcdir)/plugins/hybrid -I$(srcdir)/shared \
	  -o $@ $(srcdir)/fuzz/uds-map.c $(srcdir)/plugins/hybrid/uds-map.c $(srcdir)/shared/quote.c
fuzz-uds-map: fuzz/uds-map-fuzzer
	@$(MKDIR_P) fuzz/uds-map-corpus
	./fuzz/uds-map-fuzzer -runs=$(FUZZ_RUNS) fuzz/uds-map-corpus \
	  $(srcdir)/fuzz/corpus/uds-map
.PHONY: fuzz-uds-map
CLEANFILES += fuzz/uds-map-fuzzer
clean-local: clean-local-fuzz
clean-local-fuzz:
	rm -rf fuzz/uds-map-corpus
