# shellcheck shell=bash
# Fresh Debian roots for the project's scripts (sourced; the callers run as
# root): a minimal base system of a given release from the archive the host's
# apt uses, with the /etc/hosts a Debian install writes, and a way to run a
# command in it with /proc, /sys and /dev mounted in a private mount
# namespace only, so removing the root never reaches the host's /dev.
#
#   udo_root_create SUITE ROOT PACKAGES LOG   mmdebstrap --variant=minbase
#                                             --include=PACKAGES (comma list)
#   udo_root_run ROOT COMMAND [VAR=VALUE...]  bash -euc COMMAND in the root,
#                                             clean environment plus VARs
#   udo_root_remove ROOT                      rm -rf, never across a mount

# The host's deb822 apt sources with its release replaced by SUITE (bookworm,
# bookworm-updates and bookworm-security become trixie, trixie-updates ...):
# the same mirror for any release. Empty when the host has none.
udo_root_sources() {
	local suite=$1 host f
	host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		if [ -n "$host" ]; then
			sed "/^Suites:/s/\\b$host\\b/$suite/g" "$f"
		else
			cat "$f"
		fi
		echo
	done
}

udo_root_need_mmdebstrap() {
	command -v mmdebstrap >/dev/null && return 0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null ||
		{ apt-get update -q >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null; }
}

udo_root_create() {
	local suite=$1 root=$2 include=$3 log=$4 sources host
	command -v unshare >/dev/null || { echo "unshare not found (apt-get install util-linux)" >&2; return 1; }
	udo_root_need_mmdebstrap || { echo "cannot install mmdebstrap" >&2; return 1; }
	sources=$(udo_root_sources "$suite")
	# Niced: making a root unpacks and configures a few hundred packages.
	if [ -n "$sources" ]; then
		printf '%s\n' "$sources" | nice -n 10 mmdebstrap --quiet --variant=minbase \
			--include="$include" "$suite" "$root" - >"$log" 2>&1
	else
		nice -n 10 mmdebstrap --quiet --variant=minbase --include="$include" \
			"$suite" "$root" >"$log" 2>&1
	fi || { cat "$log" >&2; echo "mmdebstrap $suite failed" >&2; return 1; }

	# What a Debian install writes (netcfg): both loopback addresses are
	# "localhost", and ::1 comes second in the file but first from getaddrinfo.
	host=$(hostname 2>/dev/null || echo debian)
	cat >"$root/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	$host

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
	echo "$host" >"$root/etc/hostname"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
}

# The root shares the host's network namespace: a server the caller runs on
# the host's loopback is reachable from inside.
udo_root_run() {
	local root=$1 cmd=$2
	shift 2
	UDO_ROOT=$root UDO_ROOT_CMD=$cmd unshare --mount --propagation private bash -euc '
		root=$UDO_ROOT cmd=$UDO_ROOT_CMD
		# / a mount point in the root, as on a real machine: tests that
		# give themselves a private /etc (unshare -m) need that.
		mount --bind "$root" "$root"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			"$@" bash -euc "cd /root && $cmd"
	' udo_root_run "$@"
}

udo_root_remove() {
	[ -n "${1:-}" ] && [ -d "$1" ] && rm -rf --one-file-system "$1"
}
