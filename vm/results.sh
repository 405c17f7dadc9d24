# vm/run's last step (sourced by vm/run): the guest console, cut at
# vm/init's markers into one TAP stream per test and transport, fed to
# automake's tap-driver.sh; a summary like automake's, and a failure exit
# naming what failed. Uses vm/run's results, tests, transports, driver,
# log_compiler, kdir, unfinished and elapsed.
# shellcheck shell=bash

# --- 4. results as TAP ------------------------------------------------------
for mode in $transports; do
	for t in "${tests[@]}"; do
		mkdir -p "$(dirname "$results/$mode/$t")"
	done
done
awk -v out="$results" '
	/^@@UDO-VM BEGIN / { f = out "/" $3 "/" $4 ".tap"; printf "" > f; next }
	/^@@UDO-VM END / {
		close(f); f = ""
		s = out "/" $3 "/" $4 ".status"; print $5 > s; close(s)
		next
	}
	f != "" { print > f }
' "$results/console.log"

color=no
[ ! -t 1 ] || color=yes
failed=() failed_logs=() not_run=()
for mode in $transports; do
	for t in "${tests[@]}"; do
		base=$results/$mode/$t
		if [ ! -f "$base.tap" ]; then
			not_run+=("$t [$mode]")
			continue
		fi
		if [ -f "$base.status" ]; then
			status=$(cat "$base.status")
		else
			status=99
			echo "# check-vm: the guest stopped during this test (see $results/console.log)" >>"$base.tap"
		fi
		AM_TAP_AWK=${AM_TAP_AWK:-awk} "${SHELL:-/bin/sh}" "$driver" \
			--test-name "$t [$mode]" --log-file "$base.log" --trs-file "$base.trs" \
			--color-tests "$color" --enable-hard-errors yes --expect-failure no \
			-- $log_compiler /bin/sh -c 'cat "$1"; exit "$2"' sh "$base.tap" "$status"
		grep -q '^:global-test-result: \(PASS\|SKIP\|XFAIL\)$' "$base.trs" ||
			{ failed+=("$t [$mode]"); failed_logs+=("$base.log"); }
	done
done

# A summary like automake's, and the logs of what failed.
{
	echo "check-vm: real AF_VSOCK in a qemu guest ($(basename "$kdir"))"
	find "$results" -name '*.trs' -exec cat {} + |
		awk '$1 == ":test-result:" { n[$2]++; total++ }
		     END { printf "# TOTAL: %d\n", total
		           split("PASS SKIP XFAIL FAIL XPASS ERROR", k, " ")
		           for (i = 1; i <= 6; i++) printf "# %-6s %d\n", k[i] ":", n[k[i]] }'
	((${#not_run[@]} == 0)) || echo "# NOT RUN: ${#not_run[@]}"
} | tee "$results/test-suite.log"
join() { # SEP WORD...
	local sep=$1 out=$2
	shift 2
	for w; do out+=$sep$w; done
	printf '%s' "$out"
}
for i in "${!failed[@]}"; do
	{ echo; echo "==== ${failed[$i]} ===="; cat "${failed_logs[$i]}"; } |
		tee -a "$results/test-suite.log" >&2
done
problems=()
[ -z "$unfinished" ] || problems+=("$unfinished")
((${#failed[@]} == 0)) || problems+=("failed in the guest: $(join ', ' "${failed[@]}")")
((${#not_run[@]} == 0)) || problems+=("never ran: $(join ', ' "${not_run[@]}")")
((${#problems[@]} == 0)) || die "$(join '; ' "${problems[@]}") (logs in $results)"
say "all ${#tests[@]} programs passed on real vsock ($transports) in ${elapsed}s"
