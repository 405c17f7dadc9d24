#!/bin/sh
# SPDX-License-Identifier: MIT
# What people running the relay rely on: --max-connections refuses the
# client past the cap at once (counted), --idle-timeout closes a silent
# connection but not a busy one, the statistics line on SIGUSR1 and at exit
# (and in STATUS= for systemd) counts what was sent, thousands of
# connections at once through a relay of a few threads, every echo intact,
# and clients arriving at once spread over its workers.
# Both ends are t/relay-peer over loopback tcp.
. "${srcdir:-.}/t/cli-lib.sh"
: "${RELAY_PEER:=${CLI_ECHO%/*}/relay-peer}"

plan 11

bg echo "$RELAY_PEER" server 127.0.0.1
eport=$(first_line "$T_DIR/echo.out")

# relay NAME ARGS...: udo-vsock ARGS in the background, not under timeout(1)
# (signals go to it, /proc shows it): $relay_pid; stderr in $T_DIR/NAME.err.
relay() {
	r_name=$1
	shift
	: >"$T_DIR/$r_name.err"
	"$UDO_VSOCK" "$@" </dev/null >/dev/null 2>"$T_DIR/$r_name.err" &
	relay_pid=$!
	t_pids="$t_pids $relay_pid"
}

# stats PID FILE: send SIGUSR1, wait for a new statistics line, print it.
stats() {
	st_n=$(grep -c 'in total' "$2")
	kill -USR1 "$1"
	wait_until test "$(grep -c 'in total' "$2")" -gt "$st_n"
	grep 'in total' "$2" | tail -n 1
}

# 1-2: the cap. Two held connections fill it; a third client is closed at
# once (not left in the backlog) and counted as refused.
relay cap --print-port --max-connections=2 relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport"
cap=$relay_pid
cport=$(first_line "$T_DIR/cap.err")
mkfifo "$T_DIR/hold2"
bg_in two "$T_DIR/hold2" "$RELAY_PEER" clients 2 "$cport"
exec 4>"$T_DIR/hold2"
wait_for "$T_DIR/two.out" "held 2"
third=$(timeout -k 10 "$T_TIMEOUT" "$RELAY_PEER" probe "$cport")
line=$(stats $cap "$T_DIR/cap.err")
[ "$third" = closed ] && echo "$line" | grep -q '2 connections open, 2 in total, 1 refused, 0 failed'
ok $? "--max-connections=2: a third client is closed at once and counted as refused"
diag "third client: $third; $line"
grep -q "refused tcp 127.0.0.1:[0-9]*: 2 connections open (--max-connections)" "$T_DIR/cap.err"
ok $? "the refusal is said in one line"
exec 4>&-
wait_for "$T_DIR/two.out" "held 2"
wait_until sh -c "$RELAY_PEER probe $cport | grep -q echoed"
ok $? "once the held connections end, clients are relayed again"

# 4: the idle timeout: a silent connection is closed, a busy one is not.
bg idle "$UDO_VSOCK" --print-port --idle-timeout=2s relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport"
iport=$(first_line "$T_DIR/idle.err")
bg silent "$RELAY_PEER" idle "$iport"
bg busy "$RELAY_PEER" active "$iport" 100 40
wait_for "$T_DIR/silent.out" closed
wait_for "$T_DIR/busy.out" "alive 40"
r=$?
[ "$(cat "$T_DIR/silent.out")" = closed ] && [ $r -eq 0 ]
ok $? "--idle-timeout=2s closes a silent connection, not one with a byte every 100 ms for 4 s"
diag "silent: $(cat "$T_DIR/silent.out"), busy: $(cat "$T_DIR/busy.out")"

# 5-7: the figures: bytes each way and connections, on SIGUSR1 and at exit.
relay st --print-port --verbose relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport"
st=$relay_pid
sport=$(first_line "$T_DIR/st.err")
data d 100000
udo connect "tcp:127.0.0.1:$sport" <"$T_DIR/d" >"$T_DIR/d.back" 2>"$T_DIR/d.err"
echo hi | udo connect "tcp:127.0.0.1:$sport" >/dev/null 2>&1
want='0 connections open, 2 in total, 0 refused, 0 failed; 100003 bytes in, 100003 bytes out'
wait_until sh -c "kill -USR1 $st; grep -q '$want' '$T_DIR/st.err'"
ok $? "SIGUSR1: one line with connections open, total, refused, failed and bytes each way"
grep 'in total' "$T_DIR/st.err" | tail -n 1 | sed 's/^/# /'
grep -Eq "relay tcp 127.0.0.1:[0-9]+ -> tcp:127.0.0.1:$eport: closed \(both ends finished\) after 100000 bytes in, 100000 bytes out in [0-9]+\.[0-9]{3} s\$" \
	"$T_DIR/st.err"
ok $? "-v: one line per connection finished: peer, target, bytes each way, duration, why"
kill -TERM $st
wait $st
# At exit, on a relay that never had a SIGUSR1 (a SIGUSR1 above may still
# be on its way when its line is counted): exactly one line, the figures.
relay ex --print-port --verbose relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport"
ex=$relay_pid
xport=$(first_line "$T_DIR/ex.err")
echo hi | udo connect "tcp:127.0.0.1:$xport" >/dev/null 2>&1
wait_until grep -q 'closed (both ends finished)' "$T_DIR/ex.err"
kill -TERM $ex
wait $ex
[ "$(grep -c 'in total' "$T_DIR/ex.err")" -eq 1 ] &&
	tail -n 1 "$T_DIR/ex.err" | grep -q '0 connections open, 1 in total, 0 refused, 0 failed; 3 bytes in, 3 bytes out'
st=$?
ok $st "the same line at exit"
[ $st -eq 0 ] || diag_file "$T_DIR/ex.err"

# 8: STATUS= under a service manager (a socket of our own as NOTIFY_SOCKET).
if [ "$("$UDO_VSOCK" transports | sed -n 's/^socket activation: \(yes\).*/\1/p')" != yes ]; then
	skip "STATUS= carries the figures" "built without libsystemd"
else
	bg notify "$RELAY_PEER" notify "$T_DIR/notify"
	wait_for "$T_DIR/notify.out" ready
	bg ns env NOTIFY_SOCKET="$T_DIR/notify" "$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any \
		"tcp:127.0.0.1:$eport"
	nport=$(first_line "$T_DIR/ns.err")
	echo hello | udo connect "tcp:127.0.0.1:$nport" >/dev/null 2>&1
	wait_until grep -q 'STATUS=0 connections open, 1 in total, 0 refused, 0 failed; 6 bytes in, 6 bytes out' \
		"$T_DIR/notify.out"
	r=$?
	grep -q READY=1 "$T_DIR/notify.out" && [ $r -eq 0 ]
	ok $? "under NOTIFY_SOCKET: READY=1, then STATUS= with the figures"
	diag_file "$T_DIR/notify.out"
fi

# 9: 16 clients at once through a relay of 2 workers: each worker gets
# half, give or take one each (the kernel wakes one worker per burst and
# it accepts what is queued; it hands clients to the less loaded one). -v
# adds the per-worker counts to the statistics.
relay spread -v --print-port --threads=2 relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport"
spread=$relay_pid
sport=$(first_line "$T_DIR/spread.err")
mkfifo "$T_DIR/hold16"
bg_in c16 "$T_DIR/hold16" "$RELAY_PEER" clients 16 "$sport"
exec 6>"$T_DIR/hold16"
wait_until grep -q "held 16" "$T_DIR/c16.out"
stats $spread "$T_DIR/spread.err" >/dev/null
per=$(grep 'open per worker' "$T_DIR/spread.err" | tail -n 1)
exec 6>&-
set -- $(printf '%s\n' "$per" | sed 's/.*worker://')
[ $# -eq 2 ] && [ $(($1 + $2)) -eq 16 ] && [ "$1" -ge 7 ] && [ "$2" -ge 7 ]
ok $? "16 clients arriving at once are spread over the 2 workers"
diag "${per:-no per-worker line}"

# 10-11: 2000 connections at once through a relay of 2 threads, each echoing
# its own bytes; the relay holds 3 threads (2 workers and the main one)
# throughout.
N=2000
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((N * 3 + 100)) ]; then
	skip "$N connections at once" "fd hard limit $(ulimit -Hn)"
	skip "a few threads for $N connections" "fd hard limit $(ulimit -Hn)"
	done_testing
fi
relay many --print-port --threads=2 relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport"
many=$relay_pid
mport=$(first_line "$T_DIR/many.err")
threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$many/status"; }
before=$(threads)
mkfifo "$T_DIR/holdN"
bg_in clients "$T_DIR/holdN" "$RELAY_PEER" clients $N "$mport"
exec 5>"$T_DIR/holdN"
wait_until grep -q "held $N" "$T_DIR/clients.out"
during=$(threads)
exec 5>&-
wait_until grep -q "held $N" "$T_DIR/clients.out"
[ ! -s "$T_DIR/clients.err" ] && grep -q "held $N" "$T_DIR/clients.out"
ok $? "$N connections at once through the relay, every echo intact"
diag_file "$T_DIR/clients.err"
if [ -z "${UDO_TEST_EMULATOR:-}" ]; then
	[ "$before" = 3 ] && [ "$during" = 3 ]
else # qemu-user runs threads of its own in the process: no exact count
	[ "${during:-99}" -lt 10 ]
fi
ok $? "the relay holds 3 threads (--threads=2 and the main one) idle and with $N connections"
diag "threads: $before before, $during with $N connections"

done_testing
