#!/bin/sh
# SPDX-License-Identifier: MIT
# `udo-vsock relay passed` takes each passed socket by the rules of the
# address it would be given as: a vsock or unix-transport listener of the
# relay's type (--seqpacket: SOCK_SEQPACKET) as vsock:CID:PORT, through the
# library; a tcp listener as tcp:HOST:PORT, for a stream relay only (with
# --seqpacket that is a usage error, as tcp: is); a listener of the other
# type is a usage error too. It serves every passed socket, not only the
# first 64.
#
# The sockets are passed by t/pass-fds (ports the kernel picks, written to a
# file; systemd-socket-activate binds given ports, waits for a connection
# before it starts the program, and Debian 12's refuses vsock seqpacket).
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"
: "${PASS_FDS:=${CLI_ECHO%/*}/pass-fds}"

plan 5

built_in=$("$UDO_VSOCK" transports | sed -n 's/^socket activation: //p')
case $built_in in yes*) ;; *)
	for i in 1 2 3 4 5; do skip "relay passed" "built without libsystemd"; done
	done_testing ;;
esac

# pass NAME SPEC... -- ARGS...: udo-vsock ARGS in the background (bg NAME)
# with the sockets SPEC passed; their ports in $T_DIR/NAME.ports.
pass() {
	p_name=$1
	shift
	rm -f "$T_DIR/$p_name.ports"
	# shellcheck disable=SC2086 # the emulator is words
	bg "$p_name" "$PASS_FDS" "$T_DIR/$p_name.ports" "$@"
}

# passed_port NAME [N]: the Nth (1st) port of pass NAME, once written.
passed_port() {
	i=0
	while [ ! -e "$T_DIR/$1.ports" ] && [ $i -lt 100 ] && kill -0 "$bg_pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	sed -n "${2:-1}p" "$T_DIR/$1.ports" 2>/dev/null
}

# fails_usage NAME REGEX DESCRIPTION: pass NAME's udo-vsock exited 2 with
# one line matching REGEX (within 5 s: a relay that runs has taken it).
fails_usage() {
	i=0
	while kill -0 "$bg_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill "$bg_pid" 2>/dev/null
	wait "$bg_pid"
	st=$?
	[ $st -eq 2 ] && [ "$(wc -l <"$T_DIR/$1.err")" -eq 1 ] && grep -Eq -- "$2" "$T_DIR/$1.err"
	ok $? "$3"
	diag "exit $st"
	diag_file "$T_DIR/$1.err"
}

# 1: a passed unix-transport seqpacket listener carries messages whole.
bg peer "$SP_PEER" server
pport=$(first_line "$T_DIR/peer.out")
pass relay unix-seqpacket -- "$UDO_VSOCK" --seqpacket relay passed "vsock:1:$pport"
relay=$bg_pid
rport=$(passed_port relay)
timeout -k 10 "$T_TIMEOUT" env UDO_VSOCK_TCP_TRANSPORT=unix "$SP_PEER" send "$rport" a bb \
	>"$T_DIR/send.out" 2>"$T_DIR/send.err"
printf '3:1:a\n4:2:bb\n' >"$T_DIR/want"
same "$T_DIR/send.out" "$T_DIR/want"
ok $? "relay --seqpacket passed serves a passed unix-transport SOCK_SEQPACKET listener"
diag_file "$T_DIR/send.out"
diag_file "$T_DIR/send.err"
diag_file "$T_DIR/relay.err"
kill "$relay"
wait "$relay"

# 2: a passed vsock seqpacket listener is adopted (what listen does); no
# vsock loopback here to connect through it: its port is what it announces.
pass vsock vsock-seqpacket -- "$UDO_VSOCK" --seqpacket --print-port \
	relay passed "vsock:1:$pport"
vsock=$bg_pid
vport=$(passed_port vsock)
if [ -z "$vport" ] && grep -q "vsock listener" "$T_DIR/vsock.err"; then
	skip "relay --seqpacket passed adopts a passed vsock SOCK_SEQPACKET listener" \
		"no vsock here: $(cat "$T_DIR/vsock.err")"
else
	i=0
	while [ "$(sed -n 1p "$T_DIR/vsock.err")" = "" ] && kill -0 "$vsock" 2>/dev/null &&
	      [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(sed -n 1p "$T_DIR/vsock.err")" = "$vport" ] && kill -0 "$vsock"
	ok $? "relay --seqpacket passed adopts a passed vsock SOCK_SEQPACKET listener"
	diag_file "$T_DIR/vsock.err"
fi
kill "$vsock" 2>/dev/null
wait "$vsock"

# 3-4: the rules of the explicit forms.
pass tcp tcp -- "$UDO_VSOCK" --seqpacket relay passed "vsock:1:$pport"
fails_usage tcp "--seqpacket needs vsock addresses: passed socket 3 is tcp" \
	"relay --seqpacket passed refuses a passed tcp listener as a usage error, as tcp: is"
pass stream unix-seqpacket -- "$UDO_VSOCK" relay passed "vsock:1:$pport"
fails_usage stream "passed socket 3 is a SOCK_SEQPACKET listener: relay it with --seqpacket" \
	"relay passed without --seqpacket refuses a passed seqpacket listener as a usage error"

# 5: every passed socket is served: 70 tcp listeners (140 fds while
# pass-fds moves them into place), the first and the last two tried.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 200 ]; then
	skip "relay passed serves all of 70 passed sockets" "fd limit $(ulimit -n) is below 200"
	done_testing
fi
bg echo "$CLI_ECHO" server
echo_port=$(first_line "$T_DIR/echo.out")
pass many 'tcp*70' -- "$UDO_VSOCK" relay passed "vsock:1:$echo_port"
many=$bg_pid
passed_port many >/dev/null
served=0
for n in 1 69 70; do
	port=$(sed -n "${n}p" "$T_DIR/many.ports")
	got=$(echo "ping $n" | timeout -k 10 10 "$UDO_VSOCK" connect "tcp:127.0.0.1:$port" 2>>"$T_DIR/many.cerr")
	[ "$got" = "ping $n" ] && served=$((served + 1))
	diag "passed socket $n (port $port): \"$got\""
done
[ $served -eq 3 ]
ok $? "relay passed serves all of 70 passed sockets (the 1st, 69th and 70th tried)"
diag_file "$T_DIR/many.cerr"
diag_file "$T_DIR/many.err"
done_testing
