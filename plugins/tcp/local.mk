# The tcp transport: plain TCP, CIDs mapped to hosts (UDO_VSOCK_TCP_MAP).
pkglib_LTLIBRARIES += plugins/tcp.la
plugins_tcp_la_SOURCES = plugins/tcp/tcp.c plugins/tcp/cidmap.c plugins/tcp/cidmap.h \
	plugins/tcp/resolve.c plugins/tcp/resolve.h \
	plugins/tcp/adopt.c plugins/tcp/adopt.h plugins/adopt-addr.c plugins/adopt-addr.h \
	plugins/tcp/cidmap-cache.c plugins/tcp/cidmap-cache.h \
	plugins/tcp/connect.c plugins/tcp/connect.h
plugins_tcp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_tcp_la_LIBADD = shared/libshared.la $(PTHREAD_LIBS)
