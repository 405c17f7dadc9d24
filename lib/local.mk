# lib/: the core, libudo-vsock-tcp (the dispatch layer, settings, the
# plugin loader, the connect wait, socket activation).
EXTRA_DIST += lib/libudo-vsock-tcp.sym

# The core: exports udo_* only (visibility and a version script).
lib_LTLIBRARIES += libudo-vsock-tcp.la
libudo_vsock_tcp_la_SOURCES += \
	lib/vsock-tcp.c lib/create.c lib/auto.c lib/quirks.c lib/loader.c lib/log.c \
	lib/env.c lib/env.h lib/settings.c lib/settings.h lib/plugin-file.c lib/plugin-file.h \
	lib/core.h
libudo_vsock_tcp_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
libudo_vsock_tcp_la_LDFLAGS = -version-info $(LIBUDO_LT_VERSION) -no-undefined \
	-Wl,--version-script=$(srcdir)/lib/libudo-vsock-tcp.sym
libudo_vsock_tcp_la_LIBADD += shared/libshared.la $(LTDL_LIBS) $(PTHREAD_LIBS)
EXTRA_libudo_vsock_tcp_la_DEPENDENCIES = lib/libudo-vsock-tcp.sym

libudo_vsock_tcp_la_SOURCES += lib/connect-wait.c lib/connect-wait.h lib/activation.h

# Socket activation: lib/activation.c, with libsystemd's sd-daemon.
if HAVE_LIBSYSTEMD
libudo_vsock_tcp_la_SOURCES += lib/activation.c
libudo_vsock_tcp_la_CFLAGS = $(AM_CFLAGS) $(LIBSYSTEMD_CFLAGS)
libudo_vsock_tcp_la_LIBADD += $(LIBSYSTEMD_LIBS)
else
EXTRA_DIST += lib/activation.c
endif

