#!/bin/sh
# The Debian symbols file lists exactly what lib/libudo-vsock-tcp.sym exports,
# node by node (TAP). The package build fails on the same drift
# (dpkg-gensymbols -c4 in debian/rules); this catches it in `make check`.
top=$(cd "$(dirname "$0")/.." && pwd)
sym=$top/lib/libudo-vsock-tcp.sym
deb=$top/debian/libudo-vsock-tcp0.symbols
echo 1..1
if [ ! -f "$deb" ]; then
	echo "ok 1 - debian/libudo-vsock-tcp0.symbols matches the version script # SKIP no debian/"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
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
fi
