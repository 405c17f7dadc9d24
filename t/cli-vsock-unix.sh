#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock relays between a vsock: end and a unix: end, both ways, streams
# and seqpacket (message boundaries kept), each end a library context with
# its own transport in one process:
#
#   client --vsock--> relay vsock:any:any unix:U --unix--> relay unix:U vsock:local:E --vsock--> peer
#
# In the make check-vm guest the vsock legs are real AF_VSOCK (loopback).
# Here, without vsock loopback, the relay's vsock: ends are given the
# library's fallback for CID 1 with --transport (tcp for streams, unix for
# seqpacket), as the peers and clients get it from auto.
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"

plan 8

if [ "$(cid1_transport)" = vsock ]; then
	stream_t= seq_t=
	diag "vsock loopback: the vsock ends are AF_VSOCK"
else
	stream_t=--transport=tcp seq_t=--transport=unix
	diag "no vsock loopback: the vsock ends use the library's fallback ($stream_t, $seq_t)"
fi

# 1-3: streams through vsock -> unix -> vsock, to an echo.
bg echo "$CLI_ECHO" server
eport=$(first_line "$T_DIR/echo.out")
bg back "$UDO_VSOCK" $stream_t --print-port --verbose relay unix:any "vsock:local:$eport"
bport=$(first_line "$T_DIR/back.err")
bg front "$UDO_VSOCK" $stream_t --print-port --verbose relay vsock:any:any "unix:$bport"
fport=$(first_line "$T_DIR/front.err")
[ -n "$eport" ] && [ -n "$bport" ] && [ -n "$fport" ] &&
	grep -q "listening on unix any:$bport" "$T_DIR/back.err" &&
	grep -Eq "listening on [a-z]+ any:$fport" "$T_DIR/front.err"
ok $? "relay vsock:any:any -> unix:$bport and relay unix:$bport -> vsock:local:$eport listen"
diag_file "$T_DIR/front.err"
diag_file "$T_DIR/echo.err"

data s1 1048576
udo $stream_t connect "vsock:local:$fport" <"$T_DIR/s1" >"$T_DIR/s1.out" 2>"$T_DIR/s1.err"
st=$?
[ $st -eq 0 ] && same "$T_DIR/s1.out" "$T_DIR/s1"
ok $? "1 MiB through vsock -> unix -> vsock and back comes back whole"
diag "exit $st; $(wc -c <"$T_DIR/s1.out") bytes back"
diag_file "$T_DIR/s1.err"

# Several at once, each its own bytes.
pids=
for i in 1 2 3 4; do
	data "m$i" 200000
	udo $stream_t connect "vsock:local:$fport" <"$T_DIR/m$i" >"$T_DIR/m$i.out" \
		2>"$T_DIR/m$i.err" &
	pids="$pids $!"
done
fail=0
for p in $pids; do wait "$p" || fail=1; done
bad=
for i in 1 2 3 4; do same "$T_DIR/m$i" "$T_DIR/m$i.out" || bad="$bad m$i"; done
[ $fail -eq 0 ] && [ -z "$bad" ]
ok $? "4 streams at once through both relays come back intact"
[ -z "$bad" ] || { diag "differ:$bad"; diag_file "$T_DIR/m1.err"; }

# 4-8: seqpacket through the same shape, to sp-peer (answers M with "N:M").
bg peer "$SP_PEER" server
pport=$(first_line "$T_DIR/peer.out")
bg sback "$UDO_VSOCK" $seq_t --seqpacket --print-port --verbose relay unix:any "vsock:local:$pport"
sbport=$(first_line "$T_DIR/sback.err")
bg sfront "$UDO_VSOCK" $seq_t --seqpacket --print-port --verbose relay vsock:any:any "unix:$sbport"
sfport=$(first_line "$T_DIR/sfront.err")
[ -n "$pport" ] && [ -n "$sbport" ] && [ -n "$sfport" ]
ok $? "relay --seqpacket vsock:any:any -> unix:$sbport -> vsock:local:$pport listen"
diag_file "$T_DIR/sfront.err"
diag_file "$T_DIR/peer.err"

# sp-peer's client takes the library's transport for CID 1 (auto: unix
# here, vsock in the guest): the relay's vsock: end.
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$sfport" a bb ccc >"$T_DIR/sp1.out" 2>&1
printf '3:1:a\n4:2:bb\n5:3:ccc\n' >"$T_DIR/sp1.want"
same "$T_DIR/sp1.out" "$T_DIR/sp1.want"
ok $? "--seqpacket vsock -> unix -> vsock keeps every boundary both ways"
diag_file "$T_DIR/sp1.out"
diag_file "$T_DIR/sfront.err"
diag_file "$T_DIR/sback.err"

big=$(head -c 100000 /dev/zero | tr '\0' m)
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$sfport" x "$big" y >"$T_DIR/sp2.out" 2>&1
awk '{ print length($0) }' "$T_DIR/sp2.out" | tr '\n' ' ' >"$T_DIR/sp2.len"
[ "$(cat "$T_DIR/sp2.len")" = "5 100014 5 " ]
ok $? "--seqpacket vsock -> unix -> vsock carries a 100000-byte message whole between two small ones"
diag "line lengths: $(cat "$T_DIR/sp2.len")"

# The unix -> vsock direction on its own: a client on the unix end.
printf 'one' >"$T_DIR/one"
udo --seqpacket connect "unix:$sbport" <"$T_DIR/one" >"$T_DIR/u.out" 2>"$T_DIR/u.err"
st=$?
[ $st -eq 0 ] && [ "$(cat "$T_DIR/u.out")" = "3:one" ]
ok $? "--seqpacket unix -> vsock: a message from the unix end is answered whole"
diag "exit $st, output: $(cat "$T_DIR/u.out")"
diag_file "$T_DIR/u.err"

# And vsock -> unix on its own: a unix peer behind the vsock listener.
bg upeer "$UDO_VSOCK" --seqpacket --print-port listen unix:any
uport=$(first_line "$T_DIR/upeer.err")
upeer=$bg_pid
bg ufront "$UDO_VSOCK" $seq_t --seqpacket --print-port relay vsock:any:any "unix:$uport"
ufport=$(first_line "$T_DIR/ufront.err")
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$ufport" a bb ccc >"$T_DIR/sp3.out" 2>&1
wait "$upeer"
[ "$(cat "$T_DIR/upeer.out")" = abbccc ]
ok $? "--seqpacket vsock -> unix: the messages reach a unix listener"
diag "the unix listener wrote: $(cat "$T_DIR/upeer.out")"
diag_file "$T_DIR/upeer.err"
diag_file "$T_DIR/sp3.out"

done_testing
