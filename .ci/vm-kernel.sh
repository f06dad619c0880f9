#!/bin/sh
# vm-kernel.sh DIR: Debian's current arm64 kernel for the VM tests
# (internal/testsupport/armvm), without installing it. The package that
# linux-image-arm64:arm64 depends on is downloaded into a temporary
# directory and unpacked with dpkg -x; what the tests boot is kept in
# DIR/VERSION/ (50 MB for 6.1.0-57-arm64: a 33 MB kernel, 17 MB of modules):
#
#   vmlinuz, config                 the kernel and its configuration
#   lib/modules/VERSION/modules.dep the sound modules and their dependencies
#   lib/modules/VERSION/modules.builtin
#   lib/modules/VERSION/kernel/...  kernel/sound/** and what modules.dep says
#                                   those need (ledtrig-audio, usbcore, ...)
#
# Prints the absolute path of DIR/VERSION. Does nothing but print it when
# DIR/VERSION/vmlinuz exists (apt-cache still takes about 5 s to name the
# version). Needs the arm64 architecture in dpkg's list (`make deps` adds
# it), apt-get, dpkg and depmod. The download (60 MB) and unpacking take
# about 15 s.
set -eu
[ $# = 1 ] || { echo "usage: vm-kernel.sh DIR" >&2; exit 2; }
PATH=$PATH:/usr/sbin:/sbin
mkdir -p "$1"
dir=$(cd "$1" && pwd -P)

pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[^ :]*\).*/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "vm-kernel.sh: apt-cache does not know linux-image-arm64:arm64; add the architecture:" >&2
	echo "  sudo dpkg --add-architecture arm64 && sudo apt-get update" >&2
	exit 1
fi
ver=${pkg#linux-image-}
out=$dir/$ver
if [ -f "$out/vmlinuz" ]; then
	echo "$out"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "vm-kernel.sh: downloading $pkg:arm64" >&2
if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg:arm64" >&2); then
	# The mirror may have moved on since the last apt-get update.
	[ "$(id -u)" = 0 ] || { echo "vm-kernel.sh: apt-get download $pkg:arm64 failed; run apt-get update" >&2; exit 1; }
	apt-get update -q >&2 || true
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg:arm64" >&2)
fi
dpkg -x "$tmp"/linux-image-*.deb "$tmp/x"

# Debian 12 ships lib/modules, later releases usr/lib/modules; depmod
# reads BASE/lib/modules/VERSION.
mods=$tmp/x/lib/modules/$ver
[ -d "$mods" ] || mods=$tmp/x/usr/lib/modules/$ver
mkdir -p "$tmp/root/lib/modules"
mv "$mods" "$tmp/root/lib/modules/$ver"
mods=$tmp/root/lib/modules/$ver
[ -f "$mods/modules.dep" ] || depmod -b "$tmp/root" "$ver"

# The sound modules and everything they depend on: a line of modules.dep
# names all of a module's dependencies, not only the direct ones.
awk -F': *' '$1 ~ /^kernel\/sound\// { print $1; n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
	"$mods/modules.dep" | sort -u > "$tmp/keep"
[ -s "$tmp/keep" ] || { echo "vm-kernel.sh: no sound modules in $pkg" >&2; exit 1; }

stage=$dir/.$ver.$$
rm -rf "$stage"
mkdir -p "$stage/lib/modules/$ver"
cp "$tmp/x/boot/vmlinuz-$ver" "$stage/vmlinuz"
cp "$tmp/x/boot/config-$ver" "$stage/config"
(cd "$mods" && tar -cf - -T "$tmp/keep") | tar -C "$stage/lib/modules/$ver" -xf -
awk 'NR == FNR { keep[$0] = 1; next } { m = $1; sub(/:$/, "", m) } m in keep' \
	"$tmp/keep" "$mods/modules.dep" > "$stage/lib/modules/$ver/modules.dep"
cp "$mods/modules.builtin" "$stage/lib/modules/$ver/"

# DIR/VERSION appears whole or not at all; a concurrent run may have
# put it there first.
[ -f "$out/vmlinuz" ] || rm -rf "$out"
mv -T "$stage" "$out" 2>/dev/null || rm -rf "$stage"
[ -f "$out/vmlinuz" ] || { echo "vm-kernel.sh: $out/vmlinuz missing" >&2; exit 1; }
echo "$out"
