#!/bin/sh
# What the build exports (TAP): libudo-vsock-tcp.so defines exactly the
# globals of lib/libudo-vsock-tcp.sym, each at its node, and each transport
# plugin exactly its one entry symbol. The helpers every one of them links
# from shared/libshared.la stay hidden.
# Written into the build tree by make (t/local.mk) with the lines below
# replaced; in a tree without the sources (make check-vm) it skips.
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top
nm=nm

sym=$top/lib/libudo-vsock-tcp.sym
lib=$build/.libs/libudo-vsock-tcp.so
if [ ! -f "$sym" ]; then
	echo "1..0 # SKIP no source tree at $top"
	exit 0
fi
if [ ! -f "$lib" ]; then
	echo "1..0 # SKIP no shared library at $lib (--disable-shared?)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
status=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$tmp/diff"
		status=1
	fi
}
# NAME@NODE for each defined dynamic symbol, the nodes themselves left out.
exports() {
	$nm -D --defined-only "$1" | awk '$2 != "A" { print $3 }' | sed 's/@@*/@/' | sort
}

awk '/^[A-Z_0-9.]+ *\{/ { node = $1 } /^\t[a-z_0-9]+;/ { sub(/;/, ""); print $1 "@" node }' \
	"$sym" | sort >"$tmp/want"
exports "$lib" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"
result $? "libudo-vsock-tcp.so exports the version script's symbols, each at its node, and nothing else"

for p in "$build"/plugins/.libs/*.so; do
	[ -f "$p" ] || continue
	echo udo_vsock_tcp_transport_entry >"$tmp/want"
	exports "$p" >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"
	result $? "plugins/$(basename "$p") exports udo_vsock_tcp_transport_entry only"
done
echo "1..$n"
exit $status
