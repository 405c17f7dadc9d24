#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock --seqpacket: listen, connect and relay keep message boundaries
# (each read of standard input is one message; each message received is
# written out as it is), a relay between two seqpacket ends keeps every
# boundary, and a seqpacket end with a stream end is a usage error.
#
# The peer is t/sp-peer (the library, SOCK_SEQPACKET on CID 1): unix here,
# vsock in the make check-vm guest. It answers each message M of N bytes
# with the message "N:M", and its client prints each message received as
# "N:M" on a line, so the boundaries show in the output.
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"

plan 9

# fails_usage REGEX DESCRIPTION ARGS...: exit 2 and one line matching REGEX.
fails_usage() {
	regex=$1 desc=$2
	shift 2
	udo "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	got=$?
	[ "$got" -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] && [ ! -s "$T_DIR/out" ] &&
		grep -Eq -- "$regex" "$T_DIR/err"
	ok $? "$desc"
	[ "$got" -eq 2 ] || diag "udo-vsock $*: exit $got"
	diag_file "$T_DIR/err"
}

bg peer "$SP_PEER" server
pport=$(first_line "$T_DIR/peer.out")
[ -n "$pport" ]
ok $? "the seqpacket peer reports its port"
diag_file "$T_DIR/peer.err"

# 2: connect: two reads of standard input, two messages, each answered. The
# second write waits for the first answer, so the two are two reads.
mkfifo "$T_DIR/in2"
timeout "$T_TIMEOUT" "$UDO_VSOCK" --seqpacket connect local "$pport" <"$T_DIR/in2" \
	>"$T_DIR/connect.out" 2>"$T_DIR/connect.err" &
cpid=$!
t_pids="$t_pids $cpid"
exec 4>"$T_DIR/in2"
printf one >&4
wait_for "$T_DIR/connect.out" "3:one"
printf twotwo >&4
wait_for "$T_DIR/connect.out" "3:one6:twotwo"
exec 4>&-
wait "$cpid"
st=$?
[ $st -eq 0 ] && [ "$(cat "$T_DIR/connect.out")" = "3:one6:twotwo" ]
ok $? "connect --seqpacket: each read of standard input is one message, each answer written whole"
diag "exit $st, output: $(cat "$T_DIR/connect.out")"
diag_file "$T_DIR/connect.err"

# 3: listen: the peer's three messages written out as they are; our input
# (one read) reaches the peer as one message.
printf 'hello there' >"$T_DIR/hello"
bg_in listen "$T_DIR/hello" "$UDO_VSOCK" --seqpacket --print-port --verbose listen local any
lport=$(first_line "$T_DIR/listen.err")
timeout "$T_TIMEOUT" "$SP_PEER" send "$lport" a bb ccc >"$T_DIR/send.out" 2>"$T_DIR/send.err"
st=$?
wait "$bg_pid"
[ $st -eq 0 ] && [ "$(cat "$T_DIR/send.out")" = "11:hello there" ] &&
	[ "$(cat "$T_DIR/listen.out")" = "abbccc" ]
ok $? "listen --seqpacket: the peer's messages to standard output, standard input as one message"
diag "peer got: $(cat "$T_DIR/send.out"); listen wrote: $(cat "$T_DIR/listen.out")"
diag_file "$T_DIR/listen.err"
diag_file "$T_DIR/send.err"

# 4-5: a relay between two seqpacket ends keeps every boundary, both ways,
# up to a message of 100000 bytes.
bg relay "$UDO_VSOCK" --seqpacket --print-port relay vsock:local:any "vsock:local:$pport"
rport=$(first_line "$T_DIR/relay.err")
timeout "$T_TIMEOUT" "$SP_PEER" send "$rport" a bb ccc >"$T_DIR/relay1.out" 2>&1
printf '3:1:a\n4:2:bb\n5:3:ccc\n' >"$T_DIR/relay1.want"
same "$T_DIR/relay1.out" "$T_DIR/relay1.want"
ok $? "relay --seqpacket keeps every message boundary both ways"
diag_file "$T_DIR/relay1.out"
big=$(head -c 100000 /dev/zero | tr '\0' m)
timeout "$T_TIMEOUT" "$SP_PEER" send "$rport" x "$big" y >"$T_DIR/relay2.out" 2>&1
awk '{ print length($0) }' "$T_DIR/relay2.out" | tr '\n' ' ' >"$T_DIR/relay2.len"
[ "$(cat "$T_DIR/relay2.len")" = "5 100014 5 " ]
ok $? "relay --seqpacket carries a 100000-byte message whole between two small ones"
diag "line lengths: $(cat "$T_DIR/relay2.len")"

# 6-9: what --seqpacket refuses, before trying anything.
fails_usage 'relay: --seqpacket needs vsock addresses: tcp:127.0.0.1:any is a stream' \
	"relay --seqpacket between a tcp end and a vsock end is a usage error" \
	--seqpacket relay tcp:127.0.0.1:any vsock:local:5000
fails_usage 'relay: --seqpacket needs vsock addresses: tcp:127.0.0.1:80 is a stream' \
	"relay --seqpacket from a vsock end to a tcp end is a usage error" \
	--seqpacket relay vsock:local:any tcp:127.0.0.1:80
fails_usage 'connect: --seqpacket needs vsock addresses' \
	"connect --seqpacket to a tcp address is a usage error" \
	--seqpacket connect tcp:127.0.0.1:80
fails_usage 'relay: --seqpacket copies whole messages' \
	"relay --seqpacket with --copy=splice is a usage error" \
	--seqpacket --copy=splice relay vsock:local:any vsock:local:5000

done_testing
