#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock's address kinds, each end a library context with its own
# transport: unix:PORT for listen and connect (stream and seqpacket), relays
# between a vsock-or-tcp end and a unix end both ways (stream and
# seqpacket, through two relays: FRONT -> unix -> back), and hybrid:PATH:PORT
# connecting through a fake VMM socket.
#
# FRONT is vsock where this machine has vsock loopback (the make check-vm
# guest), else tcp for streams; the seqpacket relays listen on vsock:local,
# which the library serves with unix here (no loopback) and vsock there.
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"

plan 11

# 1: listen unix:any, connect unix:PORT, both ways.
printf 'from the connect side\n' >"$T_DIR/a"
printf 'from the listen side\n' >"$T_DIR/b"
bg_in l1 "$T_DIR/b" "$UDO_VSOCK" --print-port --verbose listen unix:any
p1=$(first_line "$T_DIR/l1.err")
udo connect "unix:$p1" <"$T_DIR/a" >"$T_DIR/c1.out" 2>"$T_DIR/c1.err"
st=$?
wait "$bg_pid"
same "$T_DIR/c1.out" "$T_DIR/b" && same "$T_DIR/l1.out" "$T_DIR/a" && [ $st -eq 0 ] &&
	grep -q "listening on unix any:$p1" "$T_DIR/l1.err"
ok $? "listen unix:any and connect unix:PORT carry a stream both ways on the unix transport"
diag_file "$T_DIR/l1.err"
diag_file "$T_DIR/c1.err"

# 2: the same with --seqpacket: one message each way.
printf 'one message' >"$T_DIR/m"
bg_in l2 "$T_DIR/m" "$UDO_VSOCK" --seqpacket --print-port listen unix:any
p2=$(first_line "$T_DIR/l2.err")
udo --seqpacket connect "unix://$p2" <"$T_DIR/m" >"$T_DIR/c2.out" 2>"$T_DIR/c2.err"
st=$?
wait "$bg_pid"
same "$T_DIR/c2.out" "$T_DIR/m" && same "$T_DIR/l2.out" "$T_DIR/m" && [ $st -eq 0 ]
ok $? "listen and connect --seqpacket on unix: addresses"
diag_file "$T_DIR/l2.err"
diag_file "$T_DIR/c2.err"

# 3-5: streams: client -> FRONT relay -> unix relay -> the echo (CID 1).
if [ "$(cid1_transport)" = vsock ]; then
	front=vsock:local
else
	front=tcp:127.0.0.1
fi
bg echo "$CLI_ECHO" server
eport=$(first_line "$T_DIR/echo.out")
bg back "$UDO_VSOCK" --print-port --verbose relay unix:any "vsock:local:$eport"
bport=$(first_line "$T_DIR/back.err")
bg front "$UDO_VSOCK" --print-port --verbose relay "$front:any" "unix:$bport"
fport=$(first_line "$T_DIR/front.err")
[ -n "$eport" ] && [ -n "$bport" ] && [ -n "$fport" ]
ok $? "relays $front:any -> unix:$bport -> vsock:local:$eport are up"
diag_file "$T_DIR/echo.err"
data s1 300000
udo connect "$front:$fport" <"$T_DIR/s1" >"$T_DIR/s1.out" 2>"$T_DIR/s1.err"
st=$?
same "$T_DIR/s1.out" "$T_DIR/s1" && [ $st -eq 0 ]
ok $? "a stream through $front -> unix and unix -> the echo comes back whole"
diag "exit $st; $(wc -c <"$T_DIR/s1.out") bytes back"
diag_file "$T_DIR/s1.err"
grep -q "listening on unix any:$bport" "$T_DIR/back.err"
ok $? "the back relay listens on the unix transport"
diag_file "$T_DIR/back.err"
diag_file "$T_DIR/front.err"

# 6-7: seqpacket: sp-peer send -> relay vsock:local -> unix relay -> sp-peer
# server: every boundary kept both ways, and the empty message carried
# where the kernel carries it (vsock drops it: see t/cli-seqpacket.sh).
bg peer "$SP_PEER" server
pport=$(first_line "$T_DIR/peer.out")
bg sback "$UDO_VSOCK" --seqpacket --print-port --verbose relay unix:any "vsock:local:$pport"
sbport=$(first_line "$T_DIR/sback.err")
bg sfront "$UDO_VSOCK" --seqpacket --print-port --verbose relay vsock:local:any "unix:$sbport"
sfport=$(first_line "$T_DIR/sfront.err")
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$sfport" a bb ccc >"$T_DIR/sp1.out" 2>&1
printf '3:1:a\n4:2:bb\n5:3:ccc\n' >"$T_DIR/sp1.want"
same "$T_DIR/sp1.out" "$T_DIR/sp1.want"
ok $? "relay --seqpacket vsock:local -> unix -> vsock:local keeps every boundary"
diag_file "$T_DIR/sp1.out"
diag_file "$T_DIR/sfront.err"
diag_file "$T_DIR/sback.err"
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$sfport" a "" ccc >"$T_DIR/sp0.out" 2>&1
if grep -q ' on vsock ' "$T_DIR/sfront.err"; then
	printf '3:1:a\n5:3:ccc\n' >"$T_DIR/sp0.want"
	why="the messages around an empty one (vsock drops it)"
else
	printf '3:1:a\n2:0:\n5:3:ccc\n' >"$T_DIR/sp0.want"
	why="an empty message"
fi
same "$T_DIR/sp0.out" "$T_DIR/sp0.want"
ok $? "relay --seqpacket through a unix end carries $why"
diag_file "$T_DIR/sp0.out"

# 8-9: hybrid:PATH:PORT through a fake VMM socket: it reads the CONNECT
# line, answers OK, then echoes.
if ! command -v socat >/dev/null 2>&1; then
	skip "connect hybrid:PATH:PORT" "no socat for the fake VMM"
	skip "the fake VMM is asked for the port" "no socat for the fake VMM"
	skip "relay to hybrid:PATH:PORT" "no socat for the fake VMM"
	skip "relay to hybrid:PATH:PORT: a VMM that refuses" "no socat for the fake VMM"
	done_testing
fi
vmm=$T_DIR/vmm.sock
cat >"$T_DIR/vmm.sh" <<VMM
read line
printf '%s\\n' "\$line" >"$T_DIR/vmm.line"
printf 'OK 1073741824\\n'
exec cat
VMM
bg vmm socat "UNIX-LISTEN:$vmm" EXEC:"sh $T_DIR/vmm.sh"
wait_until test -S "$vmm"
printf 'through the VMM\n' >"$T_DIR/h"
udo --verbose connect "hybrid:$vmm:5123" <"$T_DIR/h" >"$T_DIR/h.out" 2>"$T_DIR/h.err"
st=$?
same "$T_DIR/h.out" "$T_DIR/h" && [ $st -eq 0 ] && grep -q "connected to hybrid" "$T_DIR/h.err"
ok $? "connect hybrid:PATH:PORT speaks through the VMM's socket"
diag "exit $st"
diag_file "$T_DIR/h.err"
diag_file "$T_DIR/vmm.err"
[ "$(cat "$T_DIR/vmm.line" 2>/dev/null)" = "CONNECT 5123" ]
ok $? "the VMM is asked for the guest's port 5123"
diag "got: $(cat "$T_DIR/vmm.line" 2>/dev/null)"

# 10-11: a relay whose target is hybrid:PATH:PORT does the VMM's handshake
# without blocking its worker: a slow VMM (its OK in two pieces, 0.3 s
# apart: the slowness is the case) serving two clients at once, and one
# that answers no OK: that client is closed, said why, and the relay
# goes on serving.
cat >"$T_DIR/slow.sh" <<VMM
read line
printf 'O'
sleep 0.3
printf 'K 1073741824\\n'
exec cat
VMM
bg slow socat "UNIX-LISTEN:$T_DIR/slow.sock,fork" EXEC:"sh $T_DIR/slow.sh"
wait_until test -S "$T_DIR/slow.sock"
bg hrelay "$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "hybrid:$T_DIR/slow.sock:5124"
hport=$(first_line "$T_DIR/hrelay.err")
printf 'first client\n' >"$T_DIR/h1"
printf 'second client\n' >"$T_DIR/h2"
udo connect "tcp:127.0.0.1:$hport" <"$T_DIR/h1" >"$T_DIR/h1.out" 2>"$T_DIR/h1.err" &
h1=$!
udo connect "tcp:127.0.0.1:$hport" <"$T_DIR/h2" >"$T_DIR/h2.out" 2>"$T_DIR/h2.err"
st2=$?
wait $h1
st1=$?
[ $st1 -eq 0 ] && [ $st2 -eq 0 ] && same "$T_DIR/h1" "$T_DIR/h1.out" && same "$T_DIR/h2" "$T_DIR/h2.out"
ok $? "relay to hybrid:PATH:PORT: two clients at once through a slow VMM, each echo intact"
diag "exits $st1 $st2"
diag_file "$T_DIR/h1.err"
diag_file "$T_DIR/hrelay.err"

printf 'read line\nprintf "NO such port\\n"\n' >"$T_DIR/no.sh"
bg novmm socat "UNIX-LISTEN:$T_DIR/no.sock,fork" EXEC:"sh $T_DIR/no.sh"
wait_until test -S "$T_DIR/no.sock"
bg nrelay "$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "hybrid:$T_DIR/no.sock:5125"
nport=$(first_line "$T_DIR/nrelay.err")
udo connect "tcp:127.0.0.1:$nport" <"$T_DIR/h1" >"$T_DIR/n1.out" 2>"$T_DIR/n1.err"
udo connect "tcp:127.0.0.1:$nport" <"$T_DIR/h1" >"$T_DIR/n2.out" 2>"$T_DIR/n2.err"
[ ! -s "$T_DIR/n1.out" ] && [ ! -s "$T_DIR/n2.out" ] && kill -0 "$bg_pid" &&
	[ "$(grep -c 'hybrid' "$T_DIR/nrelay.err")" -ge 2 ]
ok $? "relay to hybrid:PATH:PORT: a VMM that answers no OK: each client closed, said why, the relay still serving"
diag_file "$T_DIR/nrelay.err"

done_testing
