// Package image holds the scripts that build the SKOIP .deb and the
// Raspberry Pi SD-card image, and their tests. It has no Go API: the Go
// files are tests.
//
//   - deb.sh, sounds.sh, config.sh, debversion.sh: `make deb`.
//   - deb-test.sh: `make deb-test` (install, remove, purge in an arm64 chroot).
//   - lib.sh, root-image.sh, image.sh: `make image`.
//   - TestImage: `make image-test` boots the image in qemu-system-aarch64
//     and checks the service from the host; it runs only when $SKOIP_IMAGE
//     names an image.
package image
