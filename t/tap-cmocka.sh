#!/bin/sh
# Run a cmocka test program and pass its TAP on, mending one thing: cmocka
# 1.1.5 (Debian 12) prints a skipped test as "not ok N # SKIP", where TAP
# says "ok N # SKIP". The program's exit status is kept.
# In a cross build (UDO_TEST_EMULATOR set by t/local.mk) a compiled test runs
# under the emulator; a script test (#!) runs as it is.
#
# A test that hangs must not hang make check (and a CI run with it): each
# test gets UDO_TEST_TIMEOUT seconds (default 600; the slowest test takes
# well under a minute on an idle machine, a few under an emulator or a
# sanitizer). Past that, what it still runs is shown in its .log, it is
# stopped (SIGTERM, then SIGKILL), and it fails with timeout's status 124.
limit=${UDO_TEST_TIMEOUT:-600}
case $limit in '' | *[!0-9]*) echo "Bail out! UDO_TEST_TIMEOUT='$limit' is not a number of seconds"; exit 99 ;; esac
status_file=$(mktemp) || exit 99
if [ -n "${UDO_TEST_EMULATOR:-}" ] && [ "$(head -c 2 "$1" 2>/dev/null)" != '#!' ]; then
	set -- "$UDO_TEST_EMULATOR" "$@"
fi

# show_tree PID: PID and its descendants, with what each waits in (stderr).
show_tree() {
	command -v ps >/dev/null || { echo "# (no ps here to show them)" >&2; return; }
	ps -e -o pid=,ppid=,stat=,etimes=,wchan:22=,args= 2>/dev/null | awk -v root="$1" '
		{ pid[NR] = $1; ppid[NR] = $2; line[NR] = $0 }
		END {
			keep[root] = 1
			do {
				more = 0
				for (i = 1; i <= NR; i++)
					if ((ppid[i] in keep) && !(pid[i] in keep)) { keep[pid[i]] = 1; more = 1 }
			} while (more)
			for (i = 1; i <= NR; i++)
				if (pid[i] in keep) print "#   " line[i]
		}' >&2
}

# watch PID: while PID runs; just before its bound, show what it runs.
watch() {
	w_i=0
	while kill -0 "$1" 2>/dev/null; do
		if [ $w_i -eq $((limit - 2)) ]; then
			echo "# $2: still running after $w_i s (UDO_TEST_TIMEOUT=$limit): its processes (pid ppid state seconds wchan command):" >&2
			show_tree "$1"
		fi
		sleep 1
		w_i=$((w_i + 1))
	done
}

{
	timeout -k 10 "$limit" "$@" &
	t_pid=$!
	watch "$t_pid" "$1" </dev/null >/dev/null &
	wait "$t_pid"
	echo $? >"$status_file"
} | sed -e 's/^not ok \([0-9][0-9]*\) # SKIP/ok \1 # SKIP/'
status=$(cat "$status_file")
rm -f "$status_file"
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "# $1: stopped after $limit s (UDO_TEST_TIMEOUT): a hang, not a slow test" >&2
fi
exit "${status:-99}"
