#!/bin/sh
# SPDX-License-Identifier: MIT
# --connect-timeout (and UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS) bound every
# connect the tool makes: to tcp: addresses, to vsock addresses (through the
# library), and a relay's connects to its target. The target that never
# answers is a listener on 127.0.0.1 whose backlog is full (cli-echo stall):
# Linux drops the SYN, so an unbounded connect waits for minutes. Each
# command here gets 10 s; the bound asked for is 300 ms.
. "${srcdir:-.}/t/cli-lib.sh"

plan 8

bg stall "$CLI_ECHO" stall
sport=$(first_line "$T_DIR/stall.out")
[ -n "$sport" ] || diag_file "$T_DIR/stall.err"

# gives_up DESCRIPTION REGEX CMD...: CMD ends (within T_TIMEOUT) with status 1 and
# one line on stderr matching REGEX.
gives_up() {
	desc=$1 regex=$2
	shift 2
	timeout -k 10 "$T_TIMEOUT" "$@" </dev/null >"$T_DIR/out" 2>"$T_DIR/err"
	st=$?
	[ $st -eq 1 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] && grep -Eq -- "$regex" "$T_DIR/err"
	r=$?
	ok $r "$desc"
	[ $r -eq 0 ] || { diag "exit $st (124 or 143: still waiting after $T_TIMEOUT s)"; diag_file "$T_DIR/err"; }
}

gives_up "--connect-timeout bounds a connect to a tcp: address" \
	"connect to tcp 127.0.0.1:$sport: no answer within 300 ms\$" \
	"$UDO_VSOCK" --connect-timeout=300 connect "tcp:127.0.0.1:$sport"
gives_up "UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS bounds a connect to a tcp: address" \
	"connect to tcp 127.0.0.1:$sport: no answer within 300 ms\$" \
	env UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS=300 "$UDO_VSOCK" connect "tcp:127.0.0.1:$sport"
gives_up "--connect-timeout bounds a connect to a vsock address (tcp transport)" \
	"connect to tcp 1:$sport .*no answer within 300 ms" \
	"$UDO_VSOCK" --connect-timeout=300 --transport tcp connect 1 "$sport"
gives_up "--connect-timeout overrides a variable it replaces, however bad" \
	"connect to tcp 127.0.0.1:$sport: no answer within 300 ms\$" \
	env UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS=junk "$UDO_VSOCK" --connect-timeout=300 \
	connect "tcp:127.0.0.1:$sport"

# A relay to the stalled target: each client's connection is closed once
# the bound passes, with one line saying so; the relay goes on.
bg relay "$UDO_VSOCK" --print-port --connect-timeout=300 relay tcp:127.0.0.1:any \
	"tcp:127.0.0.1:$sport"
relay=$bg_pid
rport=$(first_line "$T_DIR/relay.err")
timeout -k 10 "$T_TIMEOUT" "$UDO_VSOCK" connect "tcp:127.0.0.1:$rport" </dev/null >"$T_DIR/out" 2>"$T_DIR/err"
c1=$?
timeout -k 10 "$T_TIMEOUT" "$UDO_VSOCK" connect "tcp:127.0.0.1:$rport" </dev/null >>"$T_DIR/out" 2>>"$T_DIR/err"
c2=$?
i=0
while [ "$(grep -c 'no answer' "$T_DIR/relay.err")" -lt 2 ] && [ $i -lt $((T_TIMEOUT * 10)) ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $c1 -eq 0 ] && [ $c2 -eq 0 ] && [ ! -s "$T_DIR/out" ] && kill -0 $relay 2>/dev/null &&
	[ "$(grep -c "relay tcp 127.0.0.1:[0-9]* -> tcp:127.0.0.1:$sport: connect to tcp 127.0.0.1:$sport: no answer within 300 ms\$" "$T_DIR/relay.err")" -eq 2 ]
r=$?
ok $r "a relay's connects to its tcp: target are bounded: each client closed, one line each"
[ $r -eq 0 ] || { diag "clients: exit $c1, $c2"; diag_file "$T_DIR/relay.err"; }

# Bad values: usage errors, escaped, nothing tried.
nl='
'
udo_env "UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS=5${nl}0" connect "tcp:127.0.0.1:$sport" \
	</dev/null >/dev/null 2>"$T_DIR/err"
st=$?
[ $st -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
	grep -q 'UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS="5\\n0" is not a connect timeout' "$T_DIR/err"
ok $? "a bad UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS is a usage error that quotes it escaped"
[ $st -eq 2 ] || diag_file "$T_DIR/err"
r=0
for v in -1 2147483648 10ms; do
	udo --connect-timeout=$v connect "tcp:127.0.0.1:$sport" </dev/null >/dev/null 2>"$T_DIR/err"
	st=$?
	[ $st -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
		grep -q -- "--connect-timeout=\"$v\": use milliseconds" "$T_DIR/err" ||
		{ r=1; diag "--connect-timeout=$v: exit $st"; diag_file "$T_DIR/err"; }
done
ok $r "--connect-timeout refuses -1, values above INT_MAX and units"

# 0 means the kernel's own: the connect still waits (still waiting at 1 s).
timeout -k 10 1 "$UDO_VSOCK" --connect-timeout=0 connect "tcp:127.0.0.1:$sport" </dev/null \
	>/dev/null 2>&1
timed_out $?
ok $? "--connect-timeout=0 leaves the kernel's bound (the connect is still waiting at 1 s)"

done_testing
