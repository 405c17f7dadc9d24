#!/bin/sh
# SPDX-License-Identifier: MIT
# Peers that do the relay no favours: clients that send for ever and never
# read, to a target that never reads them, hold what the relay read for
# them for as long as they like; the other connections must still go on.
# A message as long as the relay allows is relayed. Clients that reset
# while their target is being connected are let go then. And clients that
# keep coming while the relay's fd table is full cost it a bounded number
# of lines.
# Both ends are t/relay-peer, over loopback tcp and over the unix
# transport's seqpacket.
. "${srcdir:-.}/t/cli-lib.sh"
: "${RELAY_PEER:=${CLI_ECHO%/*}/relay-peer}"

plan 6

# hogs NAME PREFIX TEXT RELAY-ARG...: a relay (NAME) of one worker and 16
# MiB buffers, a pool of 4 buffers and 4 pipes, which 8 hogs would take
# whole, each keeping the bytes the target will not take. 8 clients that
# send and never read go through it (to PREFIX and its port), then others
# that must still get their echoes.
hogs() {
	h_name=$1 h_prefix=$2 h_text=$3
	shift 3
	bg "$h_name" "$UDO_VSOCK" --print-port --threads=1 --buffer=16777216 "$@"
	h_port=$(first_line "$T_DIR/$h_name.err")
	out=$(timeout -k 10 $((T_TIMEOUT * 2)) "$RELAY_PEER" hog 8 "$h_prefix$h_port" 2>&1)
	[ "$out" = "echoed 5" ]
	ok $? "$h_text"
	diag "$out"
	diag_file "$T_DIR/$h_name.err"
}

# The target echoes, except the hogs' connections, which it never reads.
bg target "$RELAY_PEER" hogged 127.0.0.1
tport=$(first_line "$T_DIR/target.out")
# 1: over tcp.
hogs relay "" "8 clients that send and never read, to a target that never reads them, leave the others part of the pool: their echoes go on" \
	relay tcp:127.0.0.1:any "tcp:127.0.0.1:$tport"

# 2: the same with messages on the unix transport (the pool: 4 buffers).
bg sptarget "$RELAY_PEER" hogged unix
sport=$(first_line "$T_DIR/sptarget.out")
hogs sprelay unix: "--seqpacket on unix: 8 such clients leave the others part of the pool: their echoes go on" \
	--seqpacket relay unix:any "unix:$sport"

# 3: a message as long as a relayed message may be (--buffer, 262144 by
# default), which a unix client sends once it raised its send buffer: the
# relay's own sends must have the room too.
bg msgrelay "$UDO_VSOCK" --seqpacket --print-port relay unix:any "unix:$sport"
mport=$(first_line "$T_DIR/msgrelay.err")
out=$(timeout -k 10 "$T_TIMEOUT" "$RELAY_PEER" big "unix:$mport" 262144 2>&1)
[ "$out" = echoed ]
ok $? "--seqpacket on unix: a 262144-byte message (--buffer's default) comes back whole"
diag "$out"
diag_file "$T_DIR/msgrelay.err"

# says PID FILE TEXT: the relay PID, its stderr in FILE, says TEXT in its
# statistics line (SIGUSR1). Its own wait: wait_until runs it.
says() {
	sa_n=$(grep -c 'in total' "$2")
	kill -USR1 "$1"
	sa_i=0
	while [ "$(grep -c 'in total' "$2")" -le "$sa_n" ] && [ $sa_i -lt $((T_TIMEOUT * 10)) ]; do
		sleep 0.1
		sa_i=$((sa_i + 1))
	done
	grep 'in total' "$2" | tail -n 1 | grep -q "$3"
}

# 4: clients that reset while their target is being connected, and the
# target never answers (cli-echo stall; no --connect-timeout: the kernel
# gives up after minutes): their connections end at once.
bg stall "$CLI_ECHO" stall
stport=$(first_line "$T_DIR/stall.out")
"$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "tcp:127.0.0.1:$stport" </dev/null \
	>/dev/null 2>"$T_DIR/stalled.err" &
stalled=$!
t_pids="$t_pids $stalled"
sdport=$(first_line "$T_DIR/stalled.err")
for i in 1 2 3; do
	timeout -k 10 "$T_TIMEOUT" "$RELAY_PEER" reset "$sdport"
done
wait_until says $stalled "$T_DIR/stalled.err" ' 0 connections open, 3 in total'
ok $? "3 clients that reset while the target does not answer are let go at once"
diag_file "$T_DIR/stalled.err"

# 5-6: a fd table with one fd free: each client is accepted, and its
# target's socket cannot be made (EMFILE). 20 such clients are closed, and
# said in one line with its repeats summed up, not in a line each; once
# fds are free again, clients are relayed again.
if ! command -v prlimit >/dev/null 2>&1 || [ ! -d /proc/self/fd ]; then
	skip "20 clients in a full fd table cost a bounded number of lines" "no prlimit or /proc here"
	skip "once fds free up, the relay serves again" "no prlimit or /proc here"
	done_testing
fi
bg echo "$RELAY_PEER" server 127.0.0.1
eport=$(first_line "$T_DIR/echo.out")
"$UDO_VSOCK" --print-port relay tcp:127.0.0.1:any "tcp:127.0.0.1:$eport" </dev/null \
	>/dev/null 2>"$T_DIR/full.err" &
full=$!
t_pids="$t_pids $full"
fport=$(first_line "$T_DIR/full.err")
# Once a client was relayed (its buffers made) and is gone, the relay
# needs one fd per client more, and one for its target: the soft limit
# leaves it the first only.
wait_until sh -c "\"$RELAY_PEER\" probe $fport | grep -q echoed"
wait_until says $full "$T_DIR/full.err" ' 0 connections open'
L=0
while [ -e "/proc/$full/fd/$L" ]; do L=$((L + 1)); done
prlimit --pid $full --nofile=$((L + 1)):
closed=0
for i in $(seq 20); do
	[ "$(timeout -k 10 "$T_TIMEOUT" "$RELAY_PEER" probe "$fport")" = closed ] &&
		closed=$((closed + 1))
done
prlimit --pid $full --nofile=$((L + 64)):
said=$(grep -c 'Too many open files' "$T_DIR/full.err")
[ $closed -eq 20 ] && [ "$said" -ge 1 ] && [ "$said" -le 2 ]
ok $? "20 clients in a full fd table cost a bounded number of lines, not one each"
diag "$closed of 20 closed; $said lines"
diag_file "$T_DIR/full.err"
wait_until sh -c "\"$RELAY_PEER\" probe $fport | grep -q echoed"
ok $? "once fds free up, the relay serves again"

done_testing
