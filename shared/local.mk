# shared/: the helpers the core, the transport plugins and the tool share
# (quoting, error recording, deadlines, the plugin ABI header, the
# variable names), built once as a convenience library that each links.
# -fvisibility=hidden (AM_CFLAGS): nothing here is exported from the
# library or a plugin; each gets its own hidden copy.
noinst_LTLIBRARIES += shared/libshared.la
shared_libshared_la_SOURCES = \
	shared/quote.c shared/quote.h \
	shared/context.c shared/deadline.c shared/deadline.h shared/ms.c shared/ms.h \
	shared/transport.h shared/env-names.h \
	shared/uds-map.c shared/uds-map.h shared/map-text.h
