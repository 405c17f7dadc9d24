#!/bin/sh
# scripts/deps (TAP), against fake dpkg, apt and id: what it asks apt-get to
# install on a machine that has nothing yet. man-db is among it (the manual
# tests check pages with it, as lintian does), and for a cross build a
# package of Architecture: all (linux-libc-dev from Debian 13 on) is asked
# for by its plain name: apt knows no linux-libc-dev:arm64 there.
top=$(cd "$(dirname "$0")/.." && pwd)
echo 1..6
if [ ! -f "$top/scripts/deps" ] || ! command -v bash > /dev/null; then
	for i in 1 2 3 4 5 6; do
		echo "ok $i - scripts/deps # SKIP no source tree (or no bash) here ($top/scripts/deps)"
	done
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
cat > "$tmp/bin/dpkg-query" <<'FAKE'
#!/bin/sh
# dpkg-query -W -f=FORMAT PKG: installed when listed in $FAKE/installed
for last; do :; done
grep -qxF -- "$last" "$FAKE/installed" && echo "install ok installed"
exit 0
FAKE
cat > "$tmp/bin/apt-cache" <<'FAKE'
#!/bin/sh
# apt-cache show --no-all-versions PKG: Architecture: all when listed in $FAKE/all
for last; do :; done
echo "Package: $last"
if grep -qxF -- "$last" "$FAKE/all"; then echo "Architecture: all"; else echo "Architecture: amd64"; fi
FAKE
cat > "$tmp/bin/apt-get" <<'FAKE'
#!/bin/sh
echo "$*" >> "$FAKE/apt-get"
FAKE
cat > "$tmp/bin/dpkg" <<'FAKE'
#!/bin/sh
case $1 in
--print-architecture) echo amd64 ;;
--print-foreign-architectures) cat "$FAKE/foreign" ;;
*) echo "$*" >> "$FAKE/dpkg" ;;
esac
FAKE
printf '#!/bin/sh\ncat "$FAKE/uid"\n' > "$tmp/bin/id"
chmod +x "$tmp/bin/"*
FAKE=$tmp
export FAKE
status=0
n=0
t() { # DESCRIPTION TEST...
	n=$((n + 1))
	d=$1
	shift
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; status=1; fi
}
deps() { # ARGS: scripts/deps with the fakes; its stderr in $tmp/err
	: > "$tmp/apt-get"
	PATH="$tmp/bin:$PATH" "$top/scripts/deps" "$@" 2> "$tmp/err"
}
installs() { grep '^install ' "$tmp/apt-get" | tr ' ' '\n' | grep -qxF -- "$1"; }
: > "$tmp/installed"
: > "$tmp/all"
: > "$tmp/foreign"

echo 1000 > "$tmp/uid"
deps
rc=$?
t "not root, packages missing: exit status 1, one line naming them" \
	eval 'test $rc -eq 1 && test "$(wc -l < "$tmp/err")" -eq 1 && grep -q "missing packages: .*man-db" "$tmp/err"'

echo 0 > "$tmp/uid"
deps > /dev/null
t "as root: apt-get update, then installs man-db (for t/man-pages' groff checks)" \
	eval 'head -n 1 "$tmp/apt-get" | grep -q "^update" && installs man-db'

echo linux-libc-dev > "$tmp/all"
echo arm64 > "$tmp/foreign"
deps --cross arm64 > /dev/null
t "cross, linux-libc-dev of Architecture: all (Debian 13): asked for as linux-libc-dev" \
	eval 'installs linux-libc-dev && ! installs linux-libc-dev:arm64'
t "... and the architecture's own libraries with :arm64" installs libcmocka-dev:arm64

: > "$tmp/all"
deps --cross arm64 > /dev/null
t "cross, linux-libc-dev per architecture (Debian 12): asked for as linux-libc-dev:arm64" \
	installs linux-libc-dev:arm64

# Everything there (linux-libc-dev as Debian 13 installs it): no apt-get.
echo linux-libc-dev > "$tmp/all"
sed -n 's/^install -y -q --no-install-recommends //p' "$tmp/apt-get" | tr ' ' '\n' |
	sed 's/^linux-libc-dev:arm64$/linux-libc-dev/' > "$tmp/installed"
deps --cross arm64 > /dev/null
rc=$?
t "cross, all installed: exit status 0, apt-get not run" \
	eval 'test $rc -eq 0 && test ! -s "$tmp/apt-get"'
exit $status
