# The benchmark: the library against raw socket syscalls, in one process
# (bench/main.c says how it measures; each figure is a file of its own). Not part of `make check`: it
# measures, it does not test. `make bench BENCH_ARGS="-r 15 -t tcp"`.
EXTRA_PROGRAMS += bench/bench
bench_bench_SOURCES = bench/main.c bench/bench.h bench/stats.c bench/endpoint.c \
	bench/throughput.c bench/latency.c bench/connect.c bench/scaling.c bench/sizes.c \
	bench/seqpacket.c bench/seqpacket.h
bench_bench_LDADD = libudo-vsock-tcp.la $(PTHREAD_LIBS)
bench_bench_LDFLAGS = -no-install
CLEANFILES += bench/bench
# The README's instruction counts per call (callgrind) and system calls per
# connect (strace -c), run by hand.
EXTRA_DIST += bench/callgrind-per-op.py bench/syscalls-per-op.py

BENCH_ARGS =
.PHONY: bench
bench: bench/bench$(EXEEXT) $(pkglib_LTLIBRARIES)
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins' \
	  ./bench/bench$(EXEEXT) $(BENCH_ARGS)

# The same on real vsock, in the qemu guest of `make check-vm` (vm/run),
# where CID 1 is served: the TAP log, with the figures, ends up in
# vm-bench/. The guest is emulated (TCG), so its times are slow; the ratios
# compare both paths under the same emulation.
BENCH_VM_ARGS = -q -r 5 -t vsock -T
.PHONY: bench-vm
bench-vm: bench/bench$(EXEEXT) all-am
	$(AM_V_at)UDO_VM_ENV_BEFORE=`env`; export UDO_VM_ENV_BEFORE; \
	UDO_VSOCK_TCP_PLUGIN_PATH='$(abs_top_builddir)/plugins'; \
	export UDO_VSOCK_TCP_PLUGIN_PATH; \
	BENCH_ARGS='$(BENCH_VM_ARGS)'; export BENCH_ARGS; \
	UDO_VM_TRANSPORTS=vsock \
	  $(VM_RUN) '$(abs_top_builddir)/vm-bench' -- bench/bench$(EXEEXT); \
	status=$$?; cat vm-bench/bench/bench*.log 2>/dev/null || find vm-bench -name '*.log' -exec cat {} +; \
	exit $$status
clean-local: clean-bench-vm
clean-bench-vm:
	-rm -rf vm-bench
