#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench-relay-vm, inside the guest of make check-vm (vm/run): the relay
# benchmark (cli/bench-relay) where CID 1 is real vsock, so its vsock rows
# go over AF_VSOCK. Its figures are TAP comments, for vm/run to carry back;
# the one test is that it ran to its end. Arguments: BENCH_RELAY_VM_ARGS.
echo 1..1
socat=$(command -v socat || true)
# The guest has the program, not libtool's wrapper script (vm/run copies
# programs only): run it with the build tree's library, as the wrapper would.
LD_LIBRARY_PATH=$PWD/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
# shellcheck disable=SC2086 # the arguments are words
./cli/bench-relay ${BENCH_RELAY_VM_ARGS:-} ./.libs/udo-vsock "$socat" >bench-relay-vm.out 2>&1
st=$?
sed 's/^/# /' bench-relay-vm.out
if [ $st -eq 0 ]; then
	echo "ok 1 - bench-relay ran to its end in the guest"
else
	echo "not ok 1 - bench-relay exited with status $st in the guest"
fi
