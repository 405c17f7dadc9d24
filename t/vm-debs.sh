#!/bin/sh
# vm/debs.sh (TAP): vm/run finds a program of a package it unpacked for a
# guest of another architecture (busybox-static's busybox, socat) where that
# release puts it: /bin/busybox in Debian 12, /usr/bin/busybox in Debian 13.
top=$(cd "$(dirname "$0")/.." && pwd)
echo 1..4
bash=$(command -v bash || true)
if [ ! -f "$top/vm/debs.sh" ] || [ -z "$bash" ]; then
	why="no source tree here ($top/vm/debs.sh)"
	[ -n "$bash" ] || why="no bash here (vm/run is a bash script)"
	for i in 1 2 3 4; do
		echo "ok $i - vm/debs.sh finds a package's program # SKIP $why"
	done
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
n=0
# found DIR NAME: pkg_program's answer for the package unpacked in DIR
found() {
	"$bash" -c '. "$1/vm/debs.sh" && pkg_program "$2" "$3"' sh "$top" "$1" "$2" 2>&1
}
t() { # DESCRIPTION WANT GOT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "# want '$2', got '$3'"
		echo "not ok $n - $1"
		status=1
	fi
}
mkdir -p "$tmp/deb12/bin" "$tmp/deb13/usr/bin" "$tmp/empty/usr/share/doc"
: > "$tmp/deb12/bin/busybox"
: > "$tmp/deb13/usr/bin/busybox"
t "Debian 12's busybox-static: bin/busybox" "$tmp/deb12/bin/busybox" "$(found "$tmp/deb12" busybox)"
t "Debian 13's busybox-static: usr/bin/busybox" "$tmp/deb13/usr/bin/busybox" "$(found "$tmp/deb13" busybox)"
t "a package without the program: fails, printing nothing" "1:" \
	"$(out=$(found "$tmp/empty" busybox); echo "$?:$out")"
# And where this system's own busybox-static puts it (this release's layout).
mine=$(dpkg-query -L busybox-static 2>/dev/null | grep '/s\{0,1\}bin/busybox$' | head -n 1)
if [ -n "$mine" ]; then
	mkdir -p "$tmp/here${mine%/busybox}"
	: > "$tmp/here$mine"
	t "this release's busybox-static: $mine" "$tmp/here$mine" "$(found "$tmp/here" busybox)"
else
	n=$((n + 1))
	echo "ok $n - this release's busybox-static # SKIP busybox-static is not installed (scripts/deps qemu-system-x86 busybox-static installs it)"
fi
exit $status
