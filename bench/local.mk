# The benchmark: the library against raw socket syscalls, in one process
# (bench/bench.c says how it measures). Not part of `make check`: it
# measures, it does not test. `make bench BENCH_ARGS="-r 15 -t tcp"`.
EXTRA_PROGRAMS += bench/bench
bench_bench_SOURCES = bench/bench.c
bench_bench_LDADD = libudo-vsock-tcp.la $(PTHREAD_LIBS)
bench_bench_LDFLAGS = -no-install
CLEANFILES += bench/bench

BENCH_ARGS =
.PHONY: bench
bench: bench/bench$(EXEEXT) $(pkglib_LTLIBRARIES)
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins' \
	  ./bench/bench$(EXEEXT) $(BENCH_ARGS)
