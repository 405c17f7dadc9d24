# Performance and robustness (issue 7): the benchmark, the valgrind run of
# the test suite, the fuzz harnesses and the fault-injection tests. Each
# area keeps its rules in its own fragment; this one gathers them.

# ./configure --enable-sanitizers: ASan and UBSan everywhere (the link
# flags are in LDFLAGS); empty otherwise.
AM_CFLAGS += $(SANITIZER_CFLAGS)
include $(top_srcdir)/bench/local.mk

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
include $(top_srcdir)/fuzz/local.mk
include $(top_srcdir)/t/fault/local.mk
