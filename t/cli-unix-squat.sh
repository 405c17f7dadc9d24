#!/bin/sh
# SPDX-License-Identifier: MIT
# A squatter on the unix transport's names: user nobody binds
# @udo-vsock-tcp/P below 1024 first (socat, as a seqpacket listener). Root's
# `udo-vsock --seqpacket connect 1 P` must refuse that server, naming its
# uid, and send it nothing; root's `listen` on the name says who holds it.
. "${srcdir:-.}/t/cli-lib.sh"

plan 3

nobody=65534
if [ "$(id -u)" -ne 0 ]; then
	for i in 1 2 3; do skip "a squatter on a unix name" "needs root (to run one as uid $nobody)"; done
	done_testing
fi
if ! command -v socat >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1; then
	for i in 1 2 3; do skip "a squatter on a unix name" "needs socat and setpriv"; done
	done_testing
fi

# The squatter on a free name below 1024 (a place of its own to start from,
# the next port while the one tried is taken).
tries=0
port=
while [ $tries -lt 50 ]; do
	p=$(( ($$ * 7 + tries * 97) % 1000 + 1 ))
	bg squat setpriv --reuid=$nobody --regid=$nobody --clear-groups \
		socat -d -d -u "ABSTRACT-LISTEN:udo-vsock-tcp/$p,socktype=5" STDOUT
	i=0
	while [ $i -lt 100 ] && ! grep -q "listening on" "$T_DIR/squat.err" &&
	      kill -0 "$bg_pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q "listening on" "$T_DIR/squat.err"; then port=$p; break; fi
	tries=$((tries + 1))
done
squat=$bg_pid
if [ -z "$port" ]; then
	diag_file "$T_DIR/squat.err"
	for i in 1 2 3; do skip "a squatter on a unix name" "no free name below 1024 for it"; done
	done_testing
fi

# 1-2: connect refuses it, and nothing reaches it.
printf 'secret\n' | udo --transport unix --seqpacket connect 1 "$port" \
	>"$T_DIR/connect.out" 2>"$T_DIR/connect.err"
st=$?
[ $st -eq 1 ] && grep -q "runs as uid $nobody (pid [0-9]*)" "$T_DIR/connect.err" &&
	[ "$(wc -l <"$T_DIR/connect.err")" -eq 1 ]
ok $? "connect --seqpacket 1 $port on unix refuses a server of uid $nobody, naming it"
diag "exit $st"
diag_file "$T_DIR/connect.err"
# The probe of the refused connect ended the squatter's one connection.
wait "$squat"
[ ! -s "$T_DIR/squat.out" ]
ok $? "the squatter received nothing"
diag_file "$T_DIR/squat.out"

# 3: a listen on a name it holds says whose it is.
bg squat setpriv --reuid=$nobody --regid=$nobody --clear-groups \
	socat -d -d -u "ABSTRACT-LISTEN:udo-vsock-tcp/$port,socktype=5" STDOUT
i=0
while [ $i -lt 100 ] && ! grep -q "listening on" "$T_DIR/squat.err"; do
	sleep 0.1
	i=$((i + 1))
done
udo --transport unix --seqpacket listen 1 "$port" </dev/null >/dev/null 2>"$T_DIR/listen.err"
st=$?
[ $st -eq 1 ] && grep -q "held by uid $nobody (pid [0-9]*)" "$T_DIR/listen.err"
ok $? "listen --seqpacket 1 $port on unix says the name is held by uid $nobody"
diag_file "$T_DIR/listen.err"
done_testing
