# Tests of the shell scripts that build and test the project, run from the
# build tree like t/debian (the source tree's path written in by make).
#  t/autogen: scripts/autogen (used by scripts/quickstart, scripts/test and
#    scripts/test-arm64) writes again a build system that a failed
#    autoreconf left half written.
#  t/vm-debs: vm/debs.sh finds a foreign guest's busybox where each Debian
#    release puts it.
#  t/deps: what scripts/deps asks apt-get for, on Debian 12 and 13.
SCRIPT_TESTS = t/autogen t/vm-debs t/deps
EXTRA_DIST += scripts/autogen t/autogen.sh t/vm-debs.sh t/deps.sh
TESTS += $(SCRIPT_TESTS)
noinst_SCRIPTS += $(SCRIPT_TESTS)
CLEANFILES += $(SCRIPT_TESTS)
$(SCRIPT_TESTS): %: $(srcdir)/%.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) t && \
	sed "s|^top=.*|top='$(abs_top_srcdir)'|" $(srcdir)/$@.sh > $@.tmp && \
	chmod +x $@.tmp && mv -f $@.tmp $@
