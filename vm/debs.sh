# vm/run's part that talks to the Debian archive (sourced by vm/run): the
# guest's kernel, and for a guest of another architecture its busybox and
# socat, each fetched with `apt-get download` and unpacked with `dpkg -x`
# into the cache ($cache), reused while apt names the same version.
# Uses vm/run's say, die, cache, debarch, root, add_libs and libroot.
# shellcheck shell=bash

# The package's files in $cache/NAME.
unpack_deb() { # DEB NAME
	local tmp
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	dpkg -x "$1" "$tmp/tree" || { rm -rf "$tmp"; die "dpkg -x $1 failed"; }
	# Another run may have unpacked it meanwhile: theirs is as good as ours.
	mv -T "$tmp/tree" "$cache/$2" 2>/dev/null || true
	rm -rf "$tmp"
}

download_deb() { # PKG[:ARCH]=VERSION NAME HINT: unpacked into $cache/NAME
	local tmp deb
	say "downloading $1 into $cache (once)"
	tmp=$(mktemp -d "$cache/.download.XXXXXX")
	# As root, apt's download sandbox user cannot write a private temp dir.
	local sandbox=()
	[ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
	(cd "$tmp" && apt-get download -q "${sandbox[@]}" "$1") >"$tmp/log" 2>&1 || {
		cat "$tmp/log" >&2
		rm -rf "$tmp"
		die "apt-get download $1 failed (no network to the Debian archive?) $3"
	}
	deb=$(find "$tmp" -name '*.deb' | head -n 1 || true)
	[ -n "$deb" ] || die "apt-get download $1 left no .deb"
	unpack_deb "$deb" "$2"
	rm -rf "$tmp"
}

# A package of the guest's architecture, unpacked in the cache (for a
# foreign guest's busybox and socat): sets pkgdir to it, or fails.
guest_pkg() { # PKG
	local ver
	ver=$(apt-cache policy "$1:$debarch" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		pkgdir=$(find "$cache" -mindepth 1 -maxdepth 1 -type d -name "$1_*_$debarch" | sort -V | tail -n 1)
		[ -n "$pkgdir" ] || return 1
		return 0
	fi
	pkgdir=$cache/${1}_${ver}_$debarch
	[ -d "$pkgdir" ] || download_deb "$1:$debarch=$ver" "${1}_${ver}_$debarch" ""
	find "$cache" -mindepth 1 -maxdepth 1 -type d -name "$1_*_$debarch" ! -path "$pkgdir" \
		-exec rm -rf {} +
}

# A program of a package unpacked in DIR, wherever the release put it: in
# /bin up to Debian 12, in /usr/bin from Debian 13 on (merged /usr; for
# instance busybox-static's busybox). Prints its path, or fails.
pkg_program() { # DIR NAME
	local f
	for f in "$1/usr/bin/$2" "$1/bin/$2" "$1/usr/sbin/$2" "$1/sbin/$2"; do
		if [ -f "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

find_kernel() {
	local pkg ver tmp deb
	mkdir -p "$cache" || die "cannot create the kernel cache $cache (set UDO_VM_CACHE)"
	if [ -n "${UDO_VM_KERNEL_DEB:-}" ]; then
		[ -f "$UDO_VM_KERNEL_DEB" ] || die "UDO_VM_KERNEL_DEB=$UDO_VM_KERNEL_DEB: no such file"
		pkg=$(dpkg-deb -f "$UDO_VM_KERNEL_DEB" Package) ||
			die "UDO_VM_KERNEL_DEB=$UDO_VM_KERNEL_DEB is not a .deb"
		ver=$(dpkg-deb -f "$UDO_VM_KERNEL_DEB" Version)
		kdir=$cache/${pkg}_$ver
		[ -d "$kdir/boot" ] || unpack_deb "$UDO_VM_KERNEL_DEB" "${pkg}_$ver"
		return 0
	fi
	pkg=$(apt-cache depends "linux-image-cloud-$debarch:$debarch" 2>/dev/null |
		awk '!p && $1 == "Depends:" && $2 ~ /^linux-image-/ { p = $2 } END { print p }') || true
	pkg=${pkg%:"$debarch"}
	ver=
	[ -z "$pkg" ] || ver=$(apt-cache policy "$pkg:$debarch" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$pkg" ] || [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		# Offline or no package lists: a kernel cached earlier will do.
		kdir=$(find "$cache" -mindepth 1 -maxdepth 1 -type d -name "linux-image-*-${debarch}_*" | sort -V | tail -n 1)
		[ -n "$kdir" ] ||
			die "no kernel package: 'apt-cache depends linux-image-cloud-$debarch:$debarch' names none" \
				"and $cache holds none (run apt-get update, or set UDO_VM_KERNEL_DEB" \
				"to a linux-image-*-cloud-$debarch .deb)"
		say "apt names no kernel package; using the cached $(basename "$kdir")"
		return
	fi
	kdir=$cache/${pkg}_$ver
	[ -d "$kdir/boot" ] && return
	download_deb "$pkg:$debarch=$ver" "${pkg}_$ver" \
		"(or set UDO_VM_KERNEL_DEB to a downloaded .deb)"
	# Older unpacked versions (of this architecture) are no longer named by apt.
	find "$cache" -mindepth 1 -maxdepth 1 -type d -name "linux-image-*-${debarch}_*" ! -path "$kdir" \
		-exec rm -rf {} +
}

# For a foreign guest: socat:ARCH and the libraries it needs that this
# system lacks for ARCH, unpacked into one root in the cache.
foreign_socat() {
	local deps=() p dir=$cache/socat-root-$debarch socat
	# What is installed for ARCH, or for all architectures, is here already.
	while read -r p; do
		{ dpkg-query -W -f='${Status} ${Architecture}\n' "$p" "$p:$debarch" 2>/dev/null || true; } |
			grep -Eq "ok installed ($debarch|all)\$" || deps+=("$p")
	done < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances --no-pre-depends "socat:$debarch" 2>/dev/null |
		sed -n "s/^\([a-z0-9][^ :]*\)\(:$debarch\)\{0,1\}\$/\1/p" | sort -u)
	mkdir -p "$dir"
	for p in "${deps[@]}"; do
		guest_pkg "$p" || return 1
		cp -a "$pkgdir/." "$dir/"
	done
	socat=$(pkg_program "$dir" socat) || return 1
	libroot=$dir
	add_libs "$socat"
	libroot=
	# The tests find it as socat in PATH.
	mkdir -p "$root/usr/bin"
	cp -L "$socat" "$root/usr/bin/socat"
}
