// Package abboot chooses which of the SD card's two root file systems,
// slot A (partition 2) and slot B (partition 3), the Raspberry Pi firmware
// boots, and implements RAUC's "custom" boot-loader interface on it
// (`skoip slot get-primary | set-primary | get-state | set-state`).
//
// Everything lives on the FAT boot partition (Dir, /boot/firmware):
//
//   - config.txt holds the committed slot as its one `os_prefix=a/` (or
//     `b/`) line: the firmware loads the kernel, initramfs, device trees and
//     overlays from that folder, whose cmdline.txt names the slot's root
//     partition (root=PARTUUID=<disk>-02 or -03) and `rauc.slot=A` (or B).
//   - tryboot.txt is config.txt with the other prefix. On a Pi 4, 400, 5 or
//     CM4 (ModeTryboot) a reboot with the argument "0 tryboot" makes the
//     firmware read it instead of config.txt, once: any later reset (a
//     crash, the watchdog, a power cut, the confirmation's deadline) boots
//     config.txt's slot again.
//   - skoip-try.txt records the slot being tried: one line
//     "to=B from=A boots=N". It exists from set-primary of the other slot
//     until that slot is confirmed (set-state good while booted from it)
//     or given up.
//
// Boards whose firmware has no tryboot (Pi 3, Zero 2 W, 2, 1: ModeCounter)
// get config.txt switched at once and skoip-try.txt counts the boots of
// the new slot: the second boot of a slot that was never confirmed switches
// config.txt back and reboots (BootCheck). A kernel of the new slot that
// cannot reach user space at all is therefore only recovered with tryboot.
//
// Every write is a whole file replaced by a synced temporary file and a
// rename, in an order that leaves a consistent pair after a power cut at
// any point: skoip-try.txt is written before config.txt is switched to the
// new slot and removed after config.txt is switched to its final value.
package abboot
