#!/bin/sh
# SPDX-License-Identifier: MIT
# udo-vsock's command line: help, version, the informational commands, and
# every bad argument giving its documented exit status (2: usage, 1: failure)
# with one line on standard error that says what failed and why.
. "${srcdir:-.}/t/cli-lib.sh"

plan 42

# fails STATUS REGEX DESCRIPTION ARGS...: udo-vsock ARGS exits with STATUS,
# prints nothing on stdout and exactly one line on stderr matching REGEX.
fails() {
	want=$1 regex=$2 desc=$3
	shift 3
	udo "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	got=$?
	lines=$(wc -l <"$T_DIR/err")
	if [ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$T_DIR/out" ] &&
	   grep -Eq -- "$regex" "$T_DIR/err"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "udo-vsock $*: exit $got (want $want), $lines line(s) on stderr:"
		diag_file "$T_DIR/err"
	fi
}

# --help, --version
udo --help >"$T_DIR/help" 2>"$T_DIR/err"
st=$?
missing=
for word in listen connect relay transports local-cid --transport --keep-open \
	--print-port --connect-timeout UDO_VSOCK_TCP_TRANSPORT UDO_VSOCK_TCP_CONNECT_TIMEOUT_MS \
	'vsock:CID:PORT' 'tcp:HOST:PORT' 'Exit status'; do
	grep -q -- "$word" "$T_DIR/help" || missing="$missing $word"
done
[ $st -eq 0 ] && [ -z "$missing" ] && [ ! -s "$T_DIR/err" ]
ok $? "--help exits 0 and names every command, option, address and exit status"
[ -n "$missing" ] && diag "missing from --help:$missing"

# Every transport there is, as --transport takes it; the --seqpacket relay's
# rule on --buffer and --copy.
missing=
for name in $(udo transports | awk 'NR > 1 && $2 ~ /^(yes|no)$/ { print $1 }') auto; do
	grep -- '--transport=NAME' "$T_DIR/help" | grep -q "[ ,]$name[ ,]" || missing="$missing $name"
done
[ -z "$missing" ] && [ -n "$(udo transports | awk '$1 == "unix"')" ]
ok $? "--help names every transport --transport takes"
[ -n "$missing" ] && diag "missing from --help's --transport:$missing"
sed -n '/--seqpacket/,/--connect-timeout/p' "$T_DIR/help" >"$T_DIR/help-sp"
grep -q 262144 "$T_DIR/help-sp" && grep -q -- '--copy=splice' "$T_DIR/help-sp"
ok $? "--help says what --seqpacket asks of a relay's --buffer and --copy"
diag_file "$T_DIR/help-sp"

out=$(udo --version)
st=$?
case $out in "udo-vsock (libudo-vsock-tcp) "[0-9]*) ok $st "--version prints the version" ;;
*) ok 1 "--version prints the version"; diag "got: $out" ;; esac

# Usage errors: status 2, nothing tried.
fails 2 'no command'                         "no command is a usage error"
fails 2 'unknown command "frobnicate"'       "an unknown command is named" frobnicate
fails 2 'unknown option "--frobnicate"'      "an unknown option is named" --frobnicate x
fails 2 'option "(-t|--transport)" needs a value' "an option without its value" --transport
fails 2 'connect takes CID PORT or one ADDRESS' "connect without a port" connect 1
fails 2 'relay takes LISTEN TARGET'          "relay with one address" relay vsock:1:1
fails 2 'CID "abc" is not a number'          "a CID that is not a number" connect abc 5000
fails 2 'CID "4294967296" is out of range'   "a CID above 32 bits" connect 4294967296 5000
fails 2 'port "99999999999" is out of range' "a port above the vsock range" connect 1 99999999999
fails 2 'port "4294967295": a port to connect to must be a number \(0-4294967294\)' \
	"a client cannot connect to VMADDR_PORT_ANY" connect 1 4294967295
fails 2 'port "5x" is not a number'          "a port that is not a number" listen 5x
fails 2 'port "any": a port to connect to must be a number' \
	"a client cannot connect to port any" connect 1 any
fails 2 'address "udp:1:2": use vsock:CID:PORT' "an unknown address kind" relay udp:1:2 vsock:1:5
fails 2 'address "vsock:1": expected vsock:CID:PORT' "a vsock address without a port" \
	relay vsock:1 tcp:127.0.0.1:5
fails 2 'address "tcp:::1:80": .*brackets'    "an IPv6 address without brackets" \
	relay vsock:1:any tcp:::1:80
fails 2 'port "70000" is out of range for tcp' "a tcp port above 65535" \
	relay vsock:1:any tcp:127.0.0.1:70000
fails 2 'unknown transport "carrier-pigeon" \(--transport\): use vsock, tcp, hybrid, unix or auto' \
	"an unknown transport from --transport" --transport carrier-pigeon connect 1 5000

udo_env UDO_VSOCK_TCP_TRANSPORT=carrier-pigeon connect 1 5000 >/dev/null 2>"$T_DIR/err"
st=$?
[ $st -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
	grep -q 'unknown transport "carrier-pigeon" (UDO_VSOCK_TCP_TRANSPORT)' "$T_DIR/err"
ok $? "an unknown transport from UDO_VSOCK_TCP_TRANSPORT is a usage error"

# Control characters in what the user typed or set are shown escaped, in
# one line: never raw bytes on the terminal.
esc=$(printf '\033')
nl='
'
fails 2 'unknown command "fr\\nob\\x1b\[31m": use listen' \
	"a newline and ESC in a command name are shown escaped, in one line" "fr${nl}ob$esc[31m"
fails 2 'address "vsock:\\x1b:1": CID "\\x1b" is not a number' \
	"an ESC in an address is shown escaped" connect "vsock:$esc:1"
fails 2 '--copy="a\\nb": use splice or read' \
	"a newline in an option's value is shown escaped" relay "--copy=a${nl}b" vsock:any:1 tcp:localhost:2
udo_env "UDO_VSOCK_TCP_TRANSPORT=x${nl}y$esc" connect 1 5000 >/dev/null 2>"$T_DIR/err"
st=$?
[ $st -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
	grep -q 'unknown transport "x\\ny\\x1b" (UDO_VSOCK_TCP_TRANSPORT)' "$T_DIR/err"
ok $? "a newline and ESC in UDO_VSOCK_TCP_TRANSPORT are shown escaped, in one line"
[ $st -eq 2 ] || diag_file "$T_DIR/err"
# The library's messages quote its variables too; what reaches the user is
# one line whatever they hold.
udo_env "UDO_VSOCK_TCP_MAP=42=a${nl}b$esc" --transport tcp connect 42 5000 \
	>/dev/null 2>"$T_DIR/err"
st=$?
[ $st -eq 1 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] && grep -q 'a\\nb\\x1b' "$T_DIR/err" &&
	! grep -q "$esc" "$T_DIR/err"
ok $? "a newline and ESC in UDO_VSOCK_TCP_MAP reach the user escaped, in one line"
[ $st -eq 1 ] || diag_file "$T_DIR/err"
udo_env "UDO_VSOCK_TCP_UDS=x${nl}y$esc" transports >"$T_DIR/tr" 2>"$T_DIR/err"
st=$?
# Eight lines: the heading, one a transport (five), "selected:", "socket activation:".
[ $st -eq 0 ] && [ "$(wc -l <"$T_DIR/tr")" -eq 8 ] && ! grep -q "$esc" "$T_DIR/tr" &&
	grep -q '^hybrid .*x\\ny\\x1b' "$T_DIR/tr"
ok $? "transports shows a newline and ESC in UDO_VSOCK_TCP_UDS escaped: one line a transport"
[ $st -eq 0 ] || diag_file "$T_DIR/err"

# Failures: status 1, the library's reason (the tcp transport refuses ports
# above 65535; vsock ports are 32-bit).
fails 1 'bind to tcp 1:99999999: port out of range' \
	"listen on port 99999999 over tcp names the transport, CID and port" \
	--transport tcp listen local 99999999
fails 1 'connect to tcp 1:99999999: port out of range' \
	"connect to port 99999999 over tcp names the transport, CID and port" \
	--transport tcp connect 1 99999999
fails 1 'connect to tcp 1:.*port out of range for the tcp transport' \
	"a vsock port above 2147483647 is taken whole (32 bits), and refused by tcp" \
	--transport tcp connect 1 3000000000
fails 1 'connect to tcp 2:99999999' "the CID name host is CID 2" \
	--transport tcp connect host 99999999
fails 1 'bind to tcp 4294967295:99999999' "the CID name any is CID -1" \
	--transport tcp listen any 99999999

# A refused connection: a port held where nobody listens (cli-echo
# refuser), on the library's transport and on plain TCP.
bg refuser "$CLI_ECHO" refuser
refuser=$bg_pid
port=$(first_line "$T_DIR/refuser.out")
if [ -n "$port" ]; then
	fails 1 "connect to [a-z]+ 1:$port.*(refused|reset)" \
		"a refused connection names the transport, CID, port and reason" connect local "$port"
else
	ok 1 "a refused connection names the transport, CID, port and reason"
fi
if [ -n "$port" ]; then
	fails 1 "connect to tcp 127.0.0.1:$port: Connection refused" \
		"a refused tcp: connection names the address and reason" connect "tcp:127.0.0.1:$port"
else
	ok 1 "a refused tcp: connection names the address and reason"
fi
kill "$refuser"

# vsock ports are 32-bit: what the tool prints of them is unsigned (only
# "any" stands for -1), 4294967294 being the largest a server can bind.
# (Running means listening: it is stopped once it said so, or it fails.)
bg vbig "$UDO_VSOCK" -v -p --transport vsock listen any 4294967294
vbig=$bg_pid
said_or_ended() { grep -q "listening on" "$T_DIR/vbig.err" || ! kill -0 $vbig 2>/dev/null; }
wait_until said_or_ended
cp "$T_DIR/vbig.err" "$T_DIR/err"
if kill "$vbig" 2>/dev/null; then
	wait "$vbig" 2>/dev/null
	[ "$(head -n 1 "$T_DIR/err")" = 4294967294 ] &&
		grep -q '^udo-vsock: listening on vsock any:4294967294$' "$T_DIR/err"
	ok $? "listen on vsock port 4294967294 reports it unsigned (--print-port, -v)"
	grep -q -- '-2' "$T_DIR/err" && diag_file "$T_DIR/err"
else
	skip "listen on vsock port 4294967294 reports it unsigned" \
		"vsock cannot bind port 4294967294 here: $(head -n 1 "$T_DIR/err")"
fi
bg big "$UDO_VSOCK" --transport tcp --print-port relay tcp:127.0.0.1:any vsock:1:4294967294
port=$(first_line "$T_DIR/big.err")
udo connect "tcp:127.0.0.1:$port" </dev/null >/dev/null 2>&1
i=0
while [ "$(wc -l <"$T_DIR/big.err")" -lt 2 ] && [ $i -lt $((T_TIMEOUT * 10)) ]; do sleep 0.1; i=$((i + 1)); done
grep -q "^udo-vsock: relay tcp 127.0.0.1:[0-9]* -> vsock:1:4294967294: " "$T_DIR/big.err"
r=$?
ok $r "a relay names its target vsock:1:4294967294 unsigned"
[ $r -eq 0 ] || diag_file "$T_DIR/big.err"

# transports, local-cid (the suite may run with a transport forced: unset it)
udo_env UDO_VSOCK_TCP_TRANSPORT= transports >"$T_DIR/tr" 2>"$T_DIR/err"
st=$?
grep -Eq '^vsock +(yes|no) ' "$T_DIR/tr" && grep -Eq '^tcp +yes ' "$T_DIR/tr" &&
	grep -Eq '^hybrid +(yes|no) ' "$T_DIR/tr" &&
	grep -Eq '^auto .*connect to CID 1: (vsock|tcp)' "$T_DIR/tr" &&
	grep -q '^selected: auto (default)' "$T_DIR/tr"
ok $(( $? + st )) "transports lists vsock, tcp and hybrid, whether usable, and what auto picks"
[ $st -eq 0 ] || diag_file "$T_DIR/err"

udo_env UDO_VSOCK_TCP_TRANSPORT=tcp transports >"$T_DIR/tr" 2>&1
grep -q '^selected: tcp (UDO_VSOCK_TCP_TRANSPORT)' "$T_DIR/tr"
ok $? "transports says which transport is selected and by what"

udo --transport vsock transports >"$T_DIR/tr" 2>&1
grep -q '^selected: vsock (--transport)' "$T_DIR/tr" && grep -Eq '^tcp +yes ' "$T_DIR/tr"
ok $? "--transport does not hide the other transports from the list"

udo local-cid >"$T_DIR/cid" 2>"$T_DIR/err"
st=$?
if [ -e /dev/vsock ] && [ $st -eq 0 ]; then
	grep -Eqx '[0-9]+' "$T_DIR/cid"
	ok $? "local-cid prints this machine's CID"
elif [ $st -eq 1 ]; then
	[ ! -s "$T_DIR/cid" ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
		grep -q 'no local CID' "$T_DIR/err"
	ok $? "local-cid says there is none, in one line, with status 1"
else
	ok 1 "local-cid prints the CID or says there is none"
	diag_file "$T_DIR/err"
fi

fails 2 'local-cid takes no arguments' "local-cid takes no arguments" local-cid 3

done_testing
