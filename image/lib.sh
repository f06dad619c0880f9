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

# ---- A/B slots (image.sh, bundle.sh) ----------------------------------------
# The card's MBR disk identifier, fixed so that every unit's partitions have
# the same PARTUUIDs (534b4f50-01 .. -04): the root slots' kernel command
# lines and RAUC's system.conf name them so.
DISK_ID=534b4f50

# bundle_keys: print "KEY CERT", the bundle signing key and its certificate:
# $SKOIP_BUNDLE_KEY and $SKOIP_BUNDLE_CERT when set (your own), else a
# development pair made once in $SKOIP_CACHE/keys. The image trusts CERT
# (/etc/rauc/keyring.pem); only bundles signed with KEY install on it.
bundle_keys() {
	if [ -n "${SKOIP_BUNDLE_KEY:-}" ] || [ -n "${SKOIP_BUNDLE_CERT:-}" ]; then
		[ -f "${SKOIP_BUNDLE_KEY:-}" ] && [ -f "${SKOIP_BUNDLE_CERT:-}" ] ||
			die "SKOIP_BUNDLE_KEY and SKOIP_BUNDLE_CERT must both name files"
		echo "$SKOIP_BUNDLE_KEY $SKOIP_BUNDLE_CERT"
		return
	fi
	k=$SKOIP_CACHE/keys
	if [ ! -s "$k/dev.cert.pem" ]; then
		mkdir -p "$k" && chmod 700 "$k"
		openssl req -x509 -newkey rsa:3072 -nodes -days 36500 \
			-keyout "$k/dev.key.pem" -out "$k/dev.cert.pem.tmp" \
			-subj "/O=SKOIP/CN=SKOIP development bundle signing ($(hostname))" \
			-addext "keyUsage=digitalSignature,keyCertSign" \
			-addext "basicConstraints=critical,CA:TRUE" >/dev/null 2>&1 || die "openssl req failed"
		mv "$k/dev.cert.pem.tmp" "$k/dev.cert.pem"
		log "made a development bundle signing key in $k (set SKOIP_BUNDLE_KEY/SKOIP_BUNDLE_CERT for your own)"
	fi
	echo "$k/dev.key.pem $k/dev.cert.pem"
}

# slot_root DEB ROOT FW CERT: the root file system of a slot in ROOT (from
# the cached root, the .deb installed, set up for a read-only root with a
# data partition and A/B updates; its kernel, initramfs and device trees in
# /usr/lib/skoip/boot) and what raspi-firmware put on the boot partition in
# FW (the firmware's own files and config.txt).
slot_root() {
	deb=$1 r=$2 fw=$3 cert=$4
	ab=$here/ab
	tar=$(cached_root image "$IMAGE_INCLUDE" "$here/root-image.sh")
	unpack_root "$tar" "$r"
	chroot_mount "$r"
	no_daemons "$r"
	cp "$deb" "$r/tmp/skoip.deb"
	in_root "$r" dpkg -i /tmp/skoip.deb >"$r.dpkg.log" 2>&1 || { cat "$r.dpkg.log"; die "dpkg -i failed"; }
	rm -f "$r/tmp/skoip.deb" "$r.dpkg.log"
	[ -L "$r/etc/systemd/system/multi-user.target.wants/skoip.service" ] || die "skoip.service is not enabled"
	# The A/B units, RAUC's boot-loader backend and the first boot.
	install -m 0644 "$ab/skoip-slot-check.service" "$ab/skoip-slot-confirm.service" \
		"$ab/skoip-firstboot.service" "$r/etc/systemd/system/"
	install -D -m 0755 "$ab/rauc-bootloader" "$r/usr/lib/skoip/rauc-bootloader"
	install -D -m 0755 "$ab/firstboot" "$r/usr/lib/skoip/firstboot"
	install -D -m 0644 "$ab/system.conf" "$r/etc/rauc/system.conf"
	install -D -m 0644 "$cert" "$r/etc/rauc/keyring.pem"
	install -D -m 0644 "$ab/journald.conf" "$r/etc/systemd/journald.conf.d/skoip.conf"
	in_root "$r" systemctl enable skoip-slot-check.service skoip-slot-confirm.service \
		skoip-firstboot.service >/dev/null 2>&1 || die "systemctl enable of the A/B units failed"
	# e2scrub checks LVM snapshots of ext4 (there are none) and took 5-8 s of
	# each boot in QEMU.
	in_root "$r" systemctl disable e2scrub_reap.service e2scrub_all.timer >/dev/null 2>&1 || true
	allow_daemons "$r"
	chroot_umount "$r"
	# Read-only root: no fstab line for / (the kernel mounts it read-only:
	# "ro" in cmdline.txt); the state that persists is on the data partition.
	cat >"$r/etc/fstab" <<-FSTAB
	# <file system>          <mount point>             <type> <options>                                      <dump> <pass>
	# / is the root slot the kernel command line names, read-only.
	LABEL=SKOIPBOOT          /boot/firmware            vfat   defaults,noatime,flush,nofail                  0      2
	LABEL=SKOIPDATA          /data                     ext4   defaults,noatime,commit=5,nofail               0      2
	/data/skoip              /var/lib/skoip            none   bind,nofail,x-systemd.requires-mounts-for=/data 0     0
	/data/timesync           /var/lib/systemd/timesync none   bind,nofail,x-systemd.requires-mounts-for=/data 0     0
	tmpfs                    /tmp                      tmpfs  mode=1777,nosuid,nodev,size=64M                0      0
	tmpfs                    /var/tmp                  tmpfs  mode=1777,nosuid,nodev,size=16M                0      0
	tmpfs                    /var/log                  tmpfs  mode=0755,nosuid,nodev,size=16M                0      0
	FSTAB
	# (StateDirectory= of units must exist: the root is read-only.)
	mkdir -p "$r/data" "$r/var/lib/skoip" "$r/var/lib/systemd/timesync" "$r/var/lib/systemd/linger"
	# /run and /tmp are tmpfs at boot: what maintainer scripts left there goes.
	find "$r/run" "$r/tmp" -mindepth 1 -delete
	# An empty machine-id: systemd makes one at the first boot and
	# skoip-firstboot.service commits it; bundles carry the unit's own.
	: >"$r/etc/machine-id"
	rm -f "$r/var/lib/dbus/machine-id"
	# The boot partition's files: the slot's own go with the slot.
	rm -rf "$fw" && mv "$r/boot/firmware" "$fw" && mkdir -m 0755 "$r/boot/firmware"
	sb=$r/usr/lib/skoip/boot
	mkdir -p "$sb"
	k=$(ls "$fw"/vmlinuz-* | tail -1) && i=$(ls "$fw"/initrd.img-* | tail -1) || die "no kernel in $fw"
	mv "$k" "$sb/vmlinuz" && mv "$i" "$sb/initrd.img"
	rm -f "$fw"/vmlinuz-* "$fw"/initrd.img-*
	mv "$fw"/*.dtb "$sb/"
	[ -d "$fw/overlays" ] && mv "$fw/overlays" "$sb/"
	# /etc and /var are up to date with /usr: without these stamps
	# ConditionNeedsUpdate= starts systemd-sysusers and ldconfig at a boot,
	# and they fail on the read-only root (seen once in the image test).
	touch "$r/etc/.updated" "$r/var/.updated"
}

# data_dirs ROOT DIR: the data partition's initial tree in DIR, owned as
# ROOT's users: skoip/ (the service's state) and timesync/.
data_dirs() {
	r=$1 d=$2
	uid() { awk -F: -v u="$1" '$1 == u {print $3}' "$r/etc/passwd"; }
	gid() { awk -F: -v g="$1" '$1 == g {print $3}' "$r/etc/group"; }
	mkdir -p "$d/skoip" "$d/timesync"
	chown "$(uid skoip):$(gid skoip)" "$d/skoip" && chmod 0750 "$d/skoip"
	tu=$(uid systemd-timesync)
	[ -n "$tu" ] && chown "$tu:$(gid systemd-timesync)" "$d/timesync"
	chmod 0755 "$d/timesync"
}
