#!/bin/sh
# SPDX-License-Identifier: MIT
# Usage: sh t/cli-gen.sh SRCDIR BUILDDIR EXEEXT t/NAME > t/NAME
# Writes the test t/NAME from SRCDIR/t/cli-lib.sh and SRCDIR/t/NAME.sh, with
# BUILDDIR's udo-vsock and t/cli-echo as defaults (see t/cli-lib.sh).
# A script rather than make commands: a '#' in a make variable is not
# portable, and the shebang and comment lines need one.
set -eu
srcdir=$1 builddir=$2 exeext=$3 test=$4
printf '#!/bin/sh\n'
printf '# Written by make from t/cli-lib.sh and %s.sh: edit those.\n' "$test"
printf ': "${UDO_VSOCK:=%s/udo-vsock%s}"\n' "$builddir" "$exeext"
printf ': "${CLI_ECHO:=%s/t/cli-echo%s}"\n' "$builddir" "$exeext"
sed '/^#!/d' "$srcdir/t/cli-lib.sh"
sed -e '/^#!/d' -e '/^\. .*cli-lib\.sh"$/d' "$srcdir/$test.sh"
