#!/bin/sh
# SPDX-License-Identifier: MIT
# Seqpacket peers we did not write, against the library's seqpacket ends
# (t/sp-peer: its server answers each message M of N bytes with "N:M", its
# client prints each message received as "N:M" on a line):
#
#   socat ABSTRACT-CONNECT,socktype=5 to a library server on unix;
#   socat VSOCK-CONNECT,socktype=5 to a library server on vsock, where vsock
#     loopback is served (the make check-vm guest);
#   systemd-socket-activate --seqpacket --accept --inetd running cat(1),
#     which echoes each message it reads, for a library client on unix.
#     (On the unix name: Debian 12's systemd 252 refuses a vsock seqpacket
#     address, "socket_address_print(): Invalid argument".)
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"

plan 3

# seqpacket_exchange ADDRESS NAME: socat - ADDRESS, writing "abc" and, once
# "3:abc" came back, "defgh" (so they are two reads: two messages); socat's
# output in $T_DIR/NAME.out.
seqpacket_exchange() {
	mkfifo "$T_DIR/$2.in"
	timeout -k 10 "$T_TIMEOUT" socat - "$1" <"$T_DIR/$2.in" >"$T_DIR/$2.out" 2>"$T_DIR/$2.err" &
	sx_pid=$!
	t_pids="$t_pids $sx_pid"
	exec 5>"$T_DIR/$2.in"
	printf abc >&5
	wait_for "$T_DIR/$2.out" 3:abc
	printf defgh >&5
	wait_for "$T_DIR/$2.out" 3:abc5:defgh
	exec 5>&-
	wait "$sx_pid"
	[ "$(cat "$T_DIR/$2.out")" = "3:abc5:defgh" ]
}

# socat_case TRANSPORT ADDRESS-PREFIX: a library seqpacket server on
# TRANSPORT, socat's seqpacket client at ADDRESS-PREFIX and its port.
socat_case() {
	bg "$1peer" env UDO_VSOCK_TCP_TRANSPORT="$1" "$SP_PEER" server
	sc_port=$(first_line "$T_DIR/$1peer.out")
	seqpacket_exchange "$2$sc_port,socktype=5" "$1socat"
	ok $? "socat ${2%%:*} seqpacket keeps every boundary with a library server ($1)"
	diag "socat got: $(cat "$T_DIR/$1socat.out")"
	diag_file "$T_DIR/$1socat.err"
	diag_file "$T_DIR/$1peer.err"
}

have_loopback() { "$UDO_VSOCK" transports | grep -q 'loopback (CID 1) works'; }

# 1-2: socat's seqpacket client.
if ! command -v socat >/dev/null 2>&1; then
	skip "socat ABSTRACT-CONNECT seqpacket keeps every boundary with a library server" "no socat"
	skip "socat VSOCK-CONNECT seqpacket keeps every boundary with a library server" "no socat"
else
	socat_case unix ABSTRACT-CONNECT:udo-vsock-tcp/
	if have_loopback; then
		socat_case vsock VSOCK-CONNECT:1:
	else
		skip "socat VSOCK-CONNECT seqpacket keeps every boundary with a library server" \
			"no vsock loopback (CID 1) here"
	fi
fi

# 3: systemd-socket-activate, on a name we pick (another, if it is taken).
desc="systemd-socket-activate --seqpacket echoes each of the library's messages whole (unix)"
if ! command -v systemd-socket-activate >/dev/null 2>&1; then
	skip "$desc" "no systemd-socket-activate"
	done_testing
fi
start_ssa() {
	bg ssa systemd-socket-activate -l "@udo-vsock-tcp/$port" --seqpacket --accept --inetd cat
}
pick_port start_ssa ssa "Listening on" $(($$ * 13))
timeout -k 10 "$T_TIMEOUT" env UDO_VSOCK_TCP_TRANSPORT=unix "$SP_PEER" send "$port" \
	a bb 'three three' >"$T_DIR/send.out" 2>"$T_DIR/send.err"
printf '1:a\n2:bb\n11:three three\n' >"$T_DIR/want"
same "$T_DIR/send.out" "$T_DIR/want"
ok $? "$desc"
diag_file "$T_DIR/send.out"
diag_file "$T_DIR/send.err"
diag_file "$T_DIR/ssa.err"

done_testing
