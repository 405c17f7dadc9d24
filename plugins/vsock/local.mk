# The vsock transport: AF_VSOCK itself.
pkglib_LTLIBRARIES += plugins/vsock.la
plugins_vsock_la_SOURCES = plugins/vsock/vsock.c plugins/adopt-addr.c plugins/adopt-addr.h
plugins_vsock_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_vsock_la_LIBADD = shared/libshared.la $(PTHREAD_LIBS)
