#!/bin/sh
# SPDX-License-Identifier: MIT
# The suite's own bounds: a test that hangs fails, it does not hold make
# check (and a CI run) for ever. t/cli-lib.sh stops its background programs
# with SIGTERM alone, and kills what outlives it; t/tap-cmocka.sh stops a
# test past UDO_TEST_TIMEOUT and shows what it was running.
. "${srcdir:-.}/t/cli-lib.sh"

plan 4
coreutils="coreutils' timeout (busybox's here: it sends no SIGCONT, and kills only when its time is up)"

# 1: what a stopped background program receives. A SIGCONT right after
# the SIGTERM hangs a sanitizer build's exit (t/cli-lib.sh, bg).
cat >"$T_DIR/signals.sh" <<'EOF'
stop=
trap 'echo TERM >>"$1"; stop=1' TERM
trap 'echo CONT >>"$1"' CONT
echo ready >"$1.ready"
while [ -z "$stop" ]; do sleep 0.1; done
sleep 0.5 # what follows the SIGTERM at once arrives meanwhile
EOF
bg sig sh "$T_DIR/signals.sh" "$T_DIR/got"
wait_until test -e "$T_DIR/got.ready"
kill "$bg_pid"
wait "$bg_pid"
[ "$(cat "$T_DIR/got" 2>/dev/null)" = TERM ]
ok $? "a background program that the test stops gets SIGTERM, and no SIGCONT"
diag "it got: $(tr '\n' ' ' <"$T_DIR/got" 2>/dev/null)"

# 2: a program that takes SIGTERM and goes on is killed 10 s later.
if [ -z "$t_bg_fg" ]; then
	skip "a background program that ignores SIGTERM is killed, not waited for" "needs $coreutils"
else
	cat >"$T_DIR/deaf.sh" <<'EOF'
trap '' TERM
echo ready >"$1.ready"
while :; do sleep 0.1; done
EOF
	bg deaf sh "$T_DIR/deaf.sh" "$T_DIR/deaf"
	deaf=$bg_pid
	wait_until test -e "$T_DIR/deaf.ready"
	kill "$deaf"
	# The bound on this wait is the case: at most 10 s, and 60 s of margin.
	wait_until sh -c '! kill -0 "$1" 2>/dev/null' sh "$deaf"
	ok $? "a background program that ignores SIGTERM is killed, not waited for"
fi

# 3: t/tap-cmocka.sh (make check's LOG_COMPILER) and a test that hangs.
runner=${srcdir:-.}/t/tap-cmocka.sh
if [ -z "$t_bg_fg" ] || [ ! -r "$runner" ]; then
	skip "make check stops a hung test, shows its processes and fails it" \
		"needs t/tap-cmocka.sh and $coreutils"
else
	printf '#!/bin/sh\necho 1..1\nsleep 3600 & sleep 3601\n' >"$T_DIR/hangs"
	chmod +x "$T_DIR/hangs"
	UDO_TEST_TIMEOUT=3 timeout -k 10 "$T_TIMEOUT" sh "$runner" "$T_DIR/hangs" \
		>"$T_DIR/hangs.out" 2>"$T_DIR/hangs.err"
	st=$?
	[ $st -eq 124 ] && grep -q 'still running' "$T_DIR/hangs.err" &&
		grep -q 'sleep 3601' "$T_DIR/hangs.err" && grep -q 'a hang' "$T_DIR/hangs.err"
	ok $? "make check stops a hung test after UDO_TEST_TIMEOUT, shows its processes and fails it"
	diag "exit status $st (124 expected)"
	diag_file "$T_DIR/hangs.err"
fi
# 4: every timeout(1) in the tests gives a program that outlives its SIGTERM
# 10 s more, then kills it (-k 10): without -k, such a program holds its
# test (and make check) for ever. A plain word, so checked here.
if [ ! -r "${srcdir:-.}/t/cli-lib.sh" ]; then
	skip "every timeout(1) in the tests kills what outlives its SIGTERM (-k)" \
		"the tests' sources are not here (make check-vm's guest gets the built scripts only)"
else
	bad=$(grep -nE '(^|[^A-Za-z0-9_${])timeout +([0-9"$]|--foreground)' "${srcdir:-.}"/t/*.sh |
		grep -v '^[^:]*:[0-9]*:[[:space:]]*#')
	[ -z "$bad" ]
	ok $? "every timeout(1) in the tests kills what outlives its SIGTERM (-k)"
	diag "$bad"
fi
done_testing
