// Package armvm runs test programs on a real Linux kernel for arm64: a
// test hands Run a Spec, and Run boots Debian's arm64 kernel in
// qemu-system-aarch64 (software emulation, no KVM) with a small
// initramfs, loads the kernel modules the spec names, runs its commands
// and returns their exit statuses, their output and the files they wrote.
// It is for code that talks to the kernel directly, such as ALSA's PCM
// ioctls on /dev/snd/pcmC*D*, which neither the host's kernel (no sound
// card, the wrong architecture) nor qemu-user (which passes ioctls to
// the host's kernel) can test:
//
//	func TestPCM(t *testing.T) {
//		armvm.Need(t) // skip before building anything
//		bin := armvm.BuildGo(t, "./testdata/pcmcheck", "arm", "7") // or a package's tests
//		res := armvm.Run(t, armvm.Spec{
//			Modules:  []armvm.Module{{Name: "snd-aloop", Params: "index=0 pcm_substreams=2"}},
//			WaitFor:  []string{"/dev/snd/pcmC0D0p"},
//			Files:    []armvm.File{{Host: bin, VM: "/bin/pcmcheck"}},
//			Commands: []armvm.Command{{Name: "pcm", Args: []string{"/bin/pcmcheck", "-v"}}},
//		})
//		if c := res.Commands["pcm"]; c.Exit != 0 {
//			t.Errorf("pcmcheck: exit %d %s\n%s", c.Exit, c.Error, c.Output)
//		}
//	}
//
// # The VM
//
// QEMU runs as
//
//	qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 1024 -nographic -nodefaults
//	  -serial stdio -no-reboot -kernel vmlinuz -initrd initramfs.cpio
//	  -append "console=ttyAMA0 panic=-1 rdinit=/init quiet" [Spec.QEMUArgs...]
//
// The cortex-a72 runs 32-bit ARM programs at EL0, so a program built
// with GOARCH=arm (GOARM=6 or 7) runs through the kernel's compat layer
// beside arm64 ones; uname reports "aarch64" to both. There is no disk,
// network or shell: the initramfs (a newc cpio written by cpio.go) holds
// /init (vminit), the modules to load, the spec's files and the spec.
// Sound cards: snd-aloop (the loopback, no device needed) and, with
// QEMUArgs "-device intel-hda -device hda-duplex,audiodev=snd0 -audiodev
// wav,id=snd0,path=FILE", an HDA card through snd-hda-intel with the
// snd-hda-codec-generic module loaded first (there is no modprobe in the
// VM to load the codec driver on demand). With 6.1.0-57-arm64 on a busy
// two-core x86 host, QEMU's start to the first command takes 5 to 11 s
// (longer with the HDA card), and a VM that runs a few short commands
// powers off 1 to 4 s later. Each Run builds the initramfs in the test's
// temporary directory; vminit and BuildGo's binaries are built once per
// test binary.
//
// # vminit
//
// The VM's PID 1 (package vminit, built for arm64 by Run) mounts proc,
// sysfs, devtmpfs on /dev and a tmpfs on /tmp; loads the modules with
// finit_module(2) in the order Run resolved from modules.dep (each
// dependency once, before what needs it); waits up to Spec.Wait for the
// paths in Spec.WaitFor; runs each command with its arguments, its
// environment, stdin from /dev/null and stdout and stderr on the
// console, killing it at its timeout; and powers off. A module that does
// not load or a path that does not appear stops it: no command runs, the
// VM powers off and Run fails the test with the console's end. Each
// command gets an empty directory in $ARMVM_OUT (on the tmpfs); after it
// ends, what it wrote there comes back in CommandResult.Files (at most
// 4 MiB a file; the console carries about 120 KB of a file per second).
//
// # The console
//
// vminit reports on the serial console, in lines that start with
// "armvm: " among the kernel's messages (which "quiet" keeps to errors):
//
//	armvm: module snd_aloop ok
//	armvm: wait /dev/snd/pcmC0D0p ok
//	armvm: begin NAME
//	... the command's output ...
//	armvm: end NAME exit=0
//	armvm: file NAME SIZE SHA256 PATH
//	armvm: data BASE64 (lines of at most 1024 characters)
//	armvm: endfile
//	armvm: error module snd_aloop: finit_module ...: invalid argument
//	armvm: done
//
// A command that does not exit by itself ends with "exit=-1 error=timeout
// after 1m0s" or "exit=-1 error=signal: segmentation fault"; one that cannot start
// with "exit=-1 error=fork/exec ...". Result.Console is the whole console.
//
// # The kernel
//
// `make vm-kernel` (a prerequisite of `make gotest`) runs
// .ci/vm-kernel.sh, which downloads the package that Debian's
// linux-image-arm64:arm64 depends on (linux-image-6.1.0-57-arm64 on
// bookworm) without installing it and keeps the kernel, its config and
// its sound modules with their dependencies in
// $SKOIP_CACHE/vm-kernel/VERSION (50 MB); `make gotest` passes that
// directory to the tests as SKOIP_VM_KERNEL. Without it, or without
// qemu-system-aarch64 (Debian package qemu-system-arm), the tests skip,
// saying what to do; with CI set they fail instead. By hand, from the
// repository's root:
//
//	make vm-kernel
//	SKOIP_VM_KERNEL=$(.ci/vm-kernel.sh /var/cache/skoip-test/vm-kernel) go test ./internal/testsupport/armvm/
package armvm
