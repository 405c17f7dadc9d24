#!/bin/sh
# debian/ agrees with the build (TAP): the symbols file lists exactly what
# lib/libudo-vsock-tcp.sym exports, node by node, and debian/changelog's
# version is the package version of configure.ac. The package build fails
# on symbols drift too (debian/rules); this catches it in `make check`.
top=$(cd "$(dirname "$0")/.." && pwd)
sym=$top/lib/libudo-vsock-tcp.sym
deb=$top/debian/libudo-vsock-tcp0.symbols
echo 1..2
if [ ! -f "$deb" ]; then
	echo "ok 1 - debian/libudo-vsock-tcp0.symbols matches the version script # SKIP no $deb"
	echo "ok 2 - debian/changelog has the version of configure.ac # SKIP no $deb"
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
have=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$top/debian/changelog")
if [ -n "$want" ] && [ "$want" = "$have" ]; then
	echo "ok 2 - debian/changelog has the version of configure.ac ($want)"
else
	echo "# configure.ac: AC_INIT version '$want'; debian/changelog: '$have'"
	echo "# add a debian/changelog entry (dch -v $want) when the version changes"
	echo "not ok 2 - debian/changelog has the version of configure.ac"
	status=1
fi
exit $status
