#!/bin/sh
# Every place that lists the transports names each one the library has
# (TAP): the names come from udo_vsock_tcp_transport_name (t/transport-list),
# so a new transport fails here until its manual lines, README row and
# packaging lines are written.
# Written into the build tree by make (t/local.mk) with the lines below
# replaced; in a tree without the sources (make check-vm) it skips.
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top

if [ ! -f "$top/man/udo-vsock-tcp.7" ]; then
	echo "1..0 # SKIP no source tree at $top (the lists are checked where it is)"
	exit 0
fi
names=$(${UDO_TEST_EMULATOR:+$UDO_TEST_EMULATOR} "$build/t/transport-list") || {
	echo "Bail out! t/transport-list failed"
	exit 1
}
if [ -z "$names" ]; then
	echo "Bail out! the library lists no transport"
	exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
status=0

# check DESCRIPTION PATTERN: the text in $tmp/text names each transport, as
# the grep -E pattern PATTERN does with NAME in it. (Not fed by a pipe: a
# pipe's last part runs in a subshell in some shells, losing n and status.)
check() {
	desc=$1 pattern=$2
	text=$(cat "$tmp/text")
	missing=
	for name in $names; do
		p=$(printf '%s\n' "$pattern" | sed "s/NAME/$name/g")
		printf '%s\n' "$text" | grep -Eq -- "$p" || missing="$missing $name"
	done
	n=$((n + 1))
	if [ -z "$missing" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "# missing:$missing"
		status=1
	fi
}

# The README's row for UDO_VSOCK_TCP_TRANSPORT, and its table of what each
# transport carries.
grep '^| `UDO_VSOCK_TCP_TRANSPORT` |' "$top/README.md" >"$tmp/text"
check 'README.md: UDO_VSOCK_TCP_TRANSPORT takes every transport' '`NAME`'
grep '^| `[a-z]*` |' "$top/README.md" >"$tmp/text"
check 'README.md: a row for every transport' '^\| `NAME` \|'
# udo-vsock-tcp(7): the plugin files, under FILES.
sed -n '/^\.SH FILES/,/^\.SH /p' "$top/man/udo-vsock-tcp.7" >"$tmp/text"
check 'udo-vsock-tcp(7) FILES: every plugin file' '[{ ,]NAME[ ,}]'
# udo_vsock_tcp_get_fd(3): what udo_vsock_tcp_get_transport() returns.
sed -n '/udo_vsock_tcp_get_transport ()$/,/static/p' "$top/man/udo_vsock_tcp_get_fd.3" >"$tmp/text"
check 'udo_vsock_tcp_get_fd(3): every name get_transport returns' '"""NAME"""'
# udo-vsock(1): --transport's names.
sed -n '/^\.BI \\-t " NAME"/,/^\.TP/p' "$top/cli/udo-vsock.1" >"$tmp/text"
check 'udo-vsock(1): --transport takes every transport' '^\.BR? NAME( ,)?$'
# debian/README.source: the plugins the package ships.
sed -n '/^Transport modules/,/^[A-Z].*[a-z]$/p' "$top/debian/README.source" >"$tmp/text"
check 'debian/README.source: every plugin' '(^|[ ,])NAME\.so'
# scripts/deb-test: the installed plugins, and the symbols file keeps them out.
cp "$top/scripts/deb-test" "$tmp/text"
check 'scripts/deb-test: checks every plugin is installed' 'udo-vsock-tcp/NAME\.so'
grep -- "grep -Eq '^ \*(" "$top/scripts/deb-test" >"$tmp/text"
check 'scripts/deb-test: no plugin in the symbols file' '[(|]NAME[|)]'
# The tool's --help, on --transport.
# In the build tree udo-vsock is libtool's wrapper script: an emulator runs
# the program itself, with the build tree's library.
tool=$build/udo-vsock
if [ -n "${UDO_TEST_EMULATOR:-}" ] && [ -x "$build/.libs/udo-vsock" ]; then
	tool=$build/.libs/udo-vsock
	LD_LIBRARY_PATH=$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi
${UDO_TEST_EMULATOR:+$UDO_TEST_EMULATOR} "$tool" --help 2>&1 |
	sed -n '/--transport=NAME/,/^  -[a-z]/p' >"$tmp/text"
check 'udo-vsock --help: --transport takes every transport' '(^|[ ,])NAME[ ,]'

echo "1..$n"
exit $status
