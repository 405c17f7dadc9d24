#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock under systemd: connect --wait, relay on the sockets that
# systemd-socket-activate passes ("passed"), sd_notify READY=1 and
# STOPPING=1 (read from a NOTIFY_SOCKET of the test's own), and the stop on
# SIGTERM: no more accepts, open connections finish, within --stop-timeout.
. "${srcdir:-.}/t/cli-lib.sh"

plan 10

activator=$(command -v systemd-socket-activate)
built_in=$("$UDO_VSOCK" transports | sed -n 's/^socket activation: //p')

# An echo server on CID 1 (the library's transport), the relays' target.
bg echo "$CLI_ECHO" server
echo_port=$(first_line "$T_DIR/echo.out")

# Milliseconds since boot (to 10 ms; busybox date has no %N).
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# 1-2: connect --wait reaches a listener that comes up 0.5 s later (the
# sleep is the case, not a synchronisation). Its port was free a moment
# before: again with another when it was taken meanwhile.
echo hello >"$T_DIR/hello"
tries=0
while :; do
	port=$("$CLI_ECHO" freeport)
	(sleep 0.5 && exec timeout -k 10 $t_bg_fg "$T_TIMEOUT" "$UDO_VSOCK" listen local "$port" \
		>"$T_DIR/late.out" 2>"$T_DIR/late.err" </dev/null) &
	late=$!
	t_pids="$t_pids $late"
	udo --wait=60s connect local "$port" <"$T_DIR/hello" >/dev/null 2>"$T_DIR/wait.err"
	st=$?
	wait $late
	grep -q "in use" "$T_DIR/late.err" && [ $tries -lt 5 ] || break
	tries=$((tries + 1))
done
[ $st -eq 0 ] && same "$T_DIR/hello" "$T_DIR/late.out"
ok $? "connect --wait=60s reaches a listener that appears 0.5 s after it started"
[ $st -eq 0 ] || { diag_file "$T_DIR/wait.err"; diag_file "$T_DIR/late.err"; }

port=$("$CLI_ECHO" freeport)
start=$(now_ms)
udo --wait=600ms connect local "$port" </dev/null >/dev/null 2>"$T_DIR/nowait.err"
st=$?
took=$(($(now_ms) - start))
[ $st -eq 1 ] && [ $took -ge 550 ] && [ $took -lt 30000 ] &&
	grep -q "gave up waiting for the listener after [0-9]* ms and [0-9]* attempts" "$T_DIR/nowait.err"
ok $? "connect --wait=600ms with nobody there fails after the wait, saying so (${took} ms)"
diag_file "$T_DIR/nowait.err"

# 3: a malformed duration is a usage error.
udo --wait=soon connect local 1 </dev/null >/dev/null 2>"$T_DIR/bad.err"
[ $? -eq 2 ] && grep -q -- '--wait="soon": use a duration' "$T_DIR/bad.err"
ok $? "connect --wait=soon is a usage error (exit 2)"

# 4-6: a relay on a held connection, then SIGTERM.
bg relay "$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "vsock:1:$echo_port"
relay=$bg_pid
rport=$(first_line "$T_DIR/relay.err")
mkfifo "$T_DIR/held.in"
bg_in held "$T_DIR/held.in" "$UDO_VSOCK" connect "tcp:127.0.0.1:$rport"
held=$bg_pid
exec 7>"$T_DIR/held.in"
echo one >&7
wait_for "$T_DIR/held.out" one
kill -TERM $relay
# Until the signal is handled, a connect may still be accepted: wait (a
# relay that never stops accepting fails after T_TIMEOUT).
refused_now() {
	udo connect "tcp:127.0.0.1:$rport" </dev/null >/dev/null 2>"$T_DIR/after.err"
	[ $? -eq 1 ] && grep -q "Connection refused" "$T_DIR/after.err"
}
wait_until refused_now && kill -0 $relay
ok $? "after SIGTERM the relay accepts no more connections and is still running"
echo two >&7
exec 7>&-
wait $held
printf 'one\ntwo\n' >"$T_DIR/want"
same "$T_DIR/want" "$T_DIR/held.out"
ok $? "the connection open at SIGTERM goes on to its end"
wait $relay
ok $? "then the relay exits 0"
diag_file "$T_DIR/relay.err"

# 7: an open connection does not hold the stop longer than --stop-timeout.
bg relay "$UDO_VSOCK" --print-port --stop-timeout=1s relay tcp:127.0.0.1:any "vsock:1:$echo_port"
relay=$bg_pid
rport=$(first_line "$T_DIR/relay.err")
bg_in held "$T_DIR/held.in" "$UDO_VSOCK" connect "tcp:127.0.0.1:$rport"
exec 7>"$T_DIR/held.in"
echo one >&7
wait_for "$T_DIR/held.out" one
start=$(now_ms)
kill -TERM $relay
wait $relay
st=$?
took=$(($(now_ms) - start))
exec 7>&-
[ $st -eq 0 ] && [ $took -ge 900 ] && [ $took -lt 30000 ] &&
	grep -q "stopping with 1 connection still open after 1000 ms" "$T_DIR/relay.err"
ok $? "with a connection held open the relay stops after --stop-timeout=1s (${took} ms)"

# 8-9: under systemd-socket-activate: relay passed, READY=1, STOPPING=1.
if [ -z "$activator" ] || ! command -v socat >/dev/null; then
	skip "relay passed serves on the passed socket" "needs systemd-socket-activate and socat"
	skip "relay tells READY=1 and STOPPING=1" "needs systemd-socket-activate and socat"
	skip "listen tcp: serves on the passed socket" "needs systemd-socket-activate and socat"
	done_testing
fi
case $built_in in yes*) ;; *)
	skip "relay passed serves on the passed socket" "built without libsystemd"
	skip "relay tells READY=1 and STOPPING=1" "built without libsystemd"
	skip "listen tcp: serves on the passed socket" "built without libsystemd"
	done_testing ;;
esac
bg notify socat -u "UNIX-RECV:$T_DIR/notify" STDOUT
wait_until test -S "$T_DIR/notify"
start_relay_passed() {
	bg act "$activator" -l "127.0.0.1:$port" -E UDO_VSOCK_TCP_PLUGIN_PATH -E LD_LIBRARY_PATH \
		-E UDO_VSOCK_TCP_TRANSPORT -E "NOTIFY_SOCKET=$T_DIR/notify" \
		"$UDO_VSOCK" relay passed "vsock:1:$echo_port"
}
pick_port start_relay_passed act "Listening on"
act=$bg_pid
got=$(echo ping | udo --wait=60s connect -t tcp local "$port" 2>"$T_DIR/ping.err")
[ "$got" = ping ]
ok $? "relay passed serves on the socket systemd-socket-activate passed"
[ "$got" = ping ] || { diag_file "$T_DIR/ping.err"; diag_file "$T_DIR/act.err"; }
kill -TERM $act
wait $act
st=$?
wait_until grep -q "STOPPING=1" "$T_DIR/notify.out"
[ $st -eq 0 ] && grep -q "READY=1" "$T_DIR/notify.out" && grep -q "STOPPING=1" "$T_DIR/notify.out"
ok $? "relay tells systemd READY=1, then STOPPING=1 on SIGTERM, and exits 0"
diag "notify: $(cat "$T_DIR/notify.out")"

# 10: listen on a tcp: address takes the passed socket (binding its own
# would fail: the activator holds the port).
start_listen() {
	bg_in act "$T_DIR/hello" "$activator" -l "127.0.0.1:$port" -E UDO_VSOCK_TCP_PLUGIN_PATH \
		-E LD_LIBRARY_PATH "$UDO_VSOCK" listen "tcp:127.0.0.1:$port"
}
pick_port start_listen act "Listening on"
act=$bg_pid
udo --wait=60s connect -t tcp local "$port" </dev/null >"$T_DIR/listen.out" 2>"$T_DIR/listen.err"
st=$?
wait $act
lst=$?
[ $st -eq 0 ] && [ $lst -eq 0 ] && same "$T_DIR/hello" "$T_DIR/listen.out"
ok $? "listen tcp:127.0.0.1:PORT serves on the socket systemd-socket-activate passed"
same "$T_DIR/hello" "$T_DIR/listen.out" || { diag_file "$T_DIR/listen.err"; diag_file "$T_DIR/act.err"; }
done_testing
