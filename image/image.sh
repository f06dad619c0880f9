#!/bin/sh
# image.sh SKOIP_arm64.deb OUT.img: build the SKOIP SD-card image for the
# Raspberry Pi 3/4 (arm64 Debian bookworm) without loop devices:
#   1. a cached root (debootstrap minbase + kernel, raspi-firmware, networking;
#      root-image.sh), unpacked, with the .deb installed in a chroot;
#   2. the FAT boot partition made in a file by mkfs.vfat and filled by mcopy
#      (firmware, kernel, initrd, config.txt, cmdline.txt and skoip.toml);
#   3. the ext4 root partition made from the directory by mke2fs -d;
#   4. both written into OUT.img behind an MBR partition table made by sfdisk.
# Prints the steps and their times; README.md ("The SD-card image") has them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# = 2 ] && [ -f "$1" ] || die "usage: image.sh SKOIP_arm64.deb OUT.img"
deb=$1 out=$2
: "${BOOT_MB:=256}"   # FAT boot partition
: "${FREE_MB:=512}"   # free space left in the root file system
need_root
binfmt_arm
for t in mkfs.vfat mcopy sfdisk mke2fs; do command -v $t >/dev/null || die "$t is not installed (make deps-image)"; done
t0=$(date +%s)
step() { log "[$(($(date +%s) - t0)) s] $*"; }

step "root: cached Debian root (first build: debootstrap + kernel, about 5 minutes)"
tar=$(cached_root image "$IMAGE_INCLUDE" "$here/root-image.sh")
work=$(mktemp -d "$SKOIP_CACHE/image.XXXXXX")
r=$work/root
trap 'chroot_umount "$r"; rm -rf "$work"' EXIT
unpack_root "$tar" "$r"

step "root: install $(basename "$deb")"
chroot_mount "$r"
no_daemons "$r"
cp "$deb" "$r/tmp/skoip.deb"
in_root "$r" dpkg -i /tmp/skoip.deb >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; die "dpkg -i failed"; }
rm -f "$r/tmp/skoip.deb"
[ -L "$r/etc/systemd/system/multi-user.target.wants/skoip.service" ] || die "skoip.service is not enabled"
allow_daemons "$r"
chroot_umount "$r"
# /run and /tmp are tmpfs at boot: what maintainer scripts left there goes.
find "$r/run" "$r/tmp" -mindepth 1 -delete
# A fresh machine-id on first boot (each card its own identity).
: >"$r/etc/machine-id"
rm -f "$r/var/lib/dbus/machine-id"

step "boot: FAT partition (${BOOT_MB} MiB) with mkfs.vfat + mcopy"
boot=$work/boot
mv "$r/boot/firmware" "$boot"
mkdir -m 0755 "$r/boot/firmware"
{
	echo "# /boot/firmware/skoip.toml: the SKOIP configuration on the SD card's FAT partition."
	echo "# Edit it from any PC; skoip reads it when it starts (reboot the Pi after a change)."
	echo "#"
	cat "$r/etc/skoip/skoip.toml"
} | sed 's/$/\r/' >"$boot/skoip.toml"
rm -f "$work/boot.img"
mkfs.vfat -F 32 -n SKOIPBOOT -C "$work/boot.img" $((BOOT_MB * 1024)) >/dev/null
mcopy -s -p -m -i "$work/boot.img" "$boot"/* ::/

step "root: ext4 with mke2fs -d"
used_mb=$(du -sm "$r" | cut -f1)
root_mb=$((used_mb * 11 / 10 + FREE_MB))
mke2fs -q -t ext4 -L SKOIPROOT -d "$r" "$work/root.img" "${root_mb}M"

step "image: MBR partition table with sfdisk, partitions written with dd"
start=8192 # sectors (4 MiB alignment)
boot_sect=$((BOOT_MB * 2048))
root_start=$((start + boot_sect))
root_sect=$((root_mb * 2048))
rm -f "$out"
truncate -s $(((root_start + root_sect) * 512)) "$out"
printf 'label: dos\nunit: sectors\n\n%d,%d,c,*\n%d,%d,83\n' "$start" "$boot_sect" "$root_start" "$root_sect" |
	sfdisk -q "$out"
dd if="$work/boot.img" of="$out" bs=1M seek=$((start / 2048)) conv=notrunc,sparse status=none
dd if="$work/root.img" of="$out" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none
step "done: $out ($(du -h --apparent-size "$out" | cut -f1), $(du -h "$out" | cut -f1) allocated; root ${root_mb} MiB with ${used_mb} MiB used)"
