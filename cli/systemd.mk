# udo-vsock's pieces for running under systemd: kept apart from
# cli/local.mk while the tool is reworked there; fold in when merging.
# udo-vsock under systemd: cli/activate.c.
udo_vsock_SOURCES += cli/activate.c cli/activate.h cli/passed.c cli/passed.h \
	cli/relay-service.c cli/relay-service.h cli/fdpass.c cli/fdpass.h
if HAVE_LIBSYSTEMD
udo_vsock_CFLAGS = $(AM_CFLAGS) $(LIBSYSTEMD_CFLAGS)
udo_vsock_LDADD += $(LIBSYSTEMD_LIBS)
endif

