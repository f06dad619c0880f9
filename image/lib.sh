# lib.sh: shell functions shared by the image scripts (sourced, not run).
# Needs root: debootstrap, chroot and mke2fs -d with ownership need it.

: "${SKOIP_CACHE:=/var/cache/skoip-test}"
: "${MIRROR:=http://deb.debian.org/debian}"
: "${SUITE:=bookworm}"
: "${ARCH:=arm64}"   # Debian architecture of the roots: arm64 or armhf
# Packages of the image's root besides minbase (root-image.sh adds the kernel and firmware).
IMAGE_INCLUDE=systemd,systemd-sysv,udev,kmod,systemd-timesyncd,libasound2,alsa-utils,iproute2,netbase,dosfstools,zstd,initramfs-tools

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot)"; }

# binfmt_arm: make sure foreign ELF binaries run through qemu-user, with the
# F flag so that they also run inside a chroot.
binfmt_arm() {
	command -v qemu-aarch64-static >/dev/null || die "qemu-user-static is not installed"
	[ -e /proc/sys/fs/binfmt_misc/register ] ||
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
	for a in qemu-aarch64 qemu-arm; do
		[ -e "/proc/sys/fs/binfmt_misc/$a" ] || update-binfmts --enable "$a" ||
			die "update-binfmts --enable $a failed"
	done
}

# chroot_mount ROOT / chroot_umount ROOT: the API file systems a chroot needs.
chroot_mount() {
	for d in proc sys dev dev/pts; do mkdir -p "$1/$d"; done
	mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
	mountpoint -q "$1/sys" || mount -t sysfs sys "$1/sys"
	mountpoint -q "$1/dev" || mount --bind /dev "$1/dev"
	mountpoint -q "$1/dev/pts" || mount --bind /dev/pts "$1/dev/pts"
}
chroot_umount() {
	for d in dev/pts dev sys proc; do
		if mountpoint -q "$1/$d"; then umount -l "$1/$d"; fi
	done
}

# no_daemons ROOT / allow_daemons ROOT: keep maintainer scripts from starting
# services inside a chroot (policy-rc.d, as debootstrap and docker do).
no_daemons() {
	printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
	chmod 755 "$1/usr/sbin/policy-rc.d"
}
allow_daemons() { rm -f "$1/usr/sbin/policy-rc.d"; }

# in_root ROOT CMD...: run a command in the chroot with a clean environment.
in_root() {
	r=$1; shift
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# cached_root NAME INCLUDE SCRIPT: print the path of a tarball of a Debian
# $ARCH root file system made by debootstrap (minbase + INCLUDE, a comma
# list) and then SCRIPT (run with the root as $1), building it once. The
# cache key covers everything that goes into it.
cached_root() {
	name=$1 include=$2 script=${3:-}
	key=$(root_key "$include" "$script")
	tar="$SKOIP_CACHE/$name-$SUITE-$ARCH-$key.tar"
	if [ ! -s "$tar" ]; then
		build_root "$tar" "$include" "$script" >&2
	fi
	echo "$tar"
}

# root_key INCLUDE SCRIPT: what identifies a cached root.
root_key() {
	printf '%s|%s|%s|%s|%s' "$SUITE" "$MIRROR" "$1" "${2##*/}" \
		"$(cat "$2" 2>/dev/null)" | sha256sum | cut -c1-12
}

build_root() {
	tar=$1 include=$2 script=$3
	command -v debootstrap >/dev/null || die "debootstrap is not installed"
	mkdir -p "$SKOIP_CACHE"
	dir=$(mktemp -d "$SKOIP_CACHE/root.XXXXXX")
	trap 'chroot_umount "$dir"; rm -rf "$dir"' EXIT
	log "debootstrap $SUITE $ARCH (+$include) into $dir"
	mkdir -p "$SKOIP_CACHE/debs"
	debootstrap --arch="$ARCH" --foreign --variant=minbase --cache-dir="$SKOIP_CACHE/debs" \
		--components=main,non-free-firmware --include="$include" \
		"$SUITE" "$dir" "$MIRROR" >"$dir.log" 2>&1 || { tail -20 "$dir.log"; die "debootstrap failed"; }
	log "second stage (qemu-user)"
	chroot "$dir" /debootstrap/debootstrap --second-stage >>"$dir.log" 2>&1 || {
		cp "$dir/debootstrap/debootstrap.log" "$SKOIP_CACHE/debootstrap-failed.log" 2>/dev/null
		tail -20 "$dir.log"; die "debootstrap --second-stage failed (see $SKOIP_CACHE/debootstrap-failed.log)"; }
	printf 'deb %s %s main non-free-firmware\n' "$MIRROR" "$SUITE" >"$dir/etc/apt/sources.list"
	if [ -n "$script" ]; then
		log "customise with $script"
		chroot_mount "$dir"
		no_daemons "$dir"
		sh "$script" "$dir" >>"$dir.log" 2>&1 || { tail -30 "$dir.log"; die "$script failed"; }
		allow_daemons "$dir"
		chroot_umount "$dir"
	fi
	in_root "$dir" apt-get clean
	rm -f "$dir.log"
	tar -C "$dir" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
	# Older versions of this root are stale now.
	for old in "${tar%-*}"-*.tar; do [ "$old" = "$tar" ] || rm -f "$old"; done
	rm -rf "$dir"
	trap - EXIT
	log "cached $tar ($(du -h "$tar" | cut -f1))"
}

# unpack_root TAR DIR: a fresh copy of a cached root.
unpack_root() {
	rm -rf "$2" && mkdir -p "$2" && tar -C "$2" --numeric-owner -xf "$1"
}
