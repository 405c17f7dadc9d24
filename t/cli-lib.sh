# SPDX-License-Identifier: MIT
# The helpers of the udo-vsock tests: TAP output, a scratch directory,
# background processes that are always cleaned up, and servers whose port
# is read from their output (the kernel picks it: two runs of the suite
# never collide). Everything talks to loopback only.
#
# make writes each test t/cli-NAME (run by `make check`, and by `make
# check-vm` in its guest) from this file and t/cli-NAME.sh, with the build
# tree's paths as defaults: UDO_VSOCK (udo-vsock; set it to test another,
# such as an installed one), CLI_ECHO (t/cli-echo). By hand, from the
# source tree: UDO_VSOCK=... CLI_ECHO=... sh t/cli-NAME.sh

set -u
: "${UDO_VSOCK:?set UDO_VSOCK to the udo-vsock program}"
: "${CLI_ECHO:?set CLI_ECHO to the t/cli-echo program}"

# In the build tree udo-vsock is libtool's wrapper script, which runs
# .libs/udo-vsock with the build tree's library. Do the same here, for the
# wrapper, where only the program came along (make check-vm's guest copies
# programs, not scripts), and where the program must run under an emulator
# (below): the tests run the program itself, started with the fds they give
# it (the shell running a wrapper opens its own).
case $UDO_VSOCK in */*) t_libs=${UDO_VSOCK%/*}/.libs ;; *) t_libs=.libs ;; esac
if [ -x "$t_libs/${UDO_VSOCK##*/}" ] &&
   { [ ! -e "$UDO_VSOCK" ] || [ -n "${UDO_TEST_EMULATOR:-}" ] ||
     [ "$(head -c 2 "$UDO_VSOCK")" = '#!' ]; }; then
	UDO_VSOCK=$t_libs/${UDO_VSOCK##*/}
	LD_LIBRARY_PATH=$t_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi

# Every command gets at most this long: a hang is a failure, not a stuck
# suite. Generous: the bound is only reached by a failure, and a build
# daemon may be very busy (a load of hundreds).
T_TIMEOUT=${T_TIMEOUT:-60}
# And every bound ends what it bounds: each timeout(1) here has -k 10, a
# SIGKILL 10 s after its SIGTERM (also when timeout is itself told to stop,
# as t_cleanup does), so a program that takes SIGTERM and then does not end
# (a drain that never finishes, a sanitizer stuck at exit) fails its test
# instead of holding it, and make check with it, for ever. (Not a shell
# function wrapping timeout: "CMD &" would then be a subshell, and $! not
# the timeout a test stops.)

t_count=0
t_failed=0
t_pids=
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/udo-vsock-test.XXXXXX") || exit 99

# A cross build's make check (UDO_TEST_EMULATOR, e.g. qemu-aarch64-static,
# set by t/local.mk): the tests start the programs through wrappers that run
# them under the emulator. The helpers beside cli-echo, which the tests find
# as ${CLI_ECHO%/*}/NAME, get wrappers there too: the emulated directory
# stands in for the build tree's t/. A wrapper execs, so the program keeps
# the wrapper's pid (LISTEN_PID) and fds.
if [ -n "${UDO_TEST_EMULATOR:-}" ]; then
	mkdir "$T_DIR/emulated" || exit 99
	t_wrap() { # PROGRAM: print the wrapper's path
		t_w=$T_DIR/emulated/${1##*/}
		printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$UDO_TEST_EMULATOR" "$1" >"$t_w"
		chmod +x "$t_w"
		printf '%s\n' "$t_w"
	}
	for t_helper in sp-peer activation-server fdpass-recv pass-fds relay-peer; do
		[ ! -x "${CLI_ECHO%/*}/$t_helper" ] || t_wrap "${CLI_ECHO%/*}/$t_helper" >/dev/null
	done
	UDO_VSOCK=$(t_wrap "$UDO_VSOCK")
	CLI_ECHO=$(t_wrap "$CLI_ECHO")
fi

t_cleanup() {
	for p in $t_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $t_pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT
trap 'exit 99' INT TERM

plan() { echo "1..$1"; }
diag() { printf '# %s\n' "$@"; }

# ok STATUS DESCRIPTION: a passing test when STATUS is 0.
ok() {
	t_count=$((t_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $t_count - $2"
	else
		echo "not ok $t_count - $2"
		t_failed=1
	fi
}

skip() {
	t_count=$((t_count + 1))
	echo "ok $t_count - $1 # SKIP $2"
}

# Show a file's content as TAP diagnostics (for a failure's context).
diag_file() {
	[ -s "$1" ] && sed 's/^/# /' "$1"
	return 0
}

# timed_out STATUS: STATUS is timeout(1)'s for a command it had to stop
# (coreutils: 124; busybox, as in make check-vm's guest: 143, SIGTERM's).
timed_out() { [ "$1" -eq 124 ] || [ "$1" -eq 143 ]; }

# udo ARGS...: udo-vsock, bounded in time.
udo() { timeout -k 10 "$T_TIMEOUT" "$UDO_VSOCK" "$@"; }

# udo_env NAME=VALUE ARGS...: udo with a variable set for it alone (an
# assignment before a shell function is not reliably local in every sh).
udo_env() {
	t_assign=$1
	shift
	timeout -k 10 "$T_TIMEOUT" env "$t_assign" "$UDO_VSOCK" "$@"
}

# Background commands are bounded too, more loosely: they serve a whole test.
T_BG_TIMEOUT=$((T_TIMEOUT * 3))
# And t_cleanup stops them through their timeout(1), which (coreutils, by
# default) follows the SIGTERM it passes on with a SIGCONT to the program
# and its process group. In a sanitizer build that SIGCONT can hang the
# program at exit for ever: LeakSanitizer stops each thread with a SIGSTOP,
# which a SIGCONT arriving just then discards, and it then waits for a stop
# that never comes. --foreground passes the signal alone, to the program
# alone (busybox's timeout, in make check-vm's guest, sends no SIGCONT).
t_bg_fg=
! command timeout -k 10 --foreground 10 true 2>/dev/null || t_bg_fg=--foreground

# bg NAME CMD...: start CMD in the background with stdout in $T_DIR/NAME.out
# and stderr in $T_DIR/NAME.err (emptied first: a port from an earlier run
# of NAME is never read as this one's); sets $bg_pid. Standard input:
# $bg_in (default /dev/null).
bg() {
	name=$1
	shift
	: >"$T_DIR/$name.out"
	: >"$T_DIR/$name.err"
	timeout -k 10 $t_bg_fg "$T_BG_TIMEOUT" "$@" <"${bg_in:-/dev/null}" >"$T_DIR/$name.out" \
		2>"$T_DIR/$name.err" &
	bg_pid=$!
	t_pids="$t_pids $bg_pid"
}

# bg_in NAME INPUT CMD...: bg with standard input from INPUT.
bg_in() {
	bg_name=$1 bg_in=$2
	shift 2
	bg "$bg_name" "$@"
	bg_in=
}

# first_line FILE: wait (up to T_TIMEOUT) for FILE's first line to be a
# port number, print it. Prints nothing on a timeout.
first_line() {
	i=0
	while [ $i -lt $((T_TIMEOUT * 10)) ]; do
		line=$(head -n 1 "$1" 2>/dev/null)
		case $line in
		''|*[!0-9]*) ;;
		*) if [ "$(wc -l <"$1")" -ge 1 ]; then echo "$line"; return 0; fi ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_for FILE TEXT: wait (up to T_TIMEOUT) until FILE holds exactly TEXT.
wait_for() {
	i=0
	while [ "$(cat "$1" 2>/dev/null)" != "$2" ] && [ $i -lt $((T_TIMEOUT * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$1" 2>/dev/null)" = "$2" ]
}

# pick_port START NAME READY [SEED]: for a server that cannot pick its own
# port: run START (a function that starts it on $port with bg NAME) until
# $T_DIR/NAME.err shows READY (waiting while it runs, up to T_TIMEOUT), with
# another port while the one tried is taken (up to 20 tries): from
# `cli-echo freeport` (tcp on 127.0.0.1), or, given SEED, from 20000-39999
# (the unix transport's names). Sets $port.
pick_port() {
	pp_tries=0
	while [ $pp_tries -lt 20 ]; do
		if [ -n "${4:-}" ]; then
			port=$(( ($4 + pp_tries * 257) % 20000 + 20000 ))
		else
			port=$("$CLI_ECHO" freeport) || return 1
		fi
		"$1"
		i=0
		while [ $i -lt $((T_TIMEOUT * 10)) ] && ! grep -q "$3" "$T_DIR/$2.err" &&
			kill -0 "$bg_pid" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		grep -q "$3" "$T_DIR/$2.err" && return 0
		kill "$bg_pid" 2>/dev/null
		wait "$bg_pid" 2>/dev/null
		pp_tries=$((pp_tries + 1))
	done
	return 1
}

# wait_until CMD...: run CMD every 0.1 s until it succeeds (up to T_TIMEOUT);
# its last status.
wait_until() {
	wu_i=0
	until "$@"; do
		[ $wu_i -lt $((T_TIMEOUT * 10)) ] || return 1
		sleep 0.1
		wu_i=$((wu_i + 1))
	done
}

# data NAME BYTES: a file of random bytes.
data() { head -c "$2" /dev/urandom >"$T_DIR/$1"; }

# same A B: the two files are byte for byte the same.
same() { cmp -s "$1" "$2"; }

# The transport a client to CID 1 gets here (tcp without vsock loopback).
cid1_transport() {
	"$UDO_VSOCK" transports | awk '$1 == "auto" { print }' |
		sed -n 's/.*connect to CID 1: \([a-z]*\).*/\1/p'
}

done_testing() {
	exit $t_failed
}
