#!/bin/sh
# The library's manual is tested like code (TAP):
#  - every symbol of lib/libudo-vsock-tcp.sym has a section-3 page among the
#    installed ones (its own, or a .so link to the page that names it), and
#    every name a page's NAME section lists has one, so `man 3 NAME` works;
#  - every page (udo-vsock(1)'s too) passes mandoc -Tlint -W all with no message at all (no
#    message is filtered), and man(1) formats it with no warning from groff,
#    the way lintian runs it, at lintian's width (120) and a terminal's
#    (80); the one-line .so pages are not linted (mandoc calls .so
#    "fragile" and, run on the source tree, cannot follow it to man3/):
#    their target is checked instead, and dh_installman installs them as
#    symlinks;
#  - every section-3 page has the sections a reader looks for, and its
#    SYNOPSIS gives the pkg-config line;
#  - every EXAMPLES program, as the reader sees it (rendered by mandoc),
#    compiles with -Werror against the build tree's headers, links the build
#    tree's library, and runs and succeeds here (the tests run it on the
#    transport `auto` picks: tcp on loopback without vsock loopback).
# Written into the build tree by make (man/local.mk) with the lines below
# replaced; in a tree without the sources (make check-vm) it skips.
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top
libtool=libtool
cc=cc
cflags=
pages=

sym=$top/lib/libudo-vsock-tcp.sym
if [ ! -f "$sym" ] || [ ! -d "$top/man" ]; then
	echo "1..0 # SKIP no source tree at $top (the pages are checked where it is)"
	exit 0
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
status=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
mandoc=$(command -v mandoc || true)
# man-db's man(1): --warnings and -Z are its options (lintian runs it so).
man=$(command -v man || true)
noman="man-db's man(1) is not installed (scripts/deps installs it)"
if [ -n "$man" ] && ! "$man" --help 2>&1 | grep -q -e --warnings; then
	noman="$man is not man-db's man(1) (no --warnings; scripts/deps installs man-db)"
	man=
fi
timeout=$(command -v timeout || true)
nomandoc="mandoc is not installed (scripts/deps installs it)"

in_pages() { # in_pages FILE: FILE (man/NAME.S) is installed and checked
	case " $pages " in *" $1 "*) return 0 ;; esac
	return 1
}
# The page FILE stands for: itself, or the target of its .so link.
resolve() {
	if head -n 1 "$top/$1" | grep -q '^\.so '; then
		sed -n '1s|^\.so man[0-9]/|man/|p' "$top/$1"
	else
		echo "$1"
	fi
}
# The names a page's NAME section lists, one a line.
names() {
	sed -n '/^\.SH NAME/,/^\.SH /p' "$top/$1" | sed '1d;$d' | tr '\n' ' ' |
		sed 's/ \\- .*//' | tr ',' '\n' | tr -d ' ' | sed '/^$/d'
}
documented() { # documented NAME: man/NAME.3 is installed and names NAME
	df=man/$1.3
	in_pages "$df" || { echo "# $df is not in man/local.mk's checked pages"; return 1; }
	[ -f "$top/$df" ] || { echo "# no $df in the source tree"; return 1; }
	dp=$(resolve "$df")
	[ -f "$top/$dp" ] && in_pages "$dp" ||
		{ echo "# $df links to $dp, which is not an installed page"; return 1; }
	names "$dp" | grep -qx "$1" ||
		{ echo "# the NAME section of $dp does not list $1"; return 1; }
}

# 1. Every exported symbol, every listed name.
symbols=$(sed 's|/\*.*\*/||g' "$sym" | awk '
	/global:/ { g = 1; next } /local:/ || /^[[:space:]]*}/ { g = 0; next }
	g && /;/ { s = $0; gsub(/[[:space:];]/, "", s); if (s != "") print s }')
for s in $symbols; do
	check "man 3 $s finds a page that documents it" documented "$s"
done
full=
for f in $pages; do
	check "$f, installed by make, is in the source tree" test -f "$top/$f"
	[ -f "$top/$f" ] && [ "$(resolve "$f")" = "$f" ] && full="$full $f"
done
for f in $full; do
	case $f in *.3) ;; *) continue ;; esac
	for s in $(names "$f"); do
		check "$f: man 3 $s, listed in its NAME, finds it" documented "$s"
	done
done

# 2. Lint: no message from mandoc, no warning from groff through man(1).
lint_mandoc() {
	out=$("$mandoc" -Tlint -W all "$top/$1" 2>&1)
	[ -z "$out" ] || { echo "$out" | sed 's/^/# /'; return 1; }
}
# lintian's documentation/manual check runs, in an environment emptied but
# for PATH and TMPDIR, from the directory above the page's manN/:
#   LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=120 man --warnings -E UTF-8 -l -Tutf8 -Z PAGE
# (120 "until Bug#892423 is fixed in groff", it says, then 80). At 80, a
# terminal's width, groff 1.23 finds table cells too narrow to adjust that
# 120 hides, so both. lintian makes every line on stderr a groff-message
# tag but for man's "Reformatting" notes; here none is filtered.
lint_groff() { # lint_groff PAGE WIDTH
	out=$(cd "$top" && env -i PATH="$PATH" TMPDIR="${TMPDIR:-/tmp}" \
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH="$2" \
		"$man" --warnings -E UTF-8 -l -Tutf8 -Z "$1" 2>&1 >/dev/null)
	[ -z "$out" ] || { echo "$out" | sed 's/^/# /'; return 1; }
}
for f in $full; do
	if [ -n "$mandoc" ]; then
		check "$f: mandoc -Tlint reports nothing" lint_mandoc "$f"
	else
		skip "$f: mandoc -Tlint reports nothing" "$nomandoc"
	fi
	for w in 120 80; do
		d="$f: man --warnings at MANWIDTH=$w (groff -ww, as lintian runs it) warns of nothing"
		if [ -n "$man" ]; then
			check "$d" lint_groff "$f" "$w"
		else
			skip "$d" "$noman"
		fi
	done
done

# 3. Section-3 pages: the sections, the pkg-config line, the example.
has_sections() {
	for h in NAME SYNOPSIS DESCRIPTION 'RETURN VALUE' ERRORS ATTRIBUTES \
		ENVIRONMENT EXAMPLES 'SEE ALSO'; do
		grep -qx "\\.SH $h" "$top/$1" || { echo "# no .SH $h in $1"; return 1; }
	done
	sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$top/$1" |
		grep -q 'pkg\\-config \\-\\-cflags \\-\\-libs udo\\-vsock\\-tcp' ||
		{ echo "# the SYNOPSIS of $1 does not give the pkg-config line"; return 1; }
}
# The EXAMPLES program as mandoc renders it: its .EX blocks in a page of
# their own, without the page's header, footer and indentation.
example() {
	{
		echo '.TH X 3'; echo '.SH X'
		sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$top/$1" | sed -n '/^\.EX/,/^\.EE/p'
	} | "$mandoc" -Tascii -Owidth=200 | sed 's/.\x08//g' |
		sed -e '1,/^X$/d' -e '$d' | sed -e 's/^       //' > "$2"
	grep -q 'int main' "$2" || { echo "# no program in the EXAMPLES of $1"; return 1; }
}
build_example() {
	# shellcheck disable=SC2086 # cflags and libtool are word lists
	$libtool --silent --mode=link --tag=CC $cc $cflags -Wall -Wextra -Werror \
		-I"$top/include" -o "$2" "$1" "$build/libudo-vsock-tcp.la" -no-install \
		> "$2.log" 2>&1 || { sed 's/^/# /' "$2.log"; return 1; }
}
run_example() {
	# A cross build (UDO_TEST_EMULATOR, t/local.mk) runs it under qemu-user.
	# shellcheck disable=SC2086 # an optional command word
	$timeout ${timeout:+-k 10 120} ${UDO_TEST_EMULATOR:-} "$1" > "$1.out" 2>&1
	r=$?
	sed 's/^/# /' "$1.out"
	[ "$r" -eq 0 ] || { echo "# exit status $r"; return 1; }
}
for f in $full; do
	case $f in *.3) ;; *) continue ;; esac
	check "$f: has NAME ... SEE ALSO, and the pkg-config line" has_sections "$f"
	base=$tmp/$(basename "$f" .3)
	if [ -z "$mandoc" ]; then
		skip "$f: EXAMPLES program compiles and links the build tree's library" "$nomandoc"
		skip "$f: EXAMPLES program runs and succeeds" "$nomandoc"
	elif ! example "$f" "$base.c"; then
		not_ok "$f: EXAMPLES program compiles and links the build tree's library"
		skip "$f: EXAMPLES program runs and succeeds" "it has no program"
	elif ! build_example "$base.c" "$base"; then
		not_ok "$f: EXAMPLES program compiles and links the build tree's library"
		skip "$f: EXAMPLES program runs and succeeds" "it did not build"
	else
		ok "$f: EXAMPLES program compiles and links the build tree's library"
		check "$f: EXAMPLES program runs and succeeds" run_example "$base"
	fi
done
echo "1..$n"
exit $status
