#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock listen and connect: bytes arrive intact in both directions, end
# of input is passed on as a half-close by both commands, --keep-open serves
# one connection after another, and every address spelling reaches a server.
# CID 1 is served by the library's choice: tcp on a machine without vsock
# loopback, vsock where it has it.
. "${srcdir:-.}/t/cli-lib.sh"

plan 16

data a 4194304
data b 3000017
: >"$T_DIR/empty"

# Wait for a background command: its exit status.
finish() { wait "$1"; }

# listen (fed SRV_IN) and connect (fed CLI_IN) on CID 1: srv.out and cli.out
# hold what each received, cst and sst their exit statuses.
listen_and_connect() {
	bg_in srv "$1" "$UDO_VSOCK" --print-port listen local any
	srv=$bg_pid
	port=$(first_line "$T_DIR/srv.err")
	udo connect local "$port" <"$2" >"$T_DIR/cli.out" 2>"$T_DIR/cli.err"
	cst=$?
	finish $srv
	sst=$?
}

diag "CID 1 goes over $(cid1_transport) here"

# 1-2: 4 MiB from connect to listen, byte for byte.
listen_and_connect "$T_DIR/empty" "$T_DIR/a"
[ $cst -eq 0 ] && [ $sst -eq 0 ]
ok $? "listen and connect both exit 0 after a 4 MiB transfer"
same "$T_DIR/a" "$T_DIR/srv.out" && [ ! -s "$T_DIR/cli.out" ]
ok $? "4 MiB piped into connect come out of listen byte for byte"
[ $cst -eq 0 ] || diag_file "$T_DIR/cli.err"

# 3: the other way: connect's input ends at once (a half-close), listen
# sees the end of stream first and still sends all of its input.
listen_and_connect "$T_DIR/b" "$T_DIR/empty"
[ $cst -eq 0 ] && [ $sst -eq 0 ] && same "$T_DIR/b" "$T_DIR/cli.out"
ok $? "half-close by connect: listen still sends everything after the peer's end of stream"

# 4: both directions at once, 4 MiB and 3 MB: no deadlock, nothing lost.
listen_and_connect "$T_DIR/b" "$T_DIR/a"
[ $cst -eq 0 ] && [ $sst -eq 0 ] && same "$T_DIR/a" "$T_DIR/srv.out" &&
	same "$T_DIR/b" "$T_DIR/cli.out"
ok $? "both directions at once arrive intact"

# 5: listen half-closes at its end of input and keeps reading: a peer that
# answers only after the end of stream (cli-echo reply) gets through.
bg_in srv "$T_DIR/b" "$UDO_VSOCK" --print-port listen local any
srv=$bg_pid
port=$(first_line "$T_DIR/srv.err")
timeout -k 10 "$T_TIMEOUT" "$CLI_ECHO" reply "$port" 2>"$T_DIR/reply.err"
rst=$?
finish $srv
sst=$?
[ $rst -eq 0 ] && [ $sst -eq 0 ] && same "$T_DIR/b" "$T_DIR/srv.out"
ok $? "half-close by listen: the peer's answer after the end of stream arrives"
[ $rst -eq 0 ] || diag_file "$T_DIR/reply.err"

# 6: connect to a library echo server: the echo only ends when the server
# sees our end of stream, so all 4 MiB coming back proves the half-close.
bg echo "$CLI_ECHO" server
echo_pid=$bg_pid
eport=$(first_line "$T_DIR/echo.out")
udo connect local "$eport" <"$T_DIR/a" >"$T_DIR/cli.out" 2>"$T_DIR/cli.err"
cst=$?
[ $cst -eq 0 ] && same "$T_DIR/a" "$T_DIR/cli.out"
ok $? "connect to a library echo server gets all 4 MiB back, then ends"

# 7-12: every spelling reaches a server.
for addr in "local $eport" "1 $eport" "vsock:local:$eport" "vsock://1:$eport" \
	"VSOCK://LOCAL:$eport"; do
	out=$(echo "hello $addr" | udo connect $addr 2>"$T_DIR/cli.err")
	[ "$out" = "hello $addr" ]
	ok $? "connect $addr reaches the server"
	[ "$out" = "hello $addr" ] || diag_file "$T_DIR/cli.err"
done
# The tcp: spellings need a server on TCP: one more echo server, forced to tcp.
bg echo2 env UDO_VSOCK_TCP_TRANSPORT=tcp "$CLI_ECHO" server
tport=$(first_line "$T_DIR/echo2.out")
out=$(echo "hello tcp" | udo connect "tcp://127.0.0.1:$tport" 2>"$T_DIR/cli.err")
[ "$out" = "hello tcp" ]
ok $? "connect tcp://127.0.0.1:PORT reaches a tcp-transport server"

# 13-14: a host name, resolved with Debian's stock /etc/hosts (bound over the
# machine's in a private mount namespace, so the machine's own does not
# matter) and /etc/host.conf ("multi on": every address of a name; glibc's
# RESOLV_HOST_CONF names it): localhost is ::1 and 127.0.0.1, ::1 first,
# and the server is on 127.0.0.1 only: connect tries every address until
# one answers.
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n\n%s\n%s\n%s\n%s\n' \
	'# The following lines are desirable for IPv6 capable hosts' \
	'::1     localhost ip6-localhost ip6-loopback' 'ff02::1 ip6-allnodes' \
	'ff02::2 ip6-allrouters' >"$T_DIR/hosts"
echo 'multi on' >"$T_DIR/host.conf"
# with_hosts CMD...: CMD with $T_DIR/hosts as /etc/hosts, $T_DIR/host.conf
# as /etc/host.conf.
with_hosts() {
	RESOLV_HOST_CONF=$T_DIR/host.conf timeout -k 10 "$T_TIMEOUT" unshare -m \
		sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$T_DIR/hosts" "$@"
}
why=
if [ ! -f /etc/hosts ]; then
	why="no /etc/hosts here to bind Debian's stock one over"
elif ! unshare -m sh -c "mount --bind '$T_DIR/hosts' /etc/hosts" 2>/dev/null; then
	why="no private mount namespace here (unshare -m, mount --bind)"
fi
if [ -n "$why" ]; then
	skip "connect tcp:localhost:PORT tries ::1, then 127.0.0.1" "$why"
	skip "a refused tcp:localhost:PORT names each address tried and why" "$why"
else
	out=$(echo "hello localhost" | with_hosts "$UDO_VSOCK" connect "tcp:localhost:$tport" \
		2>"$T_DIR/cli.err")
	[ "$out" = "hello localhost" ]
	r=$?
	ok $r "connect tcp:localhost:PORT tries ::1, then 127.0.0.1"
	[ $r -eq 0 ] || diag_file "$T_DIR/cli.err"
	bg refuser "$CLI_ECHO" refuser both
	fport=$(first_line "$T_DIR/refuser.out")
	with_hosts "$UDO_VSOCK" connect "tcp:localhost:$fport" </dev/null >/dev/null \
		2>"$T_DIR/cli.err"
	[ $? -eq 1 ] && [ "$(wc -l <"$T_DIR/cli.err")" -eq 1 ] &&
		grep -q "connect to tcp:localhost:$fport: \\[::1\\]:$fport: .*; 127.0.0.1:$fport: Connection refused\$" \
		"$T_DIR/cli.err"
	r=$?
	ok $r "a refused tcp:localhost:PORT names each address tried and why"
	[ $r -eq 0 ] || diag_file "$T_DIR/cli.err"
fi

# 15: --keep-open serves connections one after another.
bg_in keep "$T_DIR/empty" "$UDO_VSOCK" --keep-open --print-port listen local any
keep=$bg_pid
port=$(first_line "$T_DIR/keep.err")
printf 'first\n' | udo connect local "$port" 2>>"$T_DIR/cli.err"
s1=$?
printf 'second\n' | udo connect local "$port" 2>>"$T_DIR/cli.err"
s2=$?
printf 'third\n' | udo connect "vsock:1:$port" 2>>"$T_DIR/cli.err"
s3=$?
i=0
while [ "$(wc -l <"$T_DIR/keep.out")" -lt 3 ] && [ $i -lt $((T_TIMEOUT * 10)) ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $keep 2>/dev/null
alive=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ $s3 -eq 0 ] && [ $alive -eq 0 ] &&
	[ "$(cat "$T_DIR/keep.out")" = "$(printf 'first\nsecond\nthird')" ]
ok $? "--keep-open serves three connections one after another and keeps listening"

# 16: without --keep-open, listen serves one connection: the next is refused.
bg_in one "$T_DIR/empty" "$UDO_VSOCK" --print-port listen local any
one=$bg_pid
port=$(first_line "$T_DIR/one.err")
echo x | udo connect local "$port" >/dev/null 2>&1
finish $one
echo y | udo connect local "$port" >/dev/null 2>"$T_DIR/cli.err"
[ $? -eq 1 ] && grep -Eq "refused|reset" "$T_DIR/cli.err"
ok $? "listen without --keep-open serves one connection, then the port is closed"

done_testing
