#!/bin/sh
# image.sh SKOIP_arm64.deb OUT.img: build the SKOIP SD-card image for the
# Raspberry Pi 3/4/5 (arm64 Debian bookworm) without loop devices:
#   1. the root of slot A (lib.sh's slot_root: the cached root of
#      root-image.sh with the .deb installed, read-only, A/B units);
#   2. the FAT boot partition made in a file by mkfs.vfat and filled by mcopy:
#      the firmware, config.txt (os_prefix=a/), a/ (kernel, initramfs, device
#      trees, cmdline.txt of slot A) and skoip.toml;
#   3. root slot A, ext4 made from the directory by mke2fs -d; slot B left
#      empty (the first update writes it); the data partition, ext4, small
#      (the first boot grows it to the card);
#   4. all written into OUT.img behind an MBR (disk identifier 534b4f50)
#      made by sfdisk: 1 boot, 2 slot A, 3 slot B, 4 data.
# Prints the steps and their times; README.md ("The SD-card image") has them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# = 2 ] && [ -f "$1" ] || die "usage: image.sh SKOIP_arm64.deb OUT.img"
deb=$1 out=$2
: "${BOOT_MB:=256}" # FAT boot partition: the firmware and both slots' kernels
: "${SLOT_MB:=1536}" # each root slot: room for the roots of later versions
: "${DATA_MB:=64}"  # data partition as built (grown at the first boot)
need_root
binfmt_arm
for t in mkfs.vfat mcopy sfdisk mke2fs openssl; do command -v $t >/dev/null || die "$t is not installed (make deps-image)"; done
t0=$(date +%s)
step() { log "[$(($(date +%s) - t0)) s] $*"; }
keys=$(bundle_keys)
cert=${keys#* }

step "root: cached Debian root (first build: debootstrap + kernel, about 10 minutes), $(basename "$deb") installed"
work=$(mktemp -d "$SKOIP_CACHE/image.XXXXXX")
r=$work/root
trap 'chroot_umount "$r"; rm -rf "$work"' EXIT
slot_root "$deb" "$r" "$work/fw" "$cert"

step "boot: FAT partition (${BOOT_MB} MiB) with mkfs.vfat + mcopy"
boot=$work/boot
mv "$work/fw" "$boot"
# raspi-firmware's config.txt with the slot's files: kernel and initramfs by
# fixed names under os_prefix, which SKOIP switches between a/ and b/.
# raspi-firmware's header ("Do not modify", generated at kernel installs) is
# not true here: kernels come with update bundles, and the file is yours.
sed -i -e '1,/^$/d' "$boot/config.txt"
{
	echo "# Raspberry Pi firmware configuration of the SKOIP SD-card image. Add what your board needs"
	echo "# (e.g. dtoverlay= for a sound HAT). Keep the one os_prefix= line at the end: SKOIP's A/B"
	echo "# updates switch it between a/ and b/ (and copy this file to tryboot.txt to try a new slot)."
	echo
	cat "$boot/config.txt"
} >"$work/config.txt" && mv "$work/config.txt" "$boot/config.txt"
sed -i -E -e '/^[[:space:]]*os_prefix[[:space:]]*=/d' \
	-e 's/^kernel=.*/kernel=vmlinuz/' -e 's/^initramfs .*/initramfs initrd.img followkernel/' "$boot/config.txt"
grep -q '^kernel=vmlinuz$' "$boot/config.txt" && grep -q '^initramfs initrd.img followkernel$' "$boot/config.txt" ||
	die "config.txt of raspi-firmware has no kernel= or initramfs line"
printf '\n[all]\n# The root slot that boots (SKOIP A/B updates; tryboot.txt names the one being tried).\nos_prefix=a/\n' \
	>>"$boot/config.txt"
# Slot A's command line: raspi-firmware's, with the root by PARTUUID,
# read-only, the slot named for RAUC, and a reboot 10 s after a panic.
cmdline=$(sed -E -e 's/(^| )root=[^ ]*//' -e 's/(^| )(rw|ro)( |$)/ /g' "$boot/cmdline.txt" | tr -s ' ')
rm -f "$boot/cmdline.txt"
mkdir "$boot/a"
cp -r "$r/usr/lib/skoip/boot/." "$boot/a/"
echo "$cmdline root=PARTUUID=$DISK_ID-02 ro rauc.slot=A panic=10" | tr -s ' ' | sed 's/^ //' >"$boot/a/cmdline.txt"
{
	echo "# /boot/firmware/skoip.toml: the SKOIP configuration on the SD card's FAT partition."
	echo "# Edit it from any PC; skoip reads it when it starts (reboot the Pi after a change)."
	echo "#"
	cat "$r/etc/skoip/skoip.toml"
} | sed 's/$/\r/' >"$boot/skoip.toml"
rm -f "$work/boot.img"
mkfs.vfat -F 32 -n SKOIPBOOT -C "$work/boot.img" $((BOOT_MB * 1024)) >/dev/null
mcopy -s -p -m -i "$work/boot.img" "$boot"/* ::/

step "root slot A: ext4 (${SLOT_MB} MiB) with mke2fs -d"
used_mb=$(du -sm "$r" | cut -f1)
[ "$used_mb" -lt $((SLOT_MB * 8 / 10)) ] || die "the root ($used_mb MiB) does not fit a ${SLOT_MB} MiB slot with room to grow"
mke2fs -q -t ext4 -L SKOIPROOT -d "$r" "$work/root.img" "${SLOT_MB}M"

step "data: ext4 (${DATA_MB} MiB) with mke2fs -d"
data_dirs "$r" "$work/data"
mke2fs -q -t ext4 -L SKOIPDATA -d "$work/data" "$work/data.img" "${DATA_MB}M"

step "image: MBR partition table with sfdisk, partitions written with dd"
start=8192 # sectors (4 MiB alignment)
boot_sect=$((BOOT_MB * 2048)) slot_sect=$((SLOT_MB * 2048)) data_sect=$((DATA_MB * 2048))
a_start=$((start + boot_sect))
b_start=$((a_start + slot_sect))
d_start=$((b_start + slot_sect))
rm -f "$out"
truncate -s $(((d_start + data_sect) * 512)) "$out"
printf 'label: dos\nlabel-id: 0x%s\nunit: sectors\n\n%d,%d,c,*\n%d,%d,83\n%d,%d,83\n%d,%d,83\n' "$DISK_ID" \
	"$start" "$boot_sect" "$a_start" "$slot_sect" "$b_start" "$slot_sect" "$d_start" "$data_sect" |
	sfdisk -q "$out"
dd if="$work/boot.img" of="$out" bs=1M seek=$((start / 2048)) conv=notrunc,sparse status=none
dd if="$work/root.img" of="$out" bs=1M seek=$((a_start / 2048)) conv=notrunc,sparse status=none
dd if="$work/data.img" of="$out" bs=1M seek=$((d_start / 2048)) conv=notrunc,sparse status=none
step "done: $out ($(du -h --apparent-size "$out" | cut -f1), $(du -h "$out" | cut -f1) allocated; slots ${SLOT_MB} MiB with ${used_mb} MiB used)"
