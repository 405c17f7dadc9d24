#!/bin/sh
# LOG_COMPILER for the TAP suite: run a test program and pass its TAP on,
# with one fix. cmocka before 1.1.6 (Debian 12 has 1.1.5) reports a skipped
# test as "not ok N # SKIP", which automake's tap-driver counts as a failure;
# TAP means "ok N # SKIP". The program's exit status is kept.
exec 4>&1
status=$( { { "$@" 3>&- 4>&-; echo $? >&3; } |
	sed 's/^not ok \([0-9][0-9]*\) # SKIP/ok \1 # SKIP/' >&4; } 3>&1 )
exit "$status"
