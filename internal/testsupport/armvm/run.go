package armvm

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// QEMU is the emulator that Run starts (Debian package qemu-system-arm).
const QEMU = "qemu-system-aarch64"

const (
	defaultTimeout = 3 * time.Minute
	// deadlineMargin is left of the test's deadline to report a VM that
	// did not finish.
	deadlineMargin = 10 * time.Second
	// maxConsole bounds what Run keeps of the console; the rest is
	// dropped (a command that prints without end).
	maxConsole = 64 << 20
	vminitPkg  = "github.com/skoip/skoip/internal/testsupport/armvm/vminit"
)

// Need skips the test when there is no VM to boot (QEMU or the kernel
// missing), naming what to install; under CI (the variable CI set) it
// fails it instead, since make test installs both. Run calls it; call it
// first to skip before building anything.
func Need(t testing.TB) {
	t.Helper()
	need(t)
}

func need(t testing.TB) *kernel {
	t.Helper()
	missing := func(what, fix string) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (%s)", what, fix)
		}
		t.Skipf("%s: %s", what, fix)
	}
	if _, err := exec.LookPath(QEMU); err != nil {
		missing(QEMU+" not installed", "apt-get install -y --no-install-recommends qemu-system-arm")
	}
	dir := os.Getenv(KernelEnv)
	if dir == "" {
		cache := os.Getenv("SKOIP_CACHE")
		if cache == "" {
			cache = "/var/cache/skoip-test"
		}
		missing(KernelEnv+" not set", fmt.Sprintf("make gotest sets it; or run `make vm-kernel` and "+
			"export %s=$(.ci/vm-kernel.sh %s/vm-kernel) in the repository's root", KernelEnv, cache))
	}
	k, err := openKernel(dir)
	if err != nil {
		t.Fatalf("%s=%s: %v (expected the directory that .ci/vm-kernel.sh prints)", KernelEnv, dir, err)
	}
	return k
}

// Run boots the kernel in QEMU with an initramfs made from spec, waits
// for the VM to power off and returns what it reported. It fails the
// test if the VM could not be set up, if vminit reported an error (a
// module that did not load, a device node that did not appear) or if the
// VM did not power off in time; a command's failure is only reported, in
// its CommandResult. See the package comment.
func Run(t testing.TB, spec Spec) Result {
	t.Helper()
	res, err := run(t, spec)
	if err != nil {
		t.Fatalf("armvm: %v\n%s", err, tail(res.Console))
	}
	return res
}

// run is Run, but returns what went wrong in the VM (in the console, the
// markers or QEMU's exit) as an error, with what the VM reported.
func run(t testing.TB, spec Spec) (Result, error) {
	t.Helper()
	k, initrd := prepare(t, spec)
	timeout := vmTimeout(t, spec)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	con, qerr := boot(ctx, k, initrd, spec.QEMUArgs)
	res := Result{Console: strings.ReplaceAll(con.buf.String(), "\r", ""), Boot: con.boot}
	if res.Boot > 0 {
		t.Logf("armvm: %s booted in %v (QEMU's start to the first command); the VM ran %v",
			k.version, res.Boot.Round(time.Millisecond), con.total.Round(time.Millisecond))
	} else {
		t.Logf("armvm: %s: no command began; the VM ran %v", k.version, con.total.Round(time.Millisecond))
	}
	cmds, perr := parseConsole(res.Console)
	res.Commands = cmds
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("the VM did not power off within %v", timeout)
	case qerr != nil:
		return res, qerr
	case perr != nil:
		return res, perr
	}
	for _, c := range spec.Commands {
		if _, ok := cmds[c.Name]; !ok {
			return res, fmt.Errorf("command %s did not run", c.Name)
		}
	}
	return res, nil
}

// prepare finds the kernel and writes the initramfs for spec into the
// test's temporary directory.
func prepare(t testing.TB, spec Spec) (*kernel, string) {
	t.Helper()
	k := need(t)
	if err := checkSpec(spec); err != nil {
		t.Fatalf("armvm: %v", err)
	}
	mods, err := k.resolve(spec.Modules)
	if err != nil {
		t.Fatalf("armvm: %v", err)
	}
	vminit := BuildGo(t, vminitPkg, "arm64", "")
	initrd := filepath.Join(t.TempDir(), "initramfs.cpio")
	if err := writeInitramfs(initrd, vminit, k, mods, spec); err != nil {
		t.Fatalf("armvm: initramfs: %v", err)
	}
	return k, initrd
}

// vmTimeout is spec's timeout, ended early enough to report before the
// test's deadline.
func vmTimeout(t testing.TB, spec Spec) time.Duration {
	timeout := spec.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			timeout = min(timeout, time.Until(dl)-deadlineMargin)
		}
	}
	return timeout
}

// boot runs QEMU until the VM powers off (or ctx ends).
func boot(ctx context.Context, k *kernel, initrd string, extra []string) (*consoleWriter, error) {
	args := []string{
		"-M", "virt", "-cpu", "cortex-a72", "-smp", "2", "-m", "1024",
		"-nographic", "-nodefaults", "-serial", "stdio", "-no-reboot",
		"-kernel", k.vmlinuz, "-initrd", initrd,
		"-append", "console=ttyAMA0 panic=-1 rdinit=/init quiet",
	}
	cmd := exec.CommandContext(ctx, QEMU, append(args, extra...)...)
	con := &consoleWriter{start: time.Now()}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = con, &limitedBuffer{b: &stderr, max: 64 << 10}
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	con.total = time.Since(con.start)
	if err != nil {
		err = fmt.Errorf("%s: %w\n%s", QEMU, err, stderr.Bytes())
	}
	return con, err
}

// consoleWriter keeps the console (up to maxConsole) and notes when the
// first command began.
type consoleWriter struct {
	buf   bytes.Buffer
	start time.Time
	boot  time.Duration // 0 until the first begin marker
	total time.Duration
	seen  int // bytes of buf searched for the begin marker
}

var beginMarker = []byte(wire.Prefix + wire.MarkBegin + " ")

func (c *consoleWriter) Write(p []byte) (int, error) {
	n := min(len(p), maxConsole-c.buf.Len())
	c.buf.Write(p[:n])
	if c.boot == 0 {
		if bytes.Contains(c.buf.Bytes()[c.seen:], beginMarker) {
			c.boot = time.Since(c.start)
		}
		c.seen = max(0, c.buf.Len()-len(beginMarker))
	}
	return len(p), nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b.Write(p[:min(len(p), max(0, l.max-l.b.Len()))])
	return len(p), nil
}

// tail is the end of the console, for a failure message.
func tail(console string) string {
	lines := strings.Split(strings.TrimRight(console, "\n"), "\n")
	if len(lines) > 60 {
		lines = append([]string{"..."}, lines[len(lines)-60:]...)
	}
	return "console:\n" + strings.Join(lines, "\n")
}
