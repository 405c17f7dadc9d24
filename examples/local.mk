# examples/: the round trip of the README (scripts/quickstart), built on
# demand and, after an install, against the installed library.
# The main job: a round trip over the best transport (scripts/quickstart).
EXTRA_PROGRAMS += examples/roundtrip
examples_roundtrip_LDADD = libudo-vsock-tcp.la
examples_roundtrip_LDFLAGS = -no-install
CLEANFILES += examples/roundtrip roundtrip-installed
EXTRA_DIST += examples/roundtrip.c

# After an install (make installcheck, and so make distcheck): a program
# built only from the installed headers and pkg-config file passes.
installcheck-local:
	PKG_CONFIG_PATH='$(DESTDIR)$(pkgconfigdir)' PKG_CONFIG_SYSROOT_DIR='$(DESTDIR)' \
	  $(CC) $(CFLAGS) -o roundtrip-installed $(srcdir)/examples/roundtrip.c \
	  `PKG_CONFIG_PATH='$(DESTDIR)$(pkgconfigdir)' PKG_CONFIG_SYSROOT_DIR='$(DESTDIR)' \
	    $(PKG_CONFIG) --cflags --libs udo-vsock-tcp`
	LD_LIBRARY_PATH='$(DESTDIR)$(libdir)' UDO_VSOCK_TCP_TRANSPORT=tcp \
	  UDO_VSOCK_TCP_PLUGIN_PATH='$(DESTDIR)$(pkglibdir)' ./roundtrip-installed
