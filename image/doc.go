// Package sdimage holds the scripts that build the SKOIP .deb and the
// Raspberry Pi SD-card image, and their tests. The folder is image/; the
// package is named sdimage so as not to shadow the standard library's
// image. It has no Go API: every Go file but this one is a test, run by
// `go test ./image/` (make test, make image-test).
//
//   - deb.sh (with sounds.sh, sounds.txt, config.sh, debversion.sh, skoip.1
//     and debian/): `make deb`, one .deb each for arm64 and armhf.
//     TestDebVersion checks debversion.sh; TestPackagedConfigSounds checks
//     that config.sh points the packaged config at the WAVs sounds.sh makes.
//   - deb-test.sh: `make deb-test` (install, remove, purge in an arm64 chroot).
//   - lib.sh, root-image.sh, image.sh: `make image`.
//   - TestImage: `make image-test` boots the image in qemu-system-aarch64
//     and checks the service from the host, through the agent in
//     testdata/ (skoip-test-agent.sh on a virtio serial port); it runs only
//     when $SKOIP_IMAGE names an image.
package sdimage
