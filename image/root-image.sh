#!/bin/sh
# root-image.sh ROOT: turn a minbase Debian arm64 root (debootstrap'd, API
# file systems mounted, services blocked by policy-rc.d) into the base of
# the SKOIP SD-card image: Raspberry Pi firmware, Debian's arm64 kernel with
# a small initramfs, networking (wired, and Wi-Fi's wpa_supplicant and
# firmware), RAUC for the A/B updates. The .deb is installed later (image.sh), so
# this stage is cached by lib.sh's cached_root.
set -eu
r=$1
run() { chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

# The initramfs only needs to find the root file system: on the Pi's SD card
# (Pi 3: bcm2835 sdhost / sdhci-iproc, Pi 4: sdhci-iproc and its regulators) or on a virtio disk
# (the QEMU test). MODULES=list keeps it small and quick to build under
# qemu-user (MODULES=most took about 12 minutes).
mkdir -p "$r/etc/initramfs-tools/conf.d"
printf 'MODULES=list\nCOMPRESS=zstd\n' >"$r/etc/initramfs-tools/conf.d/skoip.conf"
cat >"$r/etc/initramfs-tools/modules" <<'MODS'
# Modules of the SKOIP initramfs (MODULES=list): SD card on the Pi, virtio in QEMU.
ext4
crc32c_generic
mmc_block
sdhci_iproc
sdhci_pltfm
bcm2835
# The Pi 4's SD card slot waits for these regulators (regulator-fixed, regulator-gpio).
fixed
gpio_regulator
virtio_pci
virtio_blk
MODS

# raspi-firmware writes cmdline.txt and config.txt from this when the kernel
# is installed: root by label (the same on the Pi and in QEMU).
cat >"$r/etc/default/raspi-firmware" <<'CONF'
ROOTPART=LABEL=SKOIPROOT
CONSOLES="auto"
CONF
mkdir -p "$r/boot/firmware"

run apt-get update -q
# systemd-resolved fails to configure inside debootstrap; it is installed here.
# --force-confold keeps the /etc/default/raspi-firmware written above.
# Wi-Fi: wpa_supplicant and the firmware of the Pi's Broadcom/Cypress radio
# (non-free-firmware, in the root's sources.list: lib.sh).
run apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold \
	linux-image-arm64 raspi-firmware systemd-resolved wpasupplicant firmware-brcm80211 \
	rauc rauc-service fdisk
run apt-get clean
# The partitions (fstab), the A/B slots and the read-only root are set up by
# image.sh: they change more often than this cached stage.
echo skoip >"$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tskoip\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"

# Networking: DHCP on every wired interface, names resolved by resolved.
mkdir -p "$r/etc/systemd/network"
cat >"$r/etc/systemd/network/20-wired.network" <<'NET'
[Match]
Name=e*

[Network]
DHCP=yes
NET
run systemctl enable systemd-networkd systemd-resolved systemd-timesyncd
# The wired file above is the fallback: skoip-network.service (from the .deb)
# writes /run/systemd/network/10-skoip-*.network at each boot from skoip.toml,
# which sort first and win; without them (a bad skoip.toml) the cable still
# gets DHCP.
# Wi-Fi: wpa_supplicant@wlan0 reads the file skoip-network.service writes in
# /run, only when it wrote one (Wi-Fi configured), and is started by the
# wlan0 device itself (what `systemctl enable` would do, but tied to the
# device: a Pi without Wi-Fi, or QEMU, does not wait 90 s for a wlan0 that
# never comes). The D-Bus wpa_supplicant.service is for NetworkManager: off.
run systemctl disable wpa_supplicant.service
mkdir -p "$r/etc/systemd/system/wpa_supplicant@wlan0.service.d" \
	"$r/etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants"
cat >"$r/etc/systemd/system/wpa_supplicant@wlan0.service.d/skoip.conf" <<'WPA'
[Unit]
ConditionPathExists=/run/wpa_supplicant/wpa_supplicant-%I.conf
After=skoip-network.service

[Service]
ExecStart=
ExecStart=/sbin/wpa_supplicant -c/run/wpa_supplicant/wpa_supplicant-%I.conf -i%I
WPA
ln -sf /lib/systemd/system/wpa_supplicant@.service \
	"$r/etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants/wpa_supplicant@wlan0.service"
# network-online.target: wait for one interface, not for every one.
mkdir -p "$r/etc/systemd/system/systemd-networkd-wait-online.service.d"
cat >"$r/etc/systemd/system/systemd-networkd-wait-online.service.d/skoip.conf" <<'WAIT'
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=60
WAIT
# No password anywhere: root is locked; the serial console shows the boot.
run passwd -l root
