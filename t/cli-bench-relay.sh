#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench-relay's program runs end to end at tiny sizes and prints every
# section, row and column, each connection it held echoed. It checks the
# benchmark, never a speed: no figure is compared with anything.
. "${srcdir:-.}/t/cli-lib.sh"

bench=${CLI_ECHO%/t/*}/cli/bench-relay
if [ -n "${UDO_TEST_EMULATOR:-}" ]; then
	echo "1..0 # SKIP the benchmark runs natively only"
	exit 0
fi
if [ ! -x "$bench" ]; then
	echo "1..0 # SKIP no $bench (a copy of the tests without it)"
	exit 0
fi
socat=$(command -v socat || true)
plan 9

# run NAME [SOCAT]: the benchmark with tiny sizes (2 rounds: spreads too).
run() {
	timeout -k 10 "$T_TIMEOUT" "$bench" -n 1 -r 2 -c 20 -s 4 -o 5 -p 2 "$UDO_VSOCK" ${2:+"$2"} \
		>"$T_DIR/$1.out" 2>"$T_DIR/$1.err"
}
# row NAME PATTERN: the lines of the run's output that start with PATTERN.
rows() { grep -c "^$2" "$T_DIR/$1.out"; }

run plain "$socat"
st=$?
ok $st "the benchmark runs to its end with tiny sizes"
[ $st -eq 0 ] || { diag_file "$T_DIR/plain.err"; diag_file "$T_DIR/plain.out"; }

# Every held connection echoed: in the section of the held connections,
# each path's row has all 10 columns, with connections = echoed.
n=$(awk '/^path +conns echoed/ { on = 1; next } /^opening/ { on = 0 }
	on && /^[a-z]/ { k = NF - 9; if (k >= 2 && $k == $(k + 1) && $k == ($1 ~ /^socat/ ? 4 : 20)) c++ }
	END { print c + 0 }' "$T_DIR/plain.out")
want=$([ -n "$socat" ] && echo 4 || echo 2)
[ "$n" -eq "$want" ]
ok $? "each path held its connections, every one echoed, every column printed"

grep -Eq '^  100000 connections through udo-vsock relay tcp->tcp would need: [0-9.]+ GB user memory \(RSS\) \+ [0-9.-]+ GB kernel memory, [0-9]+ pids \(kernel.pid_max [0-9]+.*, [0-9]+ maps in one process \(vm.max_map_count [0-9]+.*, [0-9]+ fds in one process' "$T_DIR/plain.out"
ok $? "the 100,000-connection line names memory, pids, maps and fds with their limits"

# Opening: each path a row with its ratio, and each relay its wake-ups.
sed -n '/^opening/,/^$/p' "$T_DIR/plain.out" >"$T_DIR/opening.out"
[ "$(grep -Ec '^direct .* [0-9.]+x \([0-9.]+-[0-9.]+\) +-$' "$T_DIR/opening.out")" -eq 1 ] &&
[ "$(grep -Ec '^(udo-vsock relay tcp->tcp|minimal|socat).* [0-9.]+x \([0-9.]+-[0-9.]+\) +[0-9.]+ \([0-9.]+-[0-9.]+\)$' "$T_DIR/opening.out")" -eq \
  "$([ -n "$socat" ] && echo 4 || echo 2)" ]
ok $? "opening: every path's time and its ratio to direct, each relay's wake-ups, with the spread"

# (A relay without --copy=read or splice is measured without those rows.)
[ "$(rows plain 'direct tcp ')" -eq 2 ] && [ "$(rows plain 'udo-vsock relay tcp->tcp ')" -eq 4 ] &&
	[ "$(rows plain 'udo-vsock relay vsock->tcp ')" -eq 1 ] && ! grep -q 'failed' "$T_DIR/plain.out" &&
	! grep -v '^udo-vsock --copy=' "$T_DIR/plain.out" | grep -q 'did not start' &&
	awk '/^one stream at a time/ { on = 1 } on && /^udo-vsock relay/ && $NF !~ /\)$/ { bad++ }
		on && /^udo-vsock relay/ { rows++ } END { exit bad > 0 || rows != 4 }' "$T_DIR/plain.out"
st=$?
ok $st "streams: every relay row, one stream and parallel, with MB/s, ratios and CPU per GiB"
[ $st -eq 0 ] || { diag_file "$T_DIR/plain.out"; diag_file "$T_DIR/plain.err"; }

if [ -n "$socat" ]; then
	[ "$(rows plain 'socat -b 65536 ')" -eq 4 ] && grep -q 'to socat -b 65536' "$T_DIR/plain.out"
	ok $? "socat's rows, and the relay's ratio to socat -b 65536"
else
	skip "socat's rows, and the relay's ratio to socat -b 65536" "no socat here"
fi

run nosocat
[ $? -eq 0 ] && grep -q 'socat: not found' "$T_DIR/nosocat.out" && [ "$(rows nosocat socat)" -eq 0 ]
ok $? "without socat: its rows are left out, with a note"

# The reference relay (the floor of the figures): in the opening rounds and
# both stream sections, with its time or MB/s, its ratio and its spread.
[ "$(grep -Ec '^minimal relay \(reference\) .* [0-9.]+x \([0-9.]+-[0-9.]+\).*\)$' "$T_DIR/plain.out")" -eq 3 ]
st=$?
ok $st "the minimal reference relay: opening, one stream and parallel rows, each with its ratio"
[ $st -eq 0 ] || grep -E "^minimal|reference" "$T_DIR/plain.out" "$T_DIR/plain.err" | sed "s/^/# /"

# An unknown option: the usage line and exit 2, nothing else read (getopt
# once went on inside "--help", past the arguments, into the environment).
env -i X=1 timeout -k 10 "$T_TIMEOUT" "$bench" --help "$UDO_VSOCK" >"$T_DIR/help.out" 2>"$T_DIR/help.err"
[ $? -eq 2 ] && [ ! -s "$T_DIR/help.out" ] && grep -q '^usage: bench-relay ' "$T_DIR/help.err" &&
	! grep -q 'X=1' "$T_DIR/help.err"
ok $? "bench-relay --help: the usage and exit 2, no argument read past its own"
diag_file "$T_DIR/help.err"
done_testing
