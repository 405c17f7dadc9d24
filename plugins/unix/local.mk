# The unix transport: abstract AF_UNIX sockets for two ends on one machine,
# streams and seqpacket (README, "Message sockets").
pkglib_LTLIBRARIES += plugins/unix.la
plugins_unix_la_SOURCES = plugins/unix/unix.c \
	lib/context.c lib/transport.h lib/quote.c lib/quote.h
plugins_unix_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_unix_la_LIBADD = $(PTHREAD_LIBS)
