# systemd/: udo-vsock's relay units.
# The relay units (systemd/): installed, never enabled by the install.
RELAY_UNITS = systemd/udo-vsock-relay@.socket systemd/udo-vsock-relay@.service
systemdsystemunit_DATA = $(RELAY_UNITS)
EXTRA_DIST += systemd/udo-vsock-relay@.socket.in systemd/udo-vsock-relay@.service.in
CLEANFILES += $(RELAY_UNITS)
$(RELAY_UNITS): %: $(srcdir)/%.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed 's|@bindir[@]|$(bindir)|g' $(srcdir)/$@.in > $@.tmp && mv -f $@.tmp $@

