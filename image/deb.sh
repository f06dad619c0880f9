#!/bin/sh
# deb.sh ARCH BINARY VERSION SOUNDS OUTDIR [ARMV6BINARY]: build
# OUTDIR/skoip_<debversion>_ARCH.deb with dpkg-deb from a cross-built binary
# (ARCH: arm64 or armhf), the files of systemd/ and image/, the example config
# and the sounds in SOUNDS. VERSION is `git describe` output; it becomes a
# Debian version (debversion).
# armhf holds two builds, for every 32-bit Raspberry Pi OS: BINARY (armv7,
# cgo) and ARMV6BINARY (cgo-free, GOARM=6, for the Pi Zero and Pi 1) in
# /usr/libexec/skoip/, and /usr/bin/skoip runs the one the CPU can execute
# (debian/skoip-armhf).
set -eu
usage() { echo "usage: deb.sh ARCH BINARY VERSION SOUNDS OUTDIR [ARMV6BINARY] (ARMV6BINARY: armhf only, required)" >&2; exit 2; }
[ $# -ge 5 ] || usage
arch=$1 bin=$2 version=$3 sounds=$4 out=$5
case "$arch/$#" in
armhf/6) armv6=$6 ;;
arm64/5) armv6= ;;
*) usage ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# Timestamps of the files and of the archive: the last commit (reproducible).
: "${SOURCE_DATE_EPOCH:=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH
debversion=$(sh "$here/debversion.sh" "$version")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
p=$stage/pkg
inst() { # inst MODE SRC DST
	install -D -m "$1" "$2" "$p/$3"
}
if [ -n "$armv6" ]; then
	inst 0755 "$bin" usr/libexec/skoip/armv7/skoip
	inst 0755 "$armv6" usr/libexec/skoip/armv6/skoip
	inst 0755 "$here/debian/skoip-armhf" usr/bin/skoip
	inst 0644 "$here/debian/lintian-overrides.armhf" usr/share/lintian/overrides/skoip
else
	inst 0755 "$bin" usr/bin/skoip
fi
inst 0644 "$top/systemd/skoip.service" lib/systemd/system/skoip.service
inst 0644 "$top/systemd/skoip-network.service" lib/systemd/system/skoip-network.service
inst 0644 "$top/systemd/skoip.sysusers" usr/lib/sysusers.d/skoip.conf
inst 0644 "$top/systemd/skoip.tmpfiles" usr/lib/tmpfiles.d/skoip.conf
inst 0644 "$top/systemd/60-skoip-gpio.rules" lib/udev/rules.d/60-skoip-gpio.rules
for f in "$sounds"/*.wav; do inst 0644 "$f" "usr/share/skoip/sounds/${f##*/}"; done
inst 0644 "$here/sounds.txt" usr/share/doc/skoip/README.sounds
mkdir -p "$p/etc/skoip"
sh "$here/config.sh" "$top/config/skoip.toml" >"$p/etc/skoip/skoip.toml"
chmod 0644 "$p/etc/skoip/skoip.toml"
inst 0644 "$here/debian/copyright" usr/share/doc/skoip/copyright
mkdir -p "$p/usr/share/man/man1"
gzip -9n <"$here/skoip.1" >"$p/usr/share/man/man1/skoip.1.gz"
date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
printf 'skoip (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- SKOIP developers <skoip@skoip.invalid>  %s\n' \
	"$debversion" "$version" "$date" | gzip -9n >"$p/usr/share/doc/skoip/changelog.gz"
chmod 0644 "$p/usr/share/man/man1/skoip.1.gz" "$p/usr/share/doc/skoip/changelog.gz"

mkdir -p "$p/DEBIAN"
for s in postinst prerm postrm; do install -m 0755 "$here/debian/$s" "$p/DEBIAN/$s"; done
echo /etc/skoip/skoip.toml >"$p/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$p" | cut -f1)
armv6note=
[ -z "$armv6" ] || armv6note='
 .
 On the Raspberry Pi Zero, Zero W and Pi 1 (ARMv6) it runs a build without
 Opus (G.722 and G.711 only) and with half duplex instead of the echo
 canceller.'
cat >"$p/DEBIAN/control" <<CONTROL
Package: skoip
Version: $debversion
Architecture: $arch
Maintainer: SKOIP developers <skoip@skoip.invalid>
Installed-Size: $size
Depends: libc6 (>= 2.34), libasound2 (>= 1.0.16), systemd (>= 247)
Section: comm
Priority: optional
Homepage: https://github.com/skoip/skoip
Description: SIP door intercom for the Raspberry Pi
 SKOIP turns a Raspberry Pi with a USB microphone and speaker, buttons,
 LEDs and a door relay into a SIP door intercom. It calls a configured peer
 directly by IP or registers with a PBX, plays prompts from WAV files and
 opens the door when the inside unit sends the door code as DTMF.
 .
 It runs as the sandboxed systemd service skoip.service and reads its
 configuration from /boot/firmware/skoip.toml or /etc/skoip/skoip.toml.$armv6note
CONTROL
(cd "$p" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
	xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$p/DEBIAN/md5sums" "$p/DEBIAN/control" "$p/DEBIAN/conffiles"
find "$p" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$out"
deb="$out/skoip_${debversion}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$p" "$deb" >/dev/null
echo "$deb"
