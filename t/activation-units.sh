#!/bin/sh
# SPDX-License-Identifier: MIT
# The systemd units udo-vsock installs pass `systemd-analyze verify` (an
# instance of each template), with nothing said: no warning either.
# make writes t/activation-units with the build tree's paths in.
units=
bindir=
udo_vsock=
set -u

echo "1..1"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "ok 1 - the relay units pass systemd-analyze verify # SKIP systemd-analyze not found (apt-get install systemd)"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/udo-units.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
for u in "$units"/udo-vsock-relay@.socket "$units"/udo-vsock-relay@.service; do
	# ExecStart must name a program that exists: the one built here.
	sed "s|$bindir/udo-vsock|$udo_vsock|" "$u" >"$dir/${u##*/}"
done
systemd-analyze verify --man=no "$dir/udo-vsock-relay@8022.socket" \
	"$dir/udo-vsock-relay@8022.service" >"$dir/out" 2>&1
st=$?
if [ $st -eq 0 ] && [ ! -s "$dir/out" ]; then
	echo "ok 1 - the relay units pass systemd-analyze verify"
else
	echo "not ok 1 - the relay units pass systemd-analyze verify (status $st)"
	sed 's/^/# /' "$dir/out"
	exit 1
fi
