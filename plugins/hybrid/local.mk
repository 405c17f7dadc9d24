# The hybrid transport: vsock through the Unix sockets of Firecracker and
# cloud-hypervisor (README, "Hybrid vsock"); its UDO_VSOCK_TCP_UDS parser is shared/uds-map.c,
# which the tool reads too.
pkglib_LTLIBRARIES += plugins/hybrid.la
plugins_hybrid_la_SOURCES = plugins/hybrid/hybrid.c \
	plugins/hybrid/ack.c plugins/hybrid/ack.h \
	plugins/hybrid/handshake.c plugins/hybrid/handshake.h
plugins_hybrid_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_hybrid_la_LIBADD = shared/libshared.la
