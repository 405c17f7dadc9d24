#!/bin/sh
# SPDX-License-Identifier: MIT
# Peers that do the relay no favours: clients that send for ever and never
# read, to a target that never reads them, hold what the relay read for
# them for as long as they like; the other connections must still go on.
# Both ends are t/relay-peer, over loopback tcp and over the unix
# transport's seqpacket.
. "${srcdir:-.}/t/cli-lib.sh"
: "${RELAY_PEER:=${CLI_ECHO%/*}/relay-peer}"

plan 2

# The target echoes, except the hogs' connections, which it never reads.
bg target "$RELAY_PEER" hogged 127.0.0.1
tport=$(first_line "$T_DIR/target.out")

# 1: one worker and 16 MiB buffers: a pool of 4 buffers and 4 pipes, which
# 8 hogs would take whole, each keeping the bytes the target will not take.
bg relay "$UDO_VSOCK" --print-port --threads=1 --buffer=16777216 \
	relay tcp:127.0.0.1:any "tcp:127.0.0.1:$tport"
rport=$(first_line "$T_DIR/relay.err")
out=$(timeout -k 10 $((T_TIMEOUT * 2)) "$RELAY_PEER" hog 8 "$rport" 2>&1)
[ "$out" = "echoed 5" ]
ok $? "8 clients that send and never read, to a target that never reads them, leave the others part of the pool: their echoes go on"
diag "$out"
diag_file "$T_DIR/relay.err"

# 2: the same with messages on the unix transport (the pool: 4 buffers).
bg sptarget "$RELAY_PEER" hogged unix
sport=$(first_line "$T_DIR/sptarget.out")
bg sprelay "$UDO_VSOCK" --seqpacket --print-port --threads=1 --buffer=16777216 \
	relay unix:any "unix:$sport"
srport=$(first_line "$T_DIR/sprelay.err")
out=$(timeout -k 10 $((T_TIMEOUT * 2)) "$RELAY_PEER" hog 8 "unix:$srport" 2>&1)
[ "$out" = "echoed 5" ]
ok $? "--seqpacket on unix: 8 such clients leave the others part of the pool: their echoes go on"
diag "$out"
diag_file "$T_DIR/sprelay.err"

done_testing
