# The unix transport: abstract AF_UNIX sockets for two ends on one machine,
# streams and seqpacket (README, "Message sockets").
pkglib_LTLIBRARIES += plugins/unix.la
plugins_unix_la_SOURCES = plugins/unix/unix.c plugins/adopt-addr.c plugins/adopt-addr.h
plugins_unix_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_unix_la_LIBADD = shared/libshared.la $(PTHREAD_LIBS)
