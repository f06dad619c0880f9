#!/bin/sh
# deb-test.sh SKOIP.deb: install, reinstall, remove and purge the .deb (arm64
# or armhf) in a Debian bookworm minbase chroot of its architecture (qemu-user) and check what each step
# leaves: the user and groups, the enabled unit, a config that the packaged
# binary accepts, and after purge no file of the package's anywhere.
# The chroot is cached in $SKOIP_CACHE (first run: about 4 minutes).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# = 1 ] && [ -f "$1" ] || die "usage: deb-test.sh SKOIP.deb"
need_root
binfmt_arm
ARCH=$(dpkg-deb -f "$1" Architecture)
start=$(date +%s)
tar=$(cached_root debtest systemd,libasound2 "")
r=$(mktemp -d "$SKOIP_CACHE/debtest.XXXXXX")
trap 'chroot_umount "$r"; rm -rf "$r"' EXIT
unpack_root "$tar" "$r"
chroot_mount "$r"
no_daemons "$r"
cp "$1" "$r/tmp/skoip.deb"
fails=0
check() { # check DESCRIPTION CMD...: run CMD in the chroot, count a failure
	if in_root "$r" "$@" >"$r/tmp/out" 2>&1; then
		log "ok: $desc"
	else
		log "FAIL: $desc"; sed 's/^/    /' "$r/tmp/out" >&2; fails=$((fails + 1))
	fi
}
# snapshot: every path outside the volatile trees, to compare after purge.
snapshot() {
	(cd "$r" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
		-o -path ./tmp -o -path ./var/cache -o -path ./var/log -o -path ./var/lib/dpkg \
		-o -path ./var/lib/apt \) -prune -o -print | LC_ALL=C sort)
}
snapshot >"$r/tmp/before"

desc="apt-get install ./skoip.deb"; check apt-get install -y -q --no-install-recommends /tmp/skoip.deb
desc="user skoip exists, shell nologin"; check sh -c 'getent passwd skoip | grep -q ":/usr/sbin/nologin$"'
desc="skoip is in groups audio and gpio"; check sh -c 'id -nG skoip | tr " " "\n" | grep -qx audio && id -nG skoip | tr " " "\n" | grep -qx gpio'
desc="skoip.service enabled"; check test -L /etc/systemd/system/multi-user.target.wants/skoip.service
desc="skoip version runs"; check /usr/bin/skoip version
desc="packaged config is valid"; check /usr/bin/skoip check-config /etc/skoip/skoip.toml
desc="config points at shipped sounds"; check sh -c 'grep "^doorbell = " /etc/skoip/skoip.toml | grep -q /usr/share/skoip/sounds/doorbell.wav && test -s /usr/share/skoip/sounds/doorbell.wav'
desc="systemd-analyze verify (installed unit)"; check sh -c 'out=$(systemd-analyze verify /lib/systemd/system/skoip.service 2>&1); echo "$out"; [ -z "$out" ]'
desc="reinstall (upgrade path)"; check dpkg -i /tmp/skoip.deb
desc="apt-get remove"; check apt-get remove -y -q skoip
desc="binary gone after remove"; check test ! -e /usr/bin/skoip
desc="conffile kept after remove"; check test -f /etc/skoip/skoip.toml
desc="dpkg --purge"; check dpkg --purge skoip
desc="dpkg forgot the package"; check sh -c '! dpkg -s skoip 2>/dev/null'
snapshot >"$r/tmp/after"
# The user and the gpio group stay on purge (see postrm): ignore their databases.
left=$(LC_ALL=C comm -13 "$r/tmp/before" "$r/tmp/after" | grep -Ev '^\./etc/(passwd|group|shadow|gshadow)-?$' || true)
gone=$(LC_ALL=C comm -23 "$r/tmp/before" "$r/tmp/after" || true)
if [ -n "$left$gone" ]; then
	log "FAIL: purge left files behind or removed others:"; echo "$left" "$gone" | sed 's/^/    /' >&2
	fails=$((fails + 1))
else
	log "ok: purge left no file behind"
fi
log "deb-test: $fails failure(s) in $(($(date +%s) - start)) s"
[ "$fails" = 0 ]
