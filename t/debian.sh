#!/bin/sh
# debian/ agrees with the build (TAP): the symbols file lists exactly what
# lib/libudo-vsock-tcp.sym exports, node by node, each symbol with the release
# that introduced it (node UDO_VSOCK_TCP_X.Y: release X.Y.0); and the release
# says the API: AC_INIT's version, debian/changelog's upstream version and the
# newest version node agree, so none is bumped without the others. The
# package build fails on symbols drift too (debian/rules); this catches it in
# `make check`.
top=$(cd "$(dirname "$0")/.." && pwd)
sym=$top/lib/libudo-vsock-tcp.sym
deb=$top/debian/libudo-vsock-tcp0.symbols
echo 1..4
if [ ! -f "$deb" ]; then
	for t in "1 - debian/libudo-vsock-tcp0.symbols matches the version script" \
		"2 - debian/changelog has the version of configure.ac" \
		"3 - configure.ac's version is the release of the newest version node" \
		"4 - each symbol's minimum version is the release of its node"; do
		echo "ok $t # SKIP no $deb"
	done
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

# From the version script: NAME@NODE for each global of each node, and the
# node itself (NODE@NODE), as dpkg-gensymbols writes them.
sed 's|/\*.*\*/||g' "$sym" | awk '
	/^[[:space:]]*[A-Za-z0-9_.]+[[:space:]]*\{/ { node = $1; sub(/\{.*/, "", node); print node "@" node; glob = 0; next }
	/global:/ { glob = 1; next }
	/local:/  { glob = 0; next }
	/^[[:space:]]*\}/ { glob = 0; next }
	glob && /;/ { s = $0; gsub(/[[:space:];]/, "", s); if (s != "") print s "@" node }
' | sort > "$tmp/script"
awk '/^ / { print $1 }' "$deb" | sort > "$tmp/debian"
if diff -u "$tmp/debian" "$tmp/script" > "$tmp/diff"; then
	echo "ok 1 - debian/libudo-vsock-tcp0.symbols matches the version script"
else
	sed 's/^/# /' "$tmp/diff"
	echo "# update debian/libudo-vsock-tcp0.symbols (see debian/README.source)"
	echo "not ok 1 - debian/libudo-vsock-tcp0.symbols matches the version script"
	status=1
fi

want=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
# The upstream part: a package built for one release (scripts/deb) adds a
# suffix such as +deb13u1 in its export, never in the committed changelog.
have=$(sed -n '1s/^[^ ]* (\([^)+~-]*\)[^)]*).*/\1/p' "$top/debian/changelog")
if [ -n "$want" ] && [ "$want" = "$have" ]; then
	echo "ok 2 - debian/changelog has the version of configure.ac ($want)"
else
	echo "# configure.ac: AC_INIT version '$want'; debian/changelog: '$have'"
	echo "# add a debian/changelog entry (dch -v $want) when the version changes"
	echo "not ok 2 - debian/changelog has the version of configure.ac"
	status=1
fi

# The newest node is the last one: each node inherits the one before it.
node=$(sed -n 's/^\(UDO_VSOCK_TCP_[0-9][0-9]*\.[0-9][0-9]*\)[[:space:]]*{.*/\1/p' "$sym" | tail -n 1)
api=${node#UDO_VSOCK_TCP_}
case $want in
"$api".*)
	echo "ok 3 - configure.ac's version is the release of the newest version node ($want, $node)" ;;
*)
	echo "# configure.ac: AC_INIT version '$want'; newest node of $sym: '$node'"
	echo "# a release that adds a node is version $api.0 (AC_INIT, dch -v), and"
	echo "# libtool's -version-info adds an interface (configure.ac)"
	echo "not ok 3 - configure.ac's version is the release of the newest version node"
	status=1 ;;
esac

# " NAME@UDO_VSOCK_TCP_X.Y X.Y.0": what a package built against this symbol
# needs at least. A later version would make dependent packages ask for more
# than they need; an earlier one would let them install with a library that
# lacks the symbol.
awk '/^ / {
	node = $1; sub(/.*@UDO_VSOCK_TCP_/, "", node)
	if ($2 != node ".0") print $1 " " $2 " (want " node ".0)"
}' "$deb" > "$tmp/minver"
if [ ! -s "$tmp/minver" ]; then
	echo "ok 4 - each symbol's minimum version is the release of its node"
else
	sed 's/^/# /' "$tmp/minver"
	echo "not ok 4 - each symbol's minimum version is the release of its node"
	status=1
fi
exit $status
