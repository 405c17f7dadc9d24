# Performance and robustness (issue 7): the benchmark, the valgrind run of
# the test suite, the fuzz harnesses and the fault-injection tests. Each
# area keeps its rules in its own fragment; this one only gathers them.
include $(top_srcdir)/bench/local.mk
