#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock --seqpacket: listen, connect and relay keep message boundaries
# (each read of standard input is one message; each message received is
# written out as it is), a relay between two seqpacket ends keeps every
# boundary, an empty message is a message (not the end of stream) in all
# three, and a seqpacket end with a stream end is a usage error.
#
# The peer is t/sp-peer (the library, SOCK_SEQPACKET on CID 1): unix here,
# vsock in the make check-vm guest. It answers each message M of N bytes
# with the message "N:M", and its client prints each message received as
# "N:M" on a line, so the boundaries show in the output.
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"

plan 14

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
timeout -k 10 $t_bg_fg "$T_TIMEOUT" "$UDO_VSOCK" --seqpacket connect local "$pport" <"$T_DIR/in2" \
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
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$lport" a bb ccc >"$T_DIR/send.out" 2>"$T_DIR/send.err"
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
bg relay "$UDO_VSOCK" --seqpacket --print-port --verbose relay vsock:local:any "vsock:local:$pport"
rport=$(first_line "$T_DIR/relay.err")
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$rport" a bb ccc >"$T_DIR/relay1.out" 2>&1
printf '3:1:a\n4:2:bb\n5:3:ccc\n' >"$T_DIR/relay1.want"
same "$T_DIR/relay1.out" "$T_DIR/relay1.want"
ok $? "relay --seqpacket keeps every message boundary both ways"
diag_file "$T_DIR/relay1.out"
big=$(head -c 100000 /dev/zero | tr '\0' m)
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$rport" x "$big" y >"$T_DIR/relay2.out" 2>&1
awk '{ print length($0) }' "$T_DIR/relay2.out" | tr '\n' ' ' >"$T_DIR/relay2.len"
[ "$(cat "$T_DIR/relay2.len")" = "5 100014 5 " ]
ok $? "relay --seqpacket carries a 100000-byte message whole between two small ones"
diag "line lengths: $(cat "$T_DIR/relay2.len")"

# 6-8: an empty message is a message, not the end of stream: the messages
# after it arrive, and nothing is shut down early.
bg tell "$SP_PEER" tell a "" ccc
tport=$(first_line "$T_DIR/tell.out")
udo --seqpacket connect local "$tport" </dev/null >"$T_DIR/c0.out" 2>"$T_DIR/c0.err"
st=$?
wait "$bg_pid"
[ $st -eq 0 ] && [ "$(cat "$T_DIR/c0.out")" = accc ]
ok $? "connect --seqpacket: an empty message from the peer does not end the stream"
diag "exit $st, output: $(cat "$T_DIR/c0.out")"
diag_file "$T_DIR/c0.err"

bg_in listen0 "$T_DIR/hello" "$UDO_VSOCK" --seqpacket --print-port listen local any
lport=$(first_line "$T_DIR/listen0.err")
timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$lport" a "" ccc >"$T_DIR/send0.out" 2>"$T_DIR/send0.err"
st=$?
wait "$bg_pid"
[ $st -eq 0 ] && [ "$(cat "$T_DIR/send0.out")" = "11:hello there" ] &&
	[ "$(cat "$T_DIR/listen0.out")" = accc ]
ok $? "listen --seqpacket: an empty message from the peer does not end the stream"
diag "peer: exit $st, got: $(cat "$T_DIR/send0.out"); listen wrote: $(cat "$T_DIR/listen0.out")"
diag_file "$T_DIR/send0.err"

timeout -k 10 "$T_TIMEOUT" "$SP_PEER" send "$rport" a "" ccc >"$T_DIR/relay0.out" 2>&1
printf '3:1:a\n2:0:\n5:3:ccc\n' >"$T_DIR/relay0.want"
if grep -q ' on vsock ' "$T_DIR/relay.err"; then
	# AF_VSOCK sends nothing for a zero-length message (af_vsock.c's send
	# loop runs while bytes are left): the kernel drops it before the relay
	# sees it, and what the relay must do is carry the messages around it.
	printf '3:1:a\n5:3:ccc\n' >"$T_DIR/relay0.vsock"
	same "$T_DIR/relay0.out" "$T_DIR/relay0.want" || same "$T_DIR/relay0.out" "$T_DIR/relay0.vsock"
	ok $? "relay --seqpacket on vsock: the messages around an empty one arrive (the kernel may drop the empty one)"
else
	same "$T_DIR/relay0.out" "$T_DIR/relay0.want"
	ok $? "relay --seqpacket passes an empty message on as one, both ways"
fi
diag_file "$T_DIR/relay0.out"
diag_file "$T_DIR/relay.err"

# 9: standard input and output that are message sockets themselves carry
# empty messages as such (elsewhere an empty message cannot be written to a
# byte stream, nor read from one): in through connect to the peer, which
# answers "0:", and the peer's empty message out.
if command -v python3 >/dev/null; then
	cat >"$T_DIR/sp.py" <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
p = subprocess.Popen(sys.argv[1:], stdin=b, stdout=b)
b.close()
for m in (b"x", b"", b"yy"):
    a.send(m)
a.shutdown(socket.SHUT_WR)
a.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
out = []
while True:
    m, anc, fl, ad = a.recvmsg(1000, 100)
    if not m and not anc:
        break
    out.append("[%s]" % m.decode())
print(" ".join(out))
sys.exit(p.wait())
PY
	got=$(timeout -k 10 "$T_TIMEOUT" python3 "$T_DIR/sp.py" "$UDO_VSOCK" --seqpacket connect local "$pport" 2>"$T_DIR/sp.err")
	bg tell "$SP_PEER" tell a "" ccc
	tport=$(first_line "$T_DIR/tell.out")
	got2=$(timeout -k 10 "$T_TIMEOUT" python3 "$T_DIR/sp.py" "$UDO_VSOCK" --seqpacket connect local "$tport" 2>>"$T_DIR/sp.err")
	wait "$bg_pid"
	[ "$got" = "[1:x] [0:] [2:yy]" ] && [ "$got2" = "[a] [] [ccc]" ] &&
		[ "$(sed 1d "$T_DIR/tell.out")" = "$(printf '1:x\n0:\n2:yy')" ]
	ok $? "connect --seqpacket with message sockets for input and output carries empty messages both ways"
	diag "through the echo: $got; from the peer: $got2; the peer got: $(sed 1d "$T_DIR/tell.out" | tr '\n' ' ')"
	diag_file "$T_DIR/sp.err"
else
	skip "connect --seqpacket with message sockets for input and output carries empty messages" \
		"needs python3 (for a socketpair as standard input and output)"
fi

# 10: a message longer than the relay's buffer (a root peer can raise its
# send buffer past it) ends its connection: it is not passed on cut short.
if [ "$(id -u)" -ne 0 ] || ! command -v python3 >/dev/null; then
	skip "relay --seqpacket closes a connection whose message is longer than its buffer" \
		"needs root (SO_SNDBUFFORCE, for a message that large) and python3"
else
	cat >"$T_DIR/big.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.setsockopt(socket.SOL_SOCKET, 32, 4 << 20)  # SO_SNDBUFFORCE
s.connect("\0udo-vsock-tcp/" + sys.argv[1])
try:
    s.send(b"m" * 300000)
    s.send(b"y")
    s.shutdown(socket.SHUT_WR)
except OSError:
    pass
got = []
while True:
    try:
        m = s.recv(400000)
    except OSError:
        break
    if not m:
        break
    got.append(str(len(m)))
print(" ".join(got) or "nothing")
PY
	bg relaybig "$UDO_VSOCK" --seqpacket --print-port relay unix:any "vsock:local:$pport"
	bport=$(first_line "$T_DIR/relaybig.err")
	got=$(timeout -k 10 "$T_TIMEOUT" python3 "$T_DIR/big.py" "$bport" 2>"$T_DIR/big.err")
	[ "$got" = nothing ] && wait_until grep -q 'a 300000-byte message, more than the 262144 bytes' "$T_DIR/relaybig.err"
	ok $? "relay --seqpacket closes a connection whose message is longer than its buffer, not cutting it"
	diag "the sender got back: $got"
	diag_file "$T_DIR/big.err"
	diag_file "$T_DIR/relaybig.err"
fi

# 11-14: what --seqpacket refuses, before trying anything.
fails_usage 'relay: --seqpacket needs vsock, unix or hybrid addresses: tcp:127.0.0.1:any is a stream' \
	"relay --seqpacket between a tcp end and a vsock end is a usage error" \
	--seqpacket relay tcp:127.0.0.1:any vsock:local:5000
fails_usage 'relay: --seqpacket needs vsock, unix or hybrid addresses: tcp:127.0.0.1:80 is a stream' \
	"relay --seqpacket from a vsock end to a tcp end is a usage error" \
	--seqpacket relay vsock:local:any tcp:127.0.0.1:80
fails_usage 'connect: --seqpacket needs vsock, unix or hybrid addresses' \
	"connect --seqpacket to a tcp address is a usage error" \
	--seqpacket connect tcp:127.0.0.1:80
fails_usage 'relay: --seqpacket copies whole messages' \
	"relay --seqpacket with --copy=splice is a usage error" \
	--seqpacket --copy=splice relay vsock:local:any vsock:local:5000

done_testing
