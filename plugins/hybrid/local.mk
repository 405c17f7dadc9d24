# The hybrid transport: vsock through the Unix sockets of Firecracker and
# cloud-hypervisor (README, "Hybrid vsock"), with its tests and the fuzz
# target of its UDO_VSOCK_TCP_UDS parser.
pkglib_LTLIBRARIES += plugins/hybrid.la
plugins_hybrid_la_SOURCES = plugins/hybrid/hybrid.c plugins/map-text.h \
	plugins/hybrid/uds-map.c plugins/hybrid/uds-map.h \
	plugins/hybrid/ack.c plugins/hybrid/ack.h \
	plugins/hybrid/nonblock.c plugins/hybrid/nonblock.h
plugins_hybrid_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_hybrid_la_LIBADD = shared/libshared.la
