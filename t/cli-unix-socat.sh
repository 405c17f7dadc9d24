#!/bin/sh
# SPDX-License-Identifier: MIT
# The unix transport talks to a program we did not write: socat's ABSTRACT-*
# addresses reach the abstract name udo-vsock-tcp/PORT, both ways (streams;
# seqpacket peers are in t/cli-seqpacket-peers).
. "${srcdir:-.}/t/cli-lib.sh"

plan 2

if ! command -v socat >/dev/null 2>&1; then
	skip "socat ABSTRACT-CONNECT reaches udo-vsock listen on unix" "no socat"
	skip "udo-vsock connect on unix reaches socat ABSTRACT-LISTEN" "no socat"
	done_testing
fi

# 1: socat -> udo-vsock listen (stream), both ways.
printf 'from udo-vsock\n' >"$T_DIR/reply"
bg_in listen "$T_DIR/reply" "$UDO_VSOCK" --transport unix --print-port listen local any
lport=$(first_line "$T_DIR/listen.err")
printf 'from socat\n' | timeout -k 10 "$T_TIMEOUT" socat - "ABSTRACT-CONNECT:udo-vsock-tcp/$lport" \
	>"$T_DIR/socat1.out" 2>"$T_DIR/socat1.err"
st=$?
wait "$bg_pid"
[ $st -eq 0 ] && [ "$(cat "$T_DIR/listen.out")" = "from socat" ] &&
	[ "$(cat "$T_DIR/socat1.out")" = "from udo-vsock" ]
ok $? "socat ABSTRACT-CONNECT:udo-vsock-tcp/$lport reaches udo-vsock listen on unix, both ways"
diag_file "$T_DIR/socat1.err"
diag_file "$T_DIR/listen.err"

# 2: udo-vsock connect -> socat ABSTRACT-LISTEN, on a name we pick (retried
# if another program holds it).
printf 'from socat\n' >"$T_DIR/sreply"
start_socat() { bg_in socat "$T_DIR/sreply" socat -d -d "ABSTRACT-LISTEN:udo-vsock-tcp/$port" -; }
pick_port start_socat socat "listening on" $(($$ * 7))
sport=$port
spid=$bg_pid
printf 'from udo-vsock\n' | udo --transport unix connect local "$sport" \
	>"$T_DIR/connect.out" 2>"$T_DIR/connect.err"
st=$?
wait "$spid"
[ $st -eq 0 ] && [ "$(cat "$T_DIR/socat.out")" = "from udo-vsock" ] &&
	[ "$(cat "$T_DIR/connect.out")" = "from socat" ]
ok $? "udo-vsock connect on unix reaches socat ABSTRACT-LISTEN:udo-vsock-tcp/$sport, both ways"
diag_file "$T_DIR/connect.err"

done_testing
