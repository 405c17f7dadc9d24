# Fuzzing the parsers of untrusted text with libFuzzer (clang).
#   make fuzz                 each harness for $(FUZZ_TIME) seconds
#   make fuzz FUZZ_TIME=600   longer
#   make fuzz-merge           fold what the fuzzer found into the corpus in
#                             the source tree (minimised), to commit
# Harness fuzz/NAME.c, corpus fuzz/corpus/NAME/. New inputs go to
# fuzz/NAME.found/ in the build tree, crashes to fuzz/NAME-crash-*.
# `make check` replays every corpus through its harness (fuzz/replay.c),
# without libFuzzer, so the corpus is a regression test.
FUZZ_TIME = 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_RUN_FLAGS = -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

# Every harness, by name (uds-map's rules are at the end).
FUZZ_NAMES = cidmap uds-map addr adopt hybrid-ack seqpacket-stdio
# The parsers quote bad entries with udo_quote() (shared/quote.c).
fuzz_cidmap_SRC = fuzz/cidmap.c plugins/tcp/cidmap.c shared/quote.c
fuzz_cidmap_INC = -I$(top_srcdir)/plugins/tcp -I$(top_srcdir)/shared
# udo-vsock's address parser: the command line is untrusted text too.
fuzz_addr_SRC = fuzz/addr.c cli/addr.c shared/quote.c
fuzz_addr_INC = -I$(top_srcdir)/cli -I$(top_srcdir)/shared
# Socket activation: a passed socket's address against a create's request.
fuzz_adopt_SRC = fuzz/adopt.c plugins/adopt-addr.c
fuzz_adopt_INC = -I$(top_srcdir)/plugins
# hybrid: the VMM's "OK <port>" answer to CONNECT.
fuzz_hybrid_ack_SRC = fuzz/hybrid-ack.c plugins/hybrid/ack.c shared/quote.c
fuzz_hybrid_ack_INC = -I$(top_srcdir)/plugins/hybrid -I$(top_srcdir)/shared
# udo-vsock --seqpacket: message boundaries between the socket and
# standard input and output; the real stream loop, linked to the library
# built here for its send and receive calls.
fuzz_seqpacket_stdio_SRC = fuzz/seqpacket-stdio.c cli/stream.c cli/message.c
fuzz_seqpacket_stdio_INC = -I$(top_srcdir)/cli -I$(top_srcdir)/include
fuzz_seqpacket_stdio_LIBS = -L$(top_builddir)/.libs -ludo-vsock-tcp \
	-Wl,-rpath,$(abs_top_builddir)/.libs

EXTRA_DIST += fuzz/check.h fuzz/cidmap.c fuzz/corpus/cidmap fuzz/addr.c fuzz/corpus/addr \
	fuzz/adopt.c fuzz/corpus/adopt fuzz/hybrid-ack.c fuzz/corpus/hybrid-ack \
	fuzz/seqpacket-stdio.c fuzz/corpus/seqpacket-stdio
CLEANFILES += $(FUZZ_NAMES:%=fuzz/%-fuzzer)
clean-local: clean-fuzz
clean-fuzz:
	-rm -rf $(FUZZ_NAMES:%=fuzz/%.found) $(FUZZ_NAMES:%=fuzz/%.log) \
	  $(FUZZ_NAMES:%=fuzz/%-merge.log)

fuzz/cidmap-fuzzer: $(fuzz_cidmap_SRC:%=$(srcdir)/%) $(srcdir)/plugins/tcp/cidmap.h \
		$(srcdir)/shared/quote.h config.h
	@test -n '$(FUZZ_CC)' || { echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MKDIR_P) fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) $(fuzz_cidmap_INC) \
	  -o $@ $(fuzz_cidmap_SRC:%=$(srcdir)/%)

fuzz/addr-fuzzer: $(fuzz_addr_SRC:%=$(srcdir)/%) $(srcdir)/cli/addr.h $(srcdir)/shared/quote.h config.h
	@test -n '$(FUZZ_CC)' || { echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MKDIR_P) fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) $(fuzz_addr_INC) \
	  -o $@ $(fuzz_addr_SRC:%=$(srcdir)/%)

fuzz/adopt-fuzzer: $(fuzz_adopt_SRC:%=$(srcdir)/%) $(srcdir)/plugins/adopt-addr.h config.h
	@test -n '$(FUZZ_CC)' || { echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MKDIR_P) fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) $(fuzz_adopt_INC) \
	  -o $@ $(fuzz_adopt_SRC:%=$(srcdir)/%)

fuzz/hybrid-ack-fuzzer: $(fuzz_hybrid_ack_SRC:%=$(srcdir)/%) $(srcdir)/plugins/hybrid/ack.h \
		$(srcdir)/shared/quote.h config.h
	@test -n '$(FUZZ_CC)' || { echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MKDIR_P) fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) $(fuzz_hybrid_ack_INC) \
	  -o $@ $(fuzz_hybrid_ack_SRC:%=$(srcdir)/%)

fuzz/seqpacket-stdio-fuzzer: $(fuzz_seqpacket_stdio_SRC:%=$(srcdir)/%) $(srcdir)/cli/stream.h $(srcdir)/cli/message.h \
		$(srcdir)/cli/errbuf.h libudo-vsock-tcp.la config.h
	@test -n '$(FUZZ_CC)' || { echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MKDIR_P) fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) $(fuzz_seqpacket_stdio_INC) \
	  -o $@ $(fuzz_seqpacket_stdio_SRC:%=$(srcdir)/%) $(fuzz_seqpacket_stdio_LIBS)

.PHONY: fuzz fuzz-merge clean-fuzz
fuzz: $(FUZZ_NAMES:%=fuzz/%-fuzzer)
	@for n in $(FUZZ_NAMES); do \
	  $(MKDIR_P) fuzz/$$n.found || exit 1; \
	  echo "fuzz: $$n for $(FUZZ_TIME) s"; \
	  ./fuzz/$$n-fuzzer $(FUZZ_RUN_FLAGS) -max_total_time=$(FUZZ_TIME) \
	    -artifact_prefix=fuzz/$$n-crash- fuzz/$$n.found $(srcdir)/fuzz/corpus/$$n \
	    > fuzz/$$n.log 2>&1 || { tail -40 fuzz/$$n.log >&2; echo "fuzz: $$n FAILED (fuzz/$$n.log)" >&2; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' fuzz/$$n.log | sed "s/^/fuzz: $$n: /"; \
	done

fuzz-merge: $(FUZZ_NAMES:%=fuzz/%-fuzzer)
	@for n in $(FUZZ_NAMES); do \
	  ./fuzz/$$n-fuzzer -merge=1 $(FUZZ_RUN_FLAGS) $(srcdir)/fuzz/corpus/$$n fuzz/$$n.found \
	    > fuzz/$$n-merge.log 2>&1 || { tail -20 fuzz/$$n-merge.log >&2; exit 1; }; \
	  grep MERGE-OUTER fuzz/$$n-merge.log | tail -1 | sed "s/^/fuzz-merge: $$n: /"; \
	done

# The corpus replays, part of make check.
check_PROGRAMS += fuzz/cidmap-replay
TESTS += fuzz/cidmap-replay
fuzz_cidmap_replay_SOURCES = fuzz/replay.c fuzz/cidmap.c plugins/tcp/cidmap.c \
	plugins/tcp/cidmap.h
fuzz_cidmap_replay_CPPFLAGS = $(AM_CPPFLAGS) $(fuzz_cidmap_INC) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/cidmap"'
fuzz_cidmap_replay_LDADD = shared/libshared.la

check_PROGRAMS += fuzz/addr-replay
TESTS += fuzz/addr-replay
fuzz_addr_replay_SOURCES = fuzz/replay.c fuzz/addr.c cli/addr.c cli/addr.h cli/errbuf.h
fuzz_addr_replay_CPPFLAGS = $(AM_CPPFLAGS) $(fuzz_addr_INC) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/addr"'
fuzz_addr_replay_LDADD = shared/libshared.la

check_PROGRAMS += fuzz/adopt-replay
TESTS += fuzz/adopt-replay
fuzz_adopt_replay_SOURCES = fuzz/replay.c fuzz/adopt.c plugins/adopt-addr.c plugins/adopt-addr.h
fuzz_adopt_replay_CPPFLAGS = $(AM_CPPFLAGS) $(fuzz_adopt_INC) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/adopt"'
fuzz_adopt_replay_LDADD =

check_PROGRAMS += fuzz/hybrid-ack-replay
TESTS += fuzz/hybrid-ack-replay
fuzz_hybrid_ack_replay_SOURCES = fuzz/replay.c fuzz/hybrid-ack.c plugins/hybrid/ack.c \
	plugins/hybrid/ack.h
fuzz_hybrid_ack_replay_CPPFLAGS = $(AM_CPPFLAGS) $(fuzz_hybrid_ack_INC) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/hybrid-ack"'
fuzz_hybrid_ack_replay_LDADD = shared/libshared.la

check_PROGRAMS += fuzz/seqpacket-stdio-replay
TESTS += fuzz/seqpacket-stdio-replay
fuzz_seqpacket_stdio_replay_SOURCES = fuzz/replay.c fuzz/seqpacket-stdio.c cli/stream.c \
	cli/stream.h cli/message.c cli/message.h cli/errbuf.h
fuzz_seqpacket_stdio_replay_CPPFLAGS = $(AM_CPPFLAGS) $(fuzz_seqpacket_stdio_INC) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/seqpacket-stdio"'
fuzz_seqpacket_stdio_replay_LDADD = libudo-vsock-tcp.la
# A real executable, not libtool's wrapper: a cross build runs it under the
# emulator (t/tap-cmocka.sh), which cannot run a script.
fuzz_seqpacket_stdio_replay_LDFLAGS = -no-install

# uds-map: the UDO_VSOCK_TCP_UDS parser (shared/uds-map.c).
EXTRA_DIST += fuzz/uds-map.c fuzz/replay.c fuzz/corpus/uds-map

# The parser's fuzz corpus, replayed by an ordinary build in `make check`
# (TAP, one line per input), so the corpus stays a regression suite.
check_PROGRAMS += fuzz/uds-map-replay
TESTS += fuzz/uds-map-replay
fuzz_uds_map_replay_SOURCES = fuzz/replay.c fuzz/uds-map.c
fuzz_uds_map_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/uds-map"'
fuzz_uds_map_replay_LDADD = shared/libshared.la

# libFuzzer (clang): `make fuzz-uds-map [FUZZ_RUNS=N]` grows a corpus in the
# build tree from the committed one; copy new finds to fuzz/corpus/uds-map.
# FUZZ_CC (found by configure) and FUZZ_CFLAGS: fuzz/local.mk.
FUZZ_RUNS = 200000
# The parser quotes bad entries with udo_quote() (shared/quote.c).
fuzz/uds-map-fuzzer: $(srcdir)/fuzz/uds-map.c $(srcdir)/shared/uds-map.c \
		$(srcdir)/shared/quote.c $(srcdir)/shared/quote.h
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_builddir) -I$(srcdir)/shared \
	  -o $@ $(srcdir)/fuzz/uds-map.c $(srcdir)/shared/uds-map.c $(srcdir)/shared/quote.c
fuzz-uds-map: fuzz/uds-map-fuzzer
	@$(MKDIR_P) fuzz/uds-map-corpus
	./fuzz/uds-map-fuzzer -runs=$(FUZZ_RUNS) fuzz/uds-map-corpus \
	  $(srcdir)/fuzz/corpus/uds-map
.PHONY: fuzz-uds-map
CLEANFILES += fuzz/uds-map-fuzzer
clean-local: clean-local-fuzz
clean-local-fuzz:
	rm -rf fuzz/uds-map-corpus
