# Fault injection: t/fault/shim.c is an LD_PRELOAD shim (a check-only
# module, never installed) that makes chosen calls fail; t/fault-injection,
# t/fault-sweep and t/kernel-quirks run each case in a child process with
# the shim preloaded.
if HAVE_CMOCKA
check_LTLIBRARIES += t/fault/udo-fault.la
t_fault_udo_fault_la_SOURCES = t/fault/shim.c t/fault/shim.h t/fault/sockets.c
# Not instrumented (no $(SANITIZER_CFLAGS)): ASan calls the shim's malloc
# and free while it starts, before instrumented code may run.
t_fault_udo_fault_la_CFLAGS = $(WARN_CFLAGS) -fvisibility=hidden $(PTHREAD_CFLAGS)
t_fault_udo_fault_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
t_fault_udo_fault_la_LIBADD = -ldl $(PTHREAD_LIBS)
# Nor by the user's CFLAGS/LDFLAGS (configure.ac: FAULT_SHIM_*FLAGS), set
# for its objects and module alone. The targets are named through variables
# so that automake keeps its own rules for them.
FAULT_SHIM_OBJECTS = t/fault/udo_fault_la-shim.lo t/fault/udo_fault_la-sockets.lo
FAULT_SHIM_MODULE = t/fault/udo-fault.la
$(FAULT_SHIM_OBJECTS): CFLAGS = $(FAULT_SHIM_CFLAGS)
$(FAULT_SHIM_MODULE): LDFLAGS = $(FAULT_SHIM_LDFLAGS)

# The programs that run cases in children with the shim preloaded
# (t/fault/child.c): the library's failure paths, and its kernel-dependent
# paths under a kernel release the shim pretends.
FAULT_CHILD_CPPFLAGS = $(AM_CPPFLAGS) \
	-DUDO_FAULT_SHIM='"$(abs_top_builddir)/t/fault/.libs/udo-fault.so"' \
	-DUDO_FAULT_LSAN_SUPP='"$(abs_top_srcdir)/t/fault/lsan.supp"'
check_PROGRAMS += t/fault-injection t/fault-sweep t/kernel-quirks
TESTS += t/fault-injection t/fault-sweep t/kernel-quirks
t_fault_injection_SOURCES = t/fault-injection.c t/fault/child.c t/fault/child.h
t_fault_injection_CPPFLAGS = $(FAULT_CHILD_CPPFLAGS)
t_fault_sweep_SOURCES = t/fault-sweep.c t/fault/child.c t/fault/child.h
t_fault_sweep_CPPFLAGS = $(FAULT_CHILD_CPPFLAGS)
t_kernel_quirks_SOURCES = t/kernel-quirks.c t/fault/child.c t/fault/child.h
t_kernel_quirks_CPPFLAGS = $(FAULT_CHILD_CPPFLAGS)
endif
EXTRA_DIST += t/fault/lsan.supp
