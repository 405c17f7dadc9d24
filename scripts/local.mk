# scripts/autogen (used by scripts/quickstart, scripts/test and
# scripts/test-arm64) and its test: a build system that a failed autoreconf
# left half written is written again on the next try.
EXTRA_DIST += scripts/autogen t/autogen.sh
TESTS += t/autogen
noinst_SCRIPTS += t/autogen
CLEANFILES += t/autogen
t/autogen: $(srcdir)/t/autogen.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && \
	sed "s|^top=.*|top='$(abs_top_srcdir)'|" $(srcdir)/t/autogen.sh > $@.tmp && \
	chmod +x $@.tmp && mv -f $@.tmp $@
