#!/bin/sh
# SPDX-License-Identifier: MIT
# A seqpacket peer we did not write: systemd-socket-activate --seqpacket
# --accept --inetd runs cat(1) on each connection, which echoes each message
# it reads as one message. The library's seqpacket client (t/sp-peer) sends
# three and gets each back whole: on vsock (CID 1) where vsock loopback is
# served (the make check-vm guest), on the unix transport's abstract name
# @udo-vsock-tcp/PORT elsewhere.
. "${srcdir:-.}/t/cli-lib.sh"
: "${SP_PEER:=${CLI_ECHO%/*}/sp-peer}"

plan 1

desc="systemd-socket-activate --seqpacket echoes each of the library's messages whole"
if ! command -v systemd-socket-activate >/dev/null 2>&1; then
	skip "$desc" "no systemd-socket-activate"
	done_testing
fi
if "$UDO_VSOCK" transports | grep -q 'loopback (CID 1) works'; then
	transport=vsock
else
	transport=unix
fi

tries=0
while :; do
	port=$(( ($$ * 13 + tries * 257) % 20000 + 20000 ))
	if [ $transport = vsock ]; then where=vsock:1:$port; else where=@udo-vsock-tcp/$port; fi
	bg ssa systemd-socket-activate -l "$where" --seqpacket --accept --inetd cat
	i=0
	while [ $i -lt 50 ] && ! grep -q "Listening on" "$T_DIR/ssa.err" "$T_DIR/ssa.out" &&
	      kill -0 "$bg_pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "Listening on" "$T_DIR/ssa.err" "$T_DIR/ssa.out" && break
	tries=$((tries + 1))
	[ $tries -lt 5 ] || break
done
diag "systemd-socket-activate on $where ($transport)"
timeout "$T_TIMEOUT" env UDO_VSOCK_TCP_TRANSPORT=$transport "$SP_PEER" send "$port" \
	a bb 'three three' >"$T_DIR/send.out" 2>"$T_DIR/send.err"
printf '1:a\n2:bb\n11:three three\n' >"$T_DIR/want"
same "$T_DIR/send.out" "$T_DIR/want"
ok $? "$desc ($transport)"
diag_file "$T_DIR/send.out"
diag_file "$T_DIR/send.err"
diag_file "$T_DIR/ssa.err"

done_testing
