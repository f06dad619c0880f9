#!/bin/sh
# bundle.sh SKOIP_arm64.deb VERSION OUT.raucb: build a signed RAUC update
# bundle (verity format) for the SD-card image: the root of a slot made
# exactly as image.sh makes slot A (lib.sh's slot_root), as an ext4 image
# (RAUC writes it into the other slot and grows it to the partition), and
# the hook (ab/bundle-hook) that puts the slot's kernel on the boot
# partition. Signed with lib.sh's bundle_keys: the development key, or
# $SKOIP_BUNDLE_KEY and $SKOIP_BUNDLE_CERT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# = 3 ] && [ -f "$1" ] || die "usage: bundle.sh SKOIP_arm64.deb VERSION OUT.raucb"
deb=$1 version=$2 out=$3
need_root
binfmt_arm
for t in rauc mke2fs openssl; do command -v $t >/dev/null || die "$t is not installed (make deps-image)"; done
t0=$(date +%s)
step() { log "[$(($(date +%s) - t0)) s] $*"; }
keys=$(bundle_keys)
key=${keys% *} cert=${keys#* }

step "root: cached Debian root, $(basename "$deb") installed"
work=$(mktemp -d "$SKOIP_CACHE/bundle.XXXXXX")
r=$work/root
trap 'chroot_umount "$r"; rm -rf "$work"' EXIT
slot_root "$deb" "$r" "$work/fw" "$cert"

step "rootfs.ext4 with mke2fs -d"
b=$work/bundle
mkdir "$b"
used_mb=$(du -sm "$r" | cut -f1)
mke2fs -q -t ext4 -L SKOIPROOT -d "$r" "$b/rootfs.ext4" "$((used_mb * 11 / 10 + 64))M"
install -m 0755 "$here/ab/bundle-hook" "$b/hook"
cat >"$b/manifest.raucm" <<MANIFEST
[update]
compatible=skoip-rpi-arm64
version=$version
description=SKOIP $version root file system

[bundle]
format=verity

[hooks]
filename=hook

[image.rootfs]
filename=rootfs.ext4
hooks=post-install
MANIFEST

step "rauc bundle (signed by $(openssl x509 -noout -subject -in "$cert" | sed 's/^subject=//'))"
rm -f "$out"
rauc bundle --cert "$cert" --key "$key" "$b" "$out" >"$work/rauc.log" 2>&1 || { cat "$work/rauc.log"; die "rauc bundle failed"; }
step "done: $out ($(du -h "$out" | cut -f1))"
