#!/bin/sh
# Run a cmocka test program and pass its TAP on, mending one thing: cmocka
# 1.1.5 (Debian 12) prints a skipped test as "not ok N # SKIP", where TAP
# says "ok N # SKIP". The program's exit status is kept.
# In a cross build (UDO_TEST_EMULATOR set by t/local.mk) a compiled test runs
# under the emulator; a script test (#!) runs as it is.
status_file=$(mktemp) || exit 99
if [ -n "${UDO_TEST_EMULATOR:-}" ] && [ "$(head -c 2 "$1" 2>/dev/null)" != '#!' ]; then
	set -- "$UDO_TEST_EMULATOR" "$@"
fi
{ "$@"; echo $? > "$status_file"; } | sed -e 's/^not ok \([0-9][0-9]*\) # SKIP/ok \1 # SKIP/'
status=$(cat "$status_file")
rm -f "$status_file"
exit "${status:-99}"
