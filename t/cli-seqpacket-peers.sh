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
	timeout "$T_TIMEOUT" socat - "$1" <"$T_DIR/$2.in" >"$T_DIR/$2.out" 2>"$T_DIR/$2.err" &
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

have_loopback() { "$UDO_VSOCK" transports | grep -q 'loopback (CID 1) works'; }

# 1-2: socat's seqpacket client.
if ! command -v socat >/dev/null 2>&1; then
	skip "socat ABSTRACT-CONNECT seqpacket keeps every boundary with a library server" "no socat"
	skip "socat VSOCK-CONNECT seqpacket keeps every boundary with a library server" "no socat"
else
	bg upeer env UDO_VSOCK_TCP_TRANSPORT=unix "$SP_PEER" server
	uport=$(first_line "$T_DIR/upeer.out")
	seqpacket_exchange "ABSTRACT-CONNECT:udo-vsock-tcp/$uport,socktype=5" usocat
	ok $? "socat ABSTRACT-CONNECT seqpacket keeps every boundary with a library server (unix)"
	diag "socat got: $(cat "$T_DIR/usocat.out")"
	diag_file "$T_DIR/usocat.err"
	if have_loopback; then
		bg vpeer env UDO_VSOCK_TCP_TRANSPORT=vsock "$SP_PEER" server
		vport=$(first_line "$T_DIR/vpeer.out")
		seqpacket_exchange "VSOCK-CONNECT:1:$vport,socktype=5" vsocat
		ok $? "socat VSOCK-CONNECT seqpacket keeps every boundary with a library server (vsock)"
		diag "socat got: $(cat "$T_DIR/vsocat.out")"
		diag_file "$T_DIR/vsocat.err"
		diag_file "$T_DIR/vpeer.err"
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
tries=0
while :; do
	port=$(( ($$ * 13 + tries * 257) % 20000 + 20000 ))
	bg ssa systemd-socket-activate -l "@udo-vsock-tcp/$port" --seqpacket --accept --inetd cat
	i=0
	while [ $i -lt 100 ] && ! grep -q "Listening on" "$T_DIR/ssa.err" &&
	      kill -0 "$bg_pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "Listening on" "$T_DIR/ssa.err" && break
	tries=$((tries + 1))
	[ $tries -lt 5 ] || break
done
timeout "$T_TIMEOUT" env UDO_VSOCK_TCP_TRANSPORT=unix "$SP_PEER" send "$port" \
	a bb 'three three' >"$T_DIR/send.out" 2>"$T_DIR/send.err"
printf '1:a\n2:bb\n11:three three\n' >"$T_DIR/want"
same "$T_DIR/send.out" "$T_DIR/want"
ok $? "$desc"
diag_file "$T_DIR/send.out"
diag_file "$T_DIR/send.err"
diag_file "$T_DIR/ssa.err"

done_testing
