// Package sdimage holds the scripts that build the SKOIP .deb and the
// Raspberry Pi SD-card image, and their tests. The folder is image/; the
// package is named sdimage so as not to shadow the standard library's
// image. It has no Go API: every Go file but this one is a test, run by
// `go test ./image/` (make test, make image-test).
//
//   - deb.sh (with sounds.sh, sounds.txt, config.sh, debversion.sh, skoip.1
//     and debian/): `make deb`, one .deb each for arm64 and armhf.
//     TestDebVersion checks debversion.sh; TestPackagedConfigSounds checks
//     that config.sh points the packaged config at the WAVs sounds.sh makes;
//     the armhf_test.go tests run debian/skoip-armhf (the armhf package's
//     /usr/bin/skoip) with a fake uname to check which build it picks.
//   - deb-test.sh: `make deb-test` (install, remove, purge in an arm64 and an
//     armhf chroot; the armhf package's choice of build as on an ARMv7 and an
//     ARMv6 CPU).
//   - lib.sh, root-image.sh, image.sh: `make image`; bundle.sh: `make
//     bundle` (a signed RAUC update bundle of the same root). ab/ holds what
//     the A/B image adds to the root: the units skoip-slot-check,
//     skoip-slot-confirm and skoip-firstboot, the first-boot script, RAUC's
//     system.conf and boot-loader backend (which runs `skoip slot`), the
//     bundle's hook and the journald drop-in.
//   - TestImage: `make image-test` boots the image in qemu-system-aarch64
//     and checks the service from the host, through the agent in
//     testdata/ (skoip-test-agent.sh on a virtio serial port); it runs only
//     when $SKOIP_IMAGE names an image ($SKOIP_BUNDLE the bundle of the
//     same build). machine_test.go is the board: a model of the Pi
//     firmware's choice of slot (config.txt, or tryboot.txt after a reboot
//     with "0 tryboot", read from the kernel's last console line) and QEMU
//     with -no-reboot, so that every reboot is a new power-on;
//     update_test.go installs good and bad bundles served over HTTP on
//     127.0.0.1; powercut_test.go kills QEMU at random moments and checks
//     the file systems from the host (e2fsck after a journal replay on a
//     copy, fsck.fat).
package sdimage
