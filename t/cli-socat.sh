#!/bin/sh
# SPDX-License-Identifier: MIT
# Interoperability with a program we did not write: Debian's socat talks to
# `udo-vsock listen` and to a library server over the tcp transport (plain
# TCP on the wire), udo-vsock connect talks to a socat server, and where the
# machine has vsock loopback, socat's VSOCK-CONNECT talks to udo-vsock's
# vsock server.
. "${srcdir:-.}/t/cli-lib.sh"

plan 5

if ! command -v socat >/dev/null 2>&1; then
	i=1
	while [ $i -le 5 ]; do skip "socat interoperability $i" "socat is not installed"; i=$((i + 1)); done
	exit 0
fi

data a 1048576
data b 777777

# socat SOCAT-ARGS...: bounded, and waiting for the other side after its
# own end of input (its default 0.5 s could cut an answer short).
sc() { timeout -k 10 "$T_TIMEOUT" socat -t "$T_TIMEOUT" "$@"; }

# socat_to_listen NAME TRANSPORT SOCAT-ADDRESS-BEFORE-PORT: socat fed a,
# udo-vsock listen (on that transport) fed b; true when each side got the
# other's bytes and both exited 0.
socat_to_listen() {
	bg_in "$1" "$T_DIR/b" "$UDO_VSOCK" --transport "$2" --print-port listen local any
	lpid=$bg_pid
	lport=$(first_line "$T_DIR/$1.err")
	sc - "$3$lport" <"$T_DIR/a" >"$T_DIR/socat.out" 2>"$T_DIR/socat.err"
	sst=$?
	wait $lpid
	lst=$?
	[ $sst -eq 0 ] && [ $lst -eq 0 ] && same "$T_DIR/a" "$T_DIR/$1.out" &&
		same "$T_DIR/b" "$T_DIR/socat.out"
}

# 1: socat -> udo-vsock listen (tcp transport), both directions.
socat_to_listen srv tcp "TCP:127.0.0.1:"
ok $? "socat TCP client and udo-vsock listen over tcp exchange 1 MiB each way"
diag_file "$T_DIR/socat.err"

# 2: socat -> a library server (cli-echo, tcp transport).
bg echo env UDO_VSOCK_TCP_TRANSPORT=tcp "$CLI_ECHO" server
eport=$(first_line "$T_DIR/echo.out")
sc - "TCP:127.0.0.1:$eport" <"$T_DIR/a" >"$T_DIR/socat.out" 2>"$T_DIR/socat.err"
[ $? -eq 0 ] && same "$T_DIR/a" "$T_DIR/socat.out"
ok $? "socat TCP client gets 1 MiB echoed by a library server over tcp"

# 3: udo-vsock connect -> a socat echo server (socat cannot report its port:
# take one that is free now, and another while it is taken).
start_socatsrv() {
	bg socatsrv socat -d -d -t "$T_TIMEOUT" "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" EXEC:cat
}
pick_port start_socatsrv socatsrv "listening on"
sport=$port
udo --transport tcp connect local "$sport" <"$T_DIR/a" >"$T_DIR/cli.out" 2>"$T_DIR/cli.err"
cst=$?
[ $cst -eq 0 ] && same "$T_DIR/a" "$T_DIR/cli.out"
ok $? "udo-vsock connect over tcp gets 1 MiB echoed by a socat server"
[ $cst -eq 0 ] || diag_file "$T_DIR/cli.err"

# 4: a socat client through udo-vsock relay to the library server (which
# runs the tcp transport: the relay's vsock side is forced to tcp to match).
bg relay env UDO_VSOCK_TCP_TRANSPORT=tcp "$UDO_VSOCK" --print-port relay \
	tcp:127.0.0.1:any "vsock:local:$eport"
rport=$(first_line "$T_DIR/relay.err")
sc - "TCP:127.0.0.1:$rport" <"$T_DIR/b" >"$T_DIR/socat.out" 2>"$T_DIR/socat.err"
[ $? -eq 0 ] && same "$T_DIR/b" "$T_DIR/socat.out"
ok $? "socat through udo-vsock relay to a library server: every byte back"

# 5: real vsock: socat VSOCK-CONNECT to udo-vsock listen (needs loopback).
if "$UDO_VSOCK" transports 2>/dev/null | grep -q 'loopback (CID 1) works'; then
	socat_to_listen vsrv vsock "VSOCK-CONNECT:1:"
	ok $? "socat VSOCK-CONNECT and udo-vsock's vsock server exchange 1 MiB each way"
	diag_file "$T_DIR/socat.err"
else
	skip "socat VSOCK-CONNECT to udo-vsock's vsock server" "no vsock loopback (CID 1) here"
fi

done_testing
