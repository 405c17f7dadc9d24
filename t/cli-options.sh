#!/bin/sh
# SPDX-License-Identifier: MIT
# Each command owns its options: one that does not apply to the command is
# a usage error (exit 2, one line naming it and the command), before or
# after the command word, long or short. And the tool talks to the library
# through each context's options, never its own environment: no setenv in
# cli/, and no private header of the library (read in the source tree;
# skipped where it is absent, as in make check-vm's guest).
. "${srcdir:-.}/t/cli-lib.sh"

# What each command takes (udo-vsock(1)); -h and -V go with all of them.
all="--transport=vsock --keep-open --print-port --verbose --copy=read --buffer=262144
--seqpacket --connect-timeout=100 --wait=1s --stop-timeout=1s --fdpass --allow-from=1
--threads=1 --max-connections=1 --idle-timeout=1s"
takes() { # COMMAND OPTION: the command takes the option
	case $1:${2%%=*} in
	listen:--transport|listen:--keep-open|listen:--print-port|listen:--verbose) ;;
	listen:--seqpacket) ;;
	connect:--transport|connect:--verbose|connect:--seqpacket) ;;
	connect:--connect-timeout|connect:--wait|connect:--fdpass) ;;
	relay:--transport|relay:--print-port|relay:--verbose|relay:--copy|relay:--buffer) ;;
	relay:--seqpacket|relay:--connect-timeout|relay:--wait|relay:--stop-timeout) ;;
	relay:--allow-from) ;;
	relay:--threads|relay:--max-connections|relay:--idle-timeout) ;;
	transports:--transport) ;;
	*) return 1 ;;
	esac
}
args() { # COMMAND: arguments that parse
	case $1 in
	listen) echo "tcp:127.0.0.1:any" ;;
	connect) echo "tcp:127.0.0.1:1" ;;
	relay) echo "tcp:127.0.0.1:any tcp:127.0.0.1:1" ;;
	*) echo "" ;;
	esac
}

n=0
for cmd in listen connect relay transports local-cid; do
	for opt in $all; do
		takes "$cmd" "$opt" || n=$((n + 1))
	done
done
plan $((n + 6))

# misplaced COMMAND OPTION WHERE: exit 2, one line naming OPTION and COMMAND.
misplaced() {
	name=${2%%=*}
	# shellcheck disable=SC2046 # the arguments are words
	if [ "$3" = before ]; then
		udo "$2" "$1" $(args "$1") >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	else
		udo "$1" "$2" $(args "$1") >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	fi
	got=$?
	[ "$got" -eq 2 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] && [ ! -s "$T_DIR/out" ] &&
		grep -q "option \"$4\" does not apply to $1" "$T_DIR/err"
	ok $? "$1 $2 ($3 the command) is a usage error"
	[ "$got" -eq 2 ] || diag "exit $got"
	diag_file "$T_DIR/err"
}

where=before
for cmd in listen connect relay transports local-cid; do
	for opt in $all; do
		takes "$cmd" "$opt" && continue
		misplaced "$cmd" "$opt" "$where" "${opt%%=*}"
		# Half of them after the command word, half before.
		if [ $where = before ]; then where=after; else where=before; fi
	done
done

# Short spellings, in a cluster too.
misplaced connect -k after -k
misplaced local-cid -ttcp before -t
misplaced connect -vk before -k
# ... and the ones a command takes still work with it.
udo --transport=tcp transports >"$T_DIR/out" 2>"$T_DIR/err"
ok $? "transports --transport is still fine"
diag_file "$T_DIR/err"

# No setenv in cli/: each endpoint is a context with its own options, and
# what the user set in the environment the library reads itself.
src=${srcdir:-.}/cli
if [ ! -f "$src/main.c" ]; then
	skip "cli/ calls no setenv" "no source tree here ($src)"
else
	grep -n -E '(^|[^a-z_])(setenv|putenv|unsetenv|clearenv)[[:space:]]*\(' "$src"/*.c "$src"/*.h \
		>"$T_DIR/setenv"
	[ ! -s "$T_DIR/setenv" ]
	ok $? "cli/ calls no setenv, unsetenv, putenv or clearenv"
	diag_file "$T_DIR/setenv"
fi

# Nor the library's insides: no lib/ file, no plugin ABI header (what the
# tool shares with the library is shared/'s, e.g. deadline.h).
if [ ! -f "$src/main.c" ]; then
	skip "cli/ includes no private header" "no source tree here ($src)"
else
	grep -n -E '^#[[:space:]]*include[[:space:]]*"(\.\./)?(lib/|shared/)?(transport|core|settings|env|activation|connect-wait|plugin-file)\.h"' \
		"$src"/*.c "$src"/*.h >"$T_DIR/private"
	[ ! -s "$T_DIR/private" ]
	ok $? "cli/ includes no private header of the library (lib/*.h, transport.h)"
	diag_file "$T_DIR/private"
fi

done_testing
