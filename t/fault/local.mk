# Fault injection: t/fault/shim.c is an LD_PRELOAD shim (a check-only
# module, never installed) that makes chosen calls fail; t/fault-injection
# runs each case in a child process with the shim preloaded.
if HAVE_CMOCKA
check_LTLIBRARIES += t/fault/udo-fault.la
t_fault_udo_fault_la_SOURCES = t/fault/shim.c
# Not instrumented (no $(SANITIZER_CFLAGS)): ASan calls the shim's malloc
# and free while it starts, before instrumented code may run.
t_fault_udo_fault_la_CFLAGS = $(WARN_CFLAGS) -fvisibility=hidden $(PTHREAD_CFLAGS)
t_fault_udo_fault_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
t_fault_udo_fault_la_LIBADD = -ldl $(PTHREAD_LIBS)
# Nor by the user's CFLAGS/LDFLAGS (configure.ac: FAULT_SHIM_*FLAGS), set
# for its object and module alone. The targets are named through variables
# so that automake keeps its own rules for them.
FAULT_SHIM_OBJECT = t/fault/udo_fault_la-shim.lo
FAULT_SHIM_MODULE = t/fault/udo-fault.la
$(FAULT_SHIM_OBJECT): CFLAGS = $(FAULT_SHIM_CFLAGS)
$(FAULT_SHIM_MODULE): LDFLAGS = $(FAULT_SHIM_LDFLAGS)

check_PROGRAMS += t/fault-injection
TESTS += t/fault-injection
t_fault_injection_CPPFLAGS = $(AM_CPPFLAGS) \
	-DUDO_FAULT_SHIM='"$(abs_top_builddir)/t/fault/.libs/udo-fault.so"' \
	-DUDO_FAULT_LSAN_SUPP='"$(abs_top_srcdir)/t/fault/lsan.supp"'
endif
EXTRA_DIST += t/fault/lsan.supp
