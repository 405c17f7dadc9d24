#!/bin/sh
# SPDX-License-Identifier: MIT
# A relay to tcp:NAME:PORT looks NAME up for each new connection: when the
# name's address changes (here in /etc/hosts, in a mount namespace of the
# relay's own), the next connection goes to the new address, no restart.
. "${srcdir:-.}/t/cli-lib.sh"
: "${RELAY_PEER:=${CLI_ECHO%/*}/relay-peer}"

plan 2

if ! unshare -m true 2>/dev/null && ! unshare -rm true 2>/dev/null; then
	skip "a name's new address is used for the next connection" "unshare -m is not allowed here"
	skip "the old address is not used again" "unshare -m is not allowed here"
	done_testing
fi
userns=
unshare -m true 2>/dev/null || userns=-r

# Two servers on one port, at 127.0.0.1 and 127.0.0.2, each saying which.
bg one "$RELAY_PEER" greet 127.0.0.1 0 one
port=$(first_line "$T_DIR/one.out")
bg two "$RELAY_PEER" greet 127.0.0.2 "$port" two
first_line "$T_DIR/two.out" >/dev/null
printf '127.0.0.1 localhost\n127.0.0.1 udo-relay-target\n' >"$T_DIR/hosts"
cat >"$T_DIR/inside" <<INSIDE
mount --bind "$T_DIR/hosts" /etc/hosts && exec "$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "tcp:udo-relay-target:$port"
INSIDE
bg relay unshare $userns -m sh "$T_DIR/inside"
rport=$(first_line "$T_DIR/relay.err")
first=$(udo connect "tcp:127.0.0.1:$rport" </dev/null 2>&1)
printf '127.0.0.1 localhost\n127.0.0.2 udo-relay-target\n' >"$T_DIR/hosts.new"
cat "$T_DIR/hosts.new" >"$T_DIR/hosts" # in place: the bind mount shows the same file
second=$(udo connect "tcp:127.0.0.1:$rport" </dev/null 2>&1)
third=$(udo connect "tcp:127.0.0.1:$rport" </dev/null 2>&1)
[ "$first" = one ] && [ "$second" = two ]
ok $? "a name's new address is used for the next connection, the relay not restarted"
[ "$third" = two ]
ok $? "the old address is not used again"
diag "connections reached: $first, $second, $third"
diag_file "$T_DIR/relay.err"
done_testing
