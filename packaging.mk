# Debian packaging: debian/, scripts/deb, scripts/deb-test (debian/README.source).
#
#   make deb [DEB_OUT=DIR]   build the packages from a clean export of the
#                            repository, lintian (E: or W: fails), install them
#                            with apt-get, test them as installed, purge them.
#                            Results in DIR (default _deb/ in the source tree).
#
# debian/ is in the release tarball: this is a native package, so the tarball
# holds everything dpkg-buildpackage needs, and `make check` (and so
# distcheck) checks that the symbols file matches the version script.
EXTRA_DIST += debian scripts/deb scripts/deb-test scripts/reproducible scripts/test-arm64

DEB_OUT = $(abs_top_srcdir)/_deb
deb:
	$(top_srcdir)/scripts/deb '$(DEB_OUT)'
.PHONY: deb

# EXTRA_DIST copies debian/ whole: drop what an in-place package build
# leaves there, should one have been run.
dist-hook: dist-hook-debian
dist-hook-debian:
	cd '$(distdir)/debian' && rm -rf .debhelper tmp files debhelper-build-stamp \
	  *.substvars *.debhelper.log autoreconf.before autoreconf.after \
	  libudo-vsock-tcp0 libudo-vsock-tcp0-dbgsym libudo-vsock-tcp-dev \
	  udo-vsock udo-vsock-dbgsym exported.symbols listed.names exported.names
.PHONY: dist-hook-debian

# make deb-arm64: the same packages cross-built for arm64 (scripts/deb
# --host-arch arm64), lintian, installed beside the native system and tested
# under qemu-user (scripts/deb-test), purged.
DEB_ARM64_OUT = $(abs_top_srcdir)/_deb-arm64
deb-arm64:
	$(top_srcdir)/scripts/deb --host-arch arm64 '$(DEB_ARM64_OUT)'
.PHONY: deb-arm64
