#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock relay --allow-from=LIST on each kind of listener: an allowed
# peer gets through and its bytes echo; any other is closed at once (its
# client, standard input still open, sees the end without sending
# anything), never reaches the target, and is logged: the first refusal in
# one line naming the listener and the peer, repeats summed up, not a line
# each. A list of the wrong kind for the listener is a usage error.
#
#   tcp:   the peer's address (127.0.0.1 allowed; 127.0.0.2 refused, a
#          client bound to it: cli-echo from)
#   unix:  the peer's uid (SO_PEERCRED): ours allowed, another refused; a
#          client of another uid (setpriv, as root) the other way round
#   vsock: the peer's CID as the library's accept reports it: CID 1 for a
#          client on this machine (on vsock loopback, and on the tcp
#          fallback, which maps a loopback peer to CID 1)
. "${srcdir:-.}/t/cli-lib.sh"

plan 15

# The echo behind every relay: TCP on 127.0.0.1 whatever the machine has.
bg echo env UDO_VSOCK_TCP_TRANSPORT=tcp "$CLI_ECHO" server
eport=$(first_line "$T_DIR/echo.out")
target=tcp:127.0.0.1:$eport

# fails_usage REGEX DESCRIPTION ARGS...: exit 2 and one line matching REGEX.
fails_usage() {
	regex=$1 desc=$2
	shift 2
	udo "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	got=$?
	[ "$got" -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] && grep -Eq -- "$regex" "$T_DIR/err"
	ok $? "$desc"
	[ "$got" -eq 2 ] || diag "udo-vsock $*: exit $got"
	diag_file "$T_DIR/err"
}

# relay NAME ALLOW LISTEN [OPTION...]: a relay from LISTEN to the echo,
# --verbose (so each relayed connection is logged); sets $port.
relay() {
	r_name=$1 r_allow=$2 r_listen=$3
	shift 3
	bg "$r_name" "$UDO_VSOCK" --print-port --verbose "$@" --allow-from="$r_allow" relay \
		"$r_listen" "$target"
	port=$(first_line "$T_DIR/$r_name.err")
}

# echoes NAME CLIENT...: CLIENT (reading standard input, writing what comes
# back) gets its line back.
echoes() {
	e_name=$1
	shift
	echo "through $e_name" | timeout -k 10 "$T_TIMEOUT" "$@" >"$T_DIR/$e_name.out" \
		2>"$T_DIR/$e_name.cerr"
	[ "$(cat "$T_DIR/$e_name.out")" = "through $e_name" ]
}

# closed NAME CLIENT...: CLIENT, its standard input held open (it sends
# nothing and never ends its side), ends its output without a byte: the
# relay closed the connection. (Its output, not the client: on vsock the
# kernel tells a client whose own side is open only that the stream
# ended, and udo-vsock connect then ends its output but waits for its
# input.) Waiting until the timeout is a failure.
closed() {
	c_name=$1
	shift
	rm -f "$T_DIR/$c_name.in" "$T_DIR/$c_name.pipe"
	mkfifo "$T_DIR/$c_name.in" "$T_DIR/$c_name.pipe"
	"$@" <"$T_DIR/$c_name.in" >"$T_DIR/$c_name.pipe" 2>"$T_DIR/$c_name.cerr" &
	c_pid=$!
	t_pids="$t_pids $c_pid"
	exec 5>"$T_DIR/$c_name.in"
	timeout -k 10 "$T_TIMEOUT" cat "$T_DIR/$c_name.pipe" >"$T_DIR/$c_name.out"
	c_st=$?
	timed_out $c_st && kill $c_pid 2>/dev/null
	exec 5>&-
	wait $c_pid
	diag "$c_name: output ended with cat's status $c_st, $(wc -c <"$T_DIR/$c_name.out") bytes"
	! timed_out $c_st && [ ! -s "$T_DIR/$c_name.out" ]
}

# refused_once LOG PEER_REGEX: LOG has exactly one first refusal line for
# PEER_REGEX, every other refusal line is a summary, and no connection of
# that peer was relayed.
refused_once() {
	[ "$(grep -Ec "refused $2: not in --allow-from\$" "$1")" -eq 1 ] &&
		! grep -Ev "refused $2: not in --allow-from\$" "$1" | grep refused |
			grep -vq 'refused peers not in --allow-from (' &&
		! grep -Eq "relay $2 -> .*connected" "$1"
}

# 1-3: the wrong kind of list for the listener, or an option of relay on
# another command: usage errors naming the option and its value.
fails_usage 'allow-from="10.0.0.0/8" on vsock:1:any: entry "10.0.0.0/8" is not a CID' \
	"a CIDR on a vsock listener is a usage error naming the option and the value" \
	relay --allow-from=10.0.0.0/8 vsock:local:any "$target"
fails_usage 'allow-from="3,7-x": entry "7-x" is not a number, range' \
	"a malformed list is a usage error quoting it" \
	relay --allow-from=3,7-x tcp:127.0.0.1:any "$target"
fails_usage 'option "--allow-from" does not apply to listen' \
	"--allow-from belongs to relay only" listen --allow-from=1 tcp:127.0.0.1:any

# 4-7: tcp: by address.
relay tcp "127.0.0.1,::1" tcp:127.0.0.1:any
tport=$port
echoes tcp_in "$UDO_VSOCK" connect "tcp:127.0.0.1:$tport"
ok $? "tcp: a peer from an allowed address (127.0.0.1) gets through and echoes"
diag_file "$T_DIR/tcp_in.cerr"
closed tcp_out1 "$CLI_ECHO" from 127.0.0.2 "$tport" &&
	closed tcp_out2 "$CLI_ECHO" from 127.0.0.2 "$tport" &&
	closed tcp_out3 "$CLI_ECHO" from 127.0.0.2 "$tport"
ok $? "tcp: a peer from another address (127.0.0.2) is closed at once, three times"
diag_file "$T_DIR/tcp_out1.cerr"
refused_once "$T_DIR/tcp.err" 'tcp 127\.0\.0\.2:[0-9]+'
ok $? "tcp: the refusals are logged once, naming the listener and the peer"
diag_file "$T_DIR/tcp.err"
echoes tcp_in2 "$UDO_VSOCK" connect "tcp:127.0.0.1:$tport"
ok $? "tcp: after the refusals, the allowed peer still gets through"

# 8-12: unix: by uid.
me=$(id -u)
other=$((me + 1))
relay unix_me "$me" unix:any
umport=$port
relay unix_other "$other" unix:any
uoport=$port
echoes unix_in "$UDO_VSOCK" connect "unix:$umport"
ok $? "unix: a peer of an allowed uid ($me) gets through and echoes"
diag_file "$T_DIR/unix_in.cerr"
closed unix_out1 "$UDO_VSOCK" connect "unix:$uoport" &&
	closed unix_out2 "$UDO_VSOCK" connect "unix:$uoport"
ok $? "unix: a peer of a uid not on the list (only $other is) is closed at once"
diag_file "$T_DIR/unix_out1.cerr"
refused_once "$T_DIR/unix_other.err" "unix uid $me pid [0-9]+"
ok $? "unix: the refusals are logged once"
diag_file "$T_DIR/unix_other.err"
# Another uid: nobody's, where we may become it (root, setpriv) and it may
# run this build (not where the build is under a directory of root's own,
# /root/...: its library would not load, and a refusal would prove nothing).
as_other="setpriv --reuid=65534 --regid=65534 --clear-groups"
other_runs() {
	[ "$me" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
		$as_other "$UDO_VSOCK" --version >/dev/null 2>&1
}
if ! other_runs; then
	why="not root, no setpriv, or uid 65534 cannot run $UDO_VSOCK"
	skip "unix: a peer of another allowed uid gets through" "$why"
	skip "unix: that uid on a relay allowing only ours is closed at once" "$why"
else
	relay unix_nobody 65534 unix:any
	unport=$port
	echoes unix_nobody_in $as_other "$UDO_VSOCK" connect "unix:$unport"
	ok $? "unix: a peer of another allowed uid (65534) gets through"
	diag_file "$T_DIR/unix_nobody_in.cerr"
	closed unix_nobody_out $as_other "$UDO_VSOCK" connect "unix:$umport"
	ok $? "unix: that uid on a relay allowing only $me is closed at once"
	diag_file "$T_DIR/unix_nobody_out.cerr"
fi

# 13-15: vsock: by CID. CID 1 is this machine's own peers here (loopback,
# or the tcp fallback); the listener and the client take the same transport
# for CID 1 (auto, or what the suite sets).
relay vsock_in 1,5-9 vsock:local:any
viport=$port
relay vsock_out 2-4294967295 vsock:local:any
voport=$port
echoes vsock_in "$UDO_VSOCK" connect local "$viport"
ok $? "vsock: a peer of an allowed CID (1, in 1,5-9) gets through and echoes"
diag_file "$T_DIR/vsock_in.cerr"
diag_file "$T_DIR/vsock_in.err"
closed vsock_out1 "$UDO_VSOCK" connect local "$voport" &&
	closed vsock_out2 "$UDO_VSOCK" connect local "$voport"
ok $? "vsock: a peer of a CID not on the list (2-4294967295) is closed at once"
diag_file "$T_DIR/vsock_out1.cerr"
refused_once "$T_DIR/vsock_out.err" '[a-z]+ 1:[0-9]+'
ok $? "vsock: the refusals are logged once, naming the peer's CID"
diag_file "$T_DIR/vsock_out.err"

done_testing
