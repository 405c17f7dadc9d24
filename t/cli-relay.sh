#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock relay: connections forwarded tcp -> vsock and vsock -> tcp, many
# at once, every byte intact both ways, end of stream passed on; a target
# nobody listens on costs one line and one connection, not the relay.
#
#   clients --tcp--> relay A --vsock(CID 1)--> relay B --tcp--> echo server
#
# The vsock leg is the library's: tcp on a machine without vsock loopback.
# Relay A copies with read/write, relay B with splice (the default).
. "${srcdir:-.}/t/cli-lib.sh"

plan 13

N=6   # concurrent connections per kind of client

# The echo server, on TCP (127.0.0.1) whatever the machine has.
bg echo env UDO_VSOCK_TCP_TRANSPORT=tcp "$CLI_ECHO" server
eport=$(first_line "$T_DIR/echo.out")

bg relayB "$UDO_VSOCK" --print-port --copy=splice relay vsock:local:any "tcp:127.0.0.1:$eport"
relayB=$bg_pid
bport=$(first_line "$T_DIR/relayB.err")
bg relayA "$UDO_VSOCK" --print-port --copy=read relay tcp:127.0.0.1:any "vsock:local:$bport"
relayA=$bg_pid
aport=$(first_line "$T_DIR/relayA.err")
[ -n "$eport" ] && [ -n "$bport" ] && [ -n "$aport" ]
ok $? "the echo server and both relays report their ports"
diag "echo on tcp 127.0.0.1:$eport, relay B on vsock local:$bport, relay A on tcp 127.0.0.1:$aport"

# 2: one connection held open while N others run to completion: the relay
# serves connections at once, not one after another.
mkfifo "$T_DIR/hold"
# (A background command: it lives through tests 2-5.)
timeout -k 10 $t_bg_fg "$T_BG_TIMEOUT" "$UDO_VSOCK" connect "tcp:127.0.0.1:$aport" <"$T_DIR/hold" \
	>"$T_DIR/held.out" 2>"$T_DIR/held.err" &
held=$!
t_pids="$t_pids $held"
exec 3>"$T_DIR/hold"
printf 'held open\n' >&3
i=0
while [ "$(cat "$T_DIR/held.out")" != "held open" ] && [ $i -lt $((T_TIMEOUT * 10)) ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(cat "$T_DIR/held.out")" = "held open" ]
ok $? "a connection through both relays echoes while it stays open"

# 3-4: N udo-vsock clients on the tcp side, N on the vsock side, all at once,
# 1 MiB each, each different.
pids=
i=1
while [ $i -le $N ]; do
	data "t$i" 1048576
	data "v$i" 1048576
	udo connect "tcp:127.0.0.1:$aport" <"$T_DIR/t$i" >"$T_DIR/t$i.back" 2>"$T_DIR/t$i.err" &
	pids="$pids $!"
	udo connect local "$bport" <"$T_DIR/v$i" >"$T_DIR/v$i.back" 2>"$T_DIR/v$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
fail=0
for p in $pids; do
	wait "$p" || fail=1
done
kill -0 $held 2>/dev/null
still=$?
bad=
i=1
while [ $i -le $N ]; do
	same "$T_DIR/t$i" "$T_DIR/t$i.back" || bad="$bad t$i"
	same "$T_DIR/v$i" "$T_DIR/v$i.back" || bad="$bad v$i"
	i=$((i + 1))
done
[ $fail -eq 0 ] && [ -z "$bad" ]
ok $? "$N tcp->vsock->tcp and $N vsock->tcp connections at once come back intact"
[ -z "$bad" ] || { diag "differ:$bad"; diag_file "$T_DIR/t1.err"; diag_file "$T_DIR/v1.err"; }
[ $still -eq 0 ]
ok $? "meanwhile the held connection is still open"

# 5: the held connection finishes intact after all that.
data h 300000
cat "$T_DIR/h" >&3
exec 3>&-
wait $held
hst=$?
{ printf 'held open\n'; cat "$T_DIR/h"; } >"$T_DIR/h.want"
[ $hst -eq 0 ] && same "$T_DIR/h.want" "$T_DIR/held.out"
ok $? "the held connection then ends cleanly with every byte"

# 6: socat, a client we did not write, through the relays at the same time.
if command -v socat >/dev/null 2>&1; then
	pids=
	i=1
	while [ $i -le $N ]; do
		timeout -k 10 "$T_TIMEOUT" socat -t "$T_TIMEOUT" - "TCP:127.0.0.1:$aport" \
			<"$T_DIR/t$i" >"$T_DIR/s$i.back" 2>"$T_DIR/s$i.err" &
		pids="$pids $!"
		i=$((i + 1))
	done
	fail=0
	for p in $pids; do wait "$p" || fail=1; done
	i=1
	bad=
	while [ $i -le $N ]; do same "$T_DIR/t$i" "$T_DIR/s$i.back" || bad="$bad s$i"; i=$((i + 1)); done
	[ $fail -eq 0 ] && [ -z "$bad" ]
	ok $? "$N socat clients at once through both relays get their bytes back"
	[ -z "$bad" ] || { diag "differ:$bad"; diag_file "$T_DIR/s1.err"; }
else
	skip "$N socat clients at once through both relays" "socat is not installed"
fi

# 7-8: a target nobody listens on: the client's connection is closed, the
# relay says why in one line and goes on serving.
# (A port held where nobody listens: cli-echo refuser.)
bg gone "$CLI_ECHO" refuser
gport=$(first_line "$T_DIR/gone.out")
bg relayC "$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "vsock:local:$gport"
relayC=$bg_pid
cport=$(first_line "$T_DIR/relayC.err")
udo connect "tcp:127.0.0.1:$cport" </dev/null >"$T_DIR/c.out" 2>"$T_DIR/c.err"
cst=$?
udo connect "tcp:127.0.0.1:$cport" </dev/null >>"$T_DIR/c.out" 2>>"$T_DIR/c.err"
cst=$((cst + $?))
i=0
while [ "$(grep -c 'relay' "$T_DIR/relayC.err")" -lt 2 ] && [ $i -lt $((T_TIMEOUT * 10)) ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $cst -eq 0 ] && [ ! -s "$T_DIR/c.out" ] && kill -0 $relayC 2>/dev/null
ok $? "a connection to a dead target is closed and the relay keeps serving"
grep -Eq "relay tcp 127.0.0.1:[0-9]+ -> vsock:1:$gport: connect to [a-z]+ 1:$gport.*(refused|reset)" \
	"$T_DIR/relayC.err" && [ "$(grep -c relay "$T_DIR/relayC.err")" -eq 2 ]
ok $? "each failed forward is one line naming the client, target and reason"
diag_file "$T_DIR/relayC.err"

# 9: both relays are still up and quiet after all of the above.
kill -0 $relayA 2>/dev/null && kill -0 $relayB 2>/dev/null &&
	[ "$(wc -l <"$T_DIR/relayA.err")" -eq 1 ] && [ "$(wc -l <"$T_DIR/relayB.err")" -eq 1 ]
ok $? "the relays are still serving and reported no error"
diag_file "$T_DIR/relayA.err"

# 10-11: a relay whose target is its own address would relay each
# connection to itself until its fd table is full: it refuses to start.
self_relay() {
	desc=$1
	shift
	udo "$@" </dev/null >/dev/null 2>"$T_DIR/self.err"
	st=$?
	[ $st -eq 1 ] && [ "$(wc -l <"$T_DIR/self.err")" -eq 1 ] &&
		grep -q "the target is the relay's own address" "$T_DIR/self.err"
	r=$?
	ok $r "$desc"
	[ $r -eq 0 ] || { diag "exit $st (124 or 143: it ran)"; diag_file "$T_DIR/self.err"; }
}
sport=$("$CLI_ECHO" freeport)
self_relay "a relay from tcp:127.0.0.1:PORT to itself refuses to start" \
	relay "tcp:127.0.0.1:$sport" "tcp:127.0.0.1:$sport"
self_relay "a relay from vsock:any:PORT to vsock:1:PORT refuses to start" \
	--transport tcp relay "vsock:any:$sport" "vsock:1:$sport"

# 12-13: a relay whose fd table is full while clients wait: the repeated
# accept errors cost a bounded number of lines, and the relay serves again
# once fds free up. K connections are opened through it (each echoing
# before the next), then its fd limit is lowered (prlimit) to the lowest
# number it does not show in /proc: the one its blocked accept has
# reserved. From then on every accept fails (EMFILE) while 8 more clients
# wait, until the K connections end.
K=4
if ! command -v prlimit >/dev/null 2>&1 || [ ! -d /proc/self/fd ]; then
	skip "a full fd table costs a bounded number of lines" "no prlimit or /proc here"
	skip "once fds free up, the relay serves again" "no prlimit or /proc here"
	done_testing
fi
"$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport" </dev/null \
	>"$T_DIR/full.out" 2>"$T_DIR/full.err" &
full=$!
t_pids="$t_pids $full"
fport=$(first_line "$T_DIR/full.err")
bg hold "$CLI_ECHO" hold $K 0 "$fport"
hold=$bg_pid
first_line "$T_DIR/hold.out" >/dev/null
L=0
while [ -e "/proc/$full/fd/$L" ]; do L=$((L + 1)); done
prlimit --pid $full --nofile=$L
bg wait8 "$CLI_ECHO" hold 0 8 "$fport"
wait8=$bg_pid
first_line "$T_DIR/wait8.out" >/dev/null
# Until the repeats are summed up once (every 5 s).
wait_until grep -Eq 'Too many open files \([0-9]+ more times' "$T_DIR/full.err"
kill $hold $wait8
wait $hold 2>/dev/null
wait $wait8 2>/dev/null
i=0
while :; do
	out=$(echo "served again" | udo connect "tcp:127.0.0.1:$fport" 2>"$T_DIR/c.err")
	[ "$out" = "served again" ] || [ $i -ge $((T_TIMEOUT * 10)) ] && break
	sleep 0.1
	i=$((i + 1))
done
accepts=$(grep -c 'relay: accept' "$T_DIR/full.err")
[ "$accepts" -ge 2 ] && [ "$accepts" -le 3 ] &&
	grep -q 'relay: accept .*Too many open files$' "$T_DIR/full.err" &&
	grep -Eq 'relay: accept .*Too many open files \([0-9]+ more times in [0-9]+ s' \
		"$T_DIR/full.err"
r=$?
ok $r "a full fd table: the first accept error, then one summary with a count, not a line per try"
if [ $r -ne 0 ]; then
	diag "$accepts accept lines (fd limit lowered to $L):"
	head -n 20 "$T_DIR/full.err" | sed 's/^/# /'
fi
[ "$out" = "served again" ] && kill -0 $full 2>/dev/null
ok $? "once fds free up, the relay serves again"
[ "$out" = "served again" ] || diag_file "$T_DIR/c.err"

done_testing
