#!/bin/sh
# deb-test.sh SKOIP.deb: install, reinstall, remove and purge the .deb (arm64
# or armhf) in a Debian bookworm minbase chroot of its architecture (qemu-user) and check what each step
# leaves: the user and groups, the enabled unit, a config that the packaged
# binary accepts, and after purge no file of the package's anywhere. The armhf
# package is also run as on an ARMv7 CPU and on a Pi Zero's ARMv6 (armhf_cpus).
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

# armhf_cpus: /usr/bin/skoip runs the build that the CPU can execute. qemu-arm
# emulates the CPU that QEMU_CPU names, and its uname reports that CPU's
# architecture: armv7l for cortex-a7, armv6l for arm1176 (the Pi Zero's).
# Debian's armhf userland (dash, uname) is ARMv7 and dies on an arm1176 itself,
# where Raspberry Pi OS's is ARMv6; so the ARMv6 case runs the wrapper on the
# default CPU with a uname that answers armv6l, and what it picks on arm1176.
armhf_cpus() {
	mkdir -p "$r/tmp/armv6l"
	printf '#!/bin/sh\necho armv6l\n' >"$r/tmp/armv6l/uname"
	chmod 755 "$r/tmp/armv6l/uname"
	desc="armhf: two builds, /usr/bin/skoip a shell script"
	check sh -c 'test -x /usr/libexec/skoip/armv7/skoip && test -x /usr/libexec/skoip/armv6/skoip && head -1 /usr/bin/skoip | grep -qx "#!/bin/sh"'
	desc="ARMv7 (QEMU_CPU=cortex-a7): skoip runs the armv7 build"
	check sh -c 'v=$(QEMU_CPU=cortex-a7 /usr/bin/skoip version) && echo "$v" && case $v in *" linux/armv7") ;; *) exit 1 ;; esac'
	desc="ARMv7 (QEMU_CPU=cortex-a7): packaged config is valid"
	check env QEMU_CPU=cortex-a7 /usr/bin/skoip check-config /etc/skoip/skoip.toml
	desc="ARMv6 (uname armv6l): skoip picks the armv6 build"
	check sh -c 'v=$(PATH=/tmp/armv6l:$PATH /usr/bin/skoip version) && echo "$v" && case $v in *" linux/armv6") ;; *) exit 1 ;; esac'
	desc="ARMv6 (QEMU_CPU=arm1176): the armv6 build runs version"
	check env QEMU_CPU=arm1176 /usr/libexec/skoip/armv6/skoip version
	desc="ARMv6 (QEMU_CPU=arm1176): the armv6 build accepts the packaged config"
	check env QEMU_CPU=arm1176 /usr/libexec/skoip/armv6/skoip check-config /etc/skoip/skoip.toml
	desc="ARMv6 (QEMU_CPU=arm1176): the armv7 build dies with SIGILL (what the wrapper avoids)"
	check sh -c 'ulimit -c 0; QEMU_CPU=arm1176 /usr/libexec/skoip/armv7/skoip version; rc=$?; echo "exit $rc"; [ $rc = 132 ]'
	rm -r "$r/tmp/armv6l"
}

desc="apt-get install ./skoip.deb"; check apt-get install -y -q --no-install-recommends /tmp/skoip.deb
desc="user skoip exists, shell nologin"; check sh -c 'getent passwd skoip | grep -q ":/usr/sbin/nologin$"'
desc="skoip is in groups audio and gpio"; check sh -c 'id -nG skoip | tr " " "\n" | grep -qx audio && id -nG skoip | tr " " "\n" | grep -qx gpio'
desc="skoip.service enabled"; check test -L /etc/systemd/system/multi-user.target.wants/skoip.service
desc="skoip version runs"; check /usr/bin/skoip version
desc="packaged config is valid"; check /usr/bin/skoip check-config /etc/skoip/skoip.toml
desc="config points at shipped sounds"; check sh -c 'grep "^doorbell = " /etc/skoip/skoip.toml | grep -q /usr/share/skoip/sounds/doorbell.wav && test -s /usr/share/skoip/sounds/doorbell.wav'
desc="systemd-analyze verify (installed unit)"; check sh -c 'out=$(systemd-analyze verify /lib/systemd/system/skoip.service 2>&1); echo "$out"; [ -z "$out" ]'
[ "$ARCH" != armhf ] || armhf_cpus
desc="reinstall (upgrade path)"; check dpkg -i /tmp/skoip.deb
desc="apt-get remove"; check apt-get remove -y -q skoip
desc="binary gone after remove"; check sh -c 'test ! -e /usr/bin/skoip && test ! -e /usr/libexec/skoip'
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
