#!/bin/sh
# scripts/autogen (TAP): the scripts run autoreconf when the build system is
# missing or unfinished, and not when a finished one is there. A failed
# autoreconf (as automake 1.17 failed on a warning) writes configure but not
# Makefile.in; the next try must write it all again, not find configure and
# skip to a configure that cannot find Makefile.in. A fake autoreconf
# writes the outputs in autoreconf's order (libtoolize, aclocal, autoconf,
# autoheader, automake) in a scratch tree, and fails in automake on demand.
top=$(cd "$(dirname "$0")/.." && pwd)
echo 1..9
if [ ! -f "$top/scripts/autogen" ]; then
	for i in 1 2 3 4 5 6 7 8 9; do
		echo "ok $i - scripts/autogen # SKIP no source tree here ($top/scripts/autogen)"
	done
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/scripts"
cp "$top/scripts/autogen" "$tmp/src/scripts/"
cat > "$tmp/autoreconf" <<'FAKE'
#!/bin/sh
echo "$*" >> ../calls
mkdir -p build-aux m4
for f in build-aux/ltmain.sh m4/libtool.m4 aclocal.m4 configure config.h.in \
	 build-aux/install-sh build-aux/missing build-aux/compile build-aux/config.guess \
	 build-aux/config.sub build-aux/tap-driver.sh build-aux/depcomp build-aux/test-driver; do
	echo generated > "$f"
done
chmod +x configure
if [ -e ../fail ]; then
	echo "cli/local.mk:61: warning: escaping \\# comment markers is not portable" >&2
	echo "autoreconf: error: automake failed with exit status: 1" >&2
	exit 1
fi
echo generated > Makefile.in
FAKE
chmod +x "$tmp/autoreconf"
AUTORECONF=$tmp/autoreconf
export AUTORECONF
status=0
n=0
t() { # DESCRIPTION TEST...: ok when TEST succeeds
	n=$((n + 1))
	desc=$1
	shift
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		status=1
	fi
}
calls() { [ -f "$tmp/calls" ] && wc -l < "$tmp/calls" | tr -d ' ' || echo 0; }
run() { # run scripts/autogen ARGS in the scratch tree: its stderr in $tmp/err
	(cd "$tmp/src" && scripts/autogen "$@") 2> "$tmp/err"
}
complete() { [ -s "$tmp/src/configure" ] && [ -s "$tmp/src/Makefile.in" ] &&
	[ ! -e "$tmp/src/build-aux/autoreconf-unfinished" ]; }

run
t "a clean tree: autoreconf -fi runs once and finishes, quietly" \
	test "$(calls)" = 1 -a "$(cat "$tmp/calls")" = "-fi" -a ! -s "$tmp/err"
t "... and leaves a complete build system" complete
run
t "a complete build system is left alone" test "$(calls)" = 1

rm "$tmp/src/configure" "$tmp/src/Makefile.in"
: > "$tmp/fail"
run
rc=$?
t "autoreconf failing in automake fails scripts/autogen" test $rc -ne 0
t "... leaving configure without Makefile.in (the half-written state)" \
	test -s "$tmp/src/configure" -a ! -e "$tmp/src/Makefile.in"
rm "$tmp/fail"
# As a failed autoreconf run by hand (or by an older scripts/quickstart)
# leaves it: no marker.
rm "$tmp/src/build-aux/autoreconf-unfinished"
run
rc=$?
t "the next try runs autoreconf again, says why, and finishes" \
	eval 'test $rc -eq 0 && test "$(calls)" = 3 && complete &&
	grep -q "Makefile.in is missing" "$tmp/err"'

# A failure after a complete run: every file is there, but stale or
# half-written; the marker says the run did not finish.
: > "$tmp/fail"
run --force
rm "$tmp/fail"
run
rc=$?
t "a failed run over a complete build system is run again next time" \
	eval 'test $rc -eq 0 && test "$(calls)" = 5 && complete &&
	grep -q "did not finish" "$tmp/err"'

rm "$tmp/src/build-aux/tap-driver.sh"
run
t "a missing auxiliary file (build-aux/tap-driver.sh) runs autoreconf again" \
	eval 'test "$(calls)" = 6 && test -s "$tmp/src/build-aux/tap-driver.sh"'

run --bogus
rc=$?
t "an unknown argument: exit status 2 and one line saying so" \
	eval 'test $rc -eq 2 && test "$(wc -l < "$tmp/err")" -eq 1 && test "$(calls)" = 6'
exit $status
