//go:build linux

// Command vminit is PID 1 in the VMs that package armvm boots. It mounts
// proc, sysfs, devtmpfs and a tmpfs on /tmp, reads the spec that the
// harness put at wire.SpecPath, loads its modules, waits for its device
// nodes, runs its commands one after the other, hands back what each
// wrote into its output directory, and powers the VM off. Everything it
// reports is a marker line on the console (package wire); on any error it
// prints the error and still powers off.
//
// The harness builds it with CGO_ENABLED=0 GOOS=linux GOARCH=arm64.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
	"golang.org/x/sys/unix"
)

// defaultWait bounds the wait for device nodes when the spec gives none.
const defaultWait = 5 * time.Second

func main() {
	err := run(context.Background(), os.Stdout)
	if err != nil {
		mark(os.Stdout, wire.MarkError, err.Error())
	}
	mark(os.Stdout, wire.MarkDone)
	unix.Sync()
	err = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	// Returning from PID 1 panics the kernel, which (panic=-1 and QEMU's
	// -no-reboot) also ends the VM.
	mark(os.Stdout, wire.MarkError, fmt.Sprintf("reboot: %v", err))
}

func run(ctx context.Context, console io.Writer) error {
	if err := mountAll(); err != nil {
		return err
	}
	spec, err := readSpec(wire.SpecPath)
	if err != nil {
		return err
	}
	for _, m := range spec.Modules {
		if err := loadModule(m); err != nil {
			return fmt.Errorf("%s %s: %w", wire.MarkModule, m.Name, err)
		}
		mark(console, wire.MarkModule, m.Name, "ok")
	}
	wait := spec.Wait
	if wait <= 0 {
		wait = defaultWait
	}
	deadline := time.Now().Add(wait)
	for _, p := range spec.WaitFor {
		if err := waitFor(p, deadline); err != nil {
			return fmt.Errorf("%s %s: %w", wire.MarkWait, p, err)
		}
		mark(console, wire.MarkWait, p, "ok")
	}
	for _, c := range spec.Commands {
		if err := runCommand(ctx, console, c, outRoot); err != nil {
			return err
		}
	}
	return nil
}

// mark prints one marker line.
func mark(w io.Writer, keyword string, fields ...string) {
	line := wire.Prefix + keyword
	for _, f := range fields {
		line += " " + f
	}
	_, _ = io.WriteString(w, line+"\n")
}

// mountAll mounts what the commands expect; the initramfs holds the
// mount points.
func mountAll() error {
	for _, m := range []struct{ fstype, dir string }{
		{"proc", "/proc"}, {"sysfs", "/sys"}, {"devtmpfs", "/dev"}, {"tmpfs", "/tmp"},
	} {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.fstype, m.dir, m.fstype, 0, ""); err != nil && err != unix.EBUSY {
			return fmt.Errorf("mount %s on %s: %w", m.fstype, m.dir, err)
		}
	}
	return reopenConsole()
}

// reopenConsole makes sure that stdin, stdout and stderr are the console:
// the kernel opens them for PID 1 only if the initramfs holds /dev/console.
func reopenConsole() error {
	fd, err := unix.Open("/dev/console", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/console: %w", err)
	}
	defer unix.Close(fd)
	for target := range 3 {
		if err := unix.Dup3(fd, target, 0); err != nil {
			return fmt.Errorf("dup /dev/console: %w", err)
		}
	}
	return nil
}

func readSpec(path string) (wire.Spec, error) {
	var s wire.Spec
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
