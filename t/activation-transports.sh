#!/bin/sh
# SPDX-License-Identifier: MIT
# `udo-vsock transports` under socket activation: its probes (server
# creates on port -1) must not adopt the passed socket, which they would
# close again: it reports the socket as passed, and the same auto line as
# without it. The socket is passed by t/pass-fds.
. "${srcdir:-.}/t/cli-lib.sh"
: "${PASS_FDS:=${CLI_ECHO%/*}/pass-fds}"

plan 2

case $("$UDO_VSOCK" transports | sed -n 's/^socket activation: //p') in yes*) ;; *)
	skip "transports counts the passed socket" "built without libsystemd"
	skip "transports' auto line is not changed by a passed socket" "built without libsystemd"
	done_testing ;;
esac

"$UDO_VSOCK" transports >"$T_DIR/plain" 2>&1
# shellcheck disable=SC2086 # the emulator is words
"$PASS_FDS" "$T_DIR/ports" tcp -- "$UDO_VSOCK" transports \
	>"$T_DIR/passed" 2>&1
grep -q "; 1 passed to this process" "$T_DIR/passed"
ok $? "transports under socket activation counts the passed socket (its probes left it)"
diag_file "$T_DIR/passed"
[ "$(grep '^auto ' "$T_DIR/passed")" = "$(grep '^auto ' "$T_DIR/plain")" ]
ok $? "transports' auto line is the same with a passed socket as without"
diag "without: $(grep '^auto ' "$T_DIR/plain")"
done_testing
