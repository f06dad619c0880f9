package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/abboot"
)

// The tests in this file replace cmdRunner: none of them runs in parallel.

const (
	slotConfig = "# SKOIP SD-card image\n[all]\narm_64bit=1\nkernel=vmlinuz\ninitramfs initrd.img followkernel\nos_prefix=a/\ndtoverlay=vc4-kms-v3d\n"
	pi4        = "Raspberry Pi 4 Model B Rev 1.4\x00"
	pi3        = "Raspberry Pi 3 Model B Plus Rev 1.3\x00"
)

// slotRig is a boot partition, a kernel command line and a device-tree
// model in a temporary folder.
type slotRig struct {
	t                                 *testing.T
	boot, cmdline, model, sock, state string
}

func newSlotRig(t *testing.T, current abboot.Slot, model string) *slotRig {
	dir := t.TempDir()
	r := &slotRig{t: t, boot: filepath.Join(dir, "boot"), cmdline: filepath.Join(dir, "cmdline"),
		model: filepath.Join(dir, "model"), sock: filepath.Join(dir, "none.sock"), state: filepath.Join(dir, "state")}
	if err := os.Mkdir(r.state, 0o750); err != nil {
		t.Fatal(err)
	}
	r.write(filepath.Join(r.boot, abboot.ConfigFile), slotConfig)
	r.write(r.cmdline, fmt.Sprintf("console=tty1 root=PARTUUID=1234abcd-0%d rootwait rauc.slot=%s\n", current.Partition(), current))
	if model != "" {
		r.write(r.model, model)
	}
	return r
}

func (r *slotRig) write(path, data string) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// read is a file of the boot partition, "" when it is absent.
func (r *slotRig) read(name string) string {
	data, err := os.ReadFile(filepath.Join(r.boot, name))
	if err != nil && !os.IsNotExist(err) {
		r.t.Fatal(err)
	}
	return string(data)
}

func (r *slotRig) prefix() string {
	r.t.Helper()
	for _, l := range strings.Split(r.read(abboot.ConfigFile), "\n") {
		if v, ok := strings.CutPrefix(l, "os_prefix="); ok {
			return v
		}
	}
	r.t.Fatalf("no os_prefix in config.txt:\n%s", r.read(abboot.ConfigFile))
	return ""
}

func (r *slotRig) run(args ...string) (int, string, string) {
	r.t.Helper()
	all := append([]string{"slot", "--boot", r.boot, "--cmdline", r.cmdline, "--model", r.model, "--socket", r.sock,
		"--state", r.state}, args...)
	return runCLI(r.t, context.Background(), all...)
}

// mustRun runs the command and fails unless it exits 0.
func (r *slotRig) mustRun(args ...string) string {
	r.t.Helper()
	code, out, errs := r.run(args...)
	if code != 0 {
		r.t.Fatalf("slot %q: exit %d: %s", args, code, errs)
	}
	return out
}

// fakeRunner records the programs cmdRunner is asked to run.
type fakeRunner struct {
	mu    sync.Mutex
	calls []string
	err   error
	say   string // written to the command's stderr
	out   string // written to the command's stdout
}

func replaceRunner(t *testing.T) *fakeRunner {
	f := &fakeRunner{}
	old := cmdRunner
	t.Cleanup(func() { cmdRunner = old })
	cmdRunner = func(_ context.Context, e *env, name string, args ...string) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, strings.Join(append([]string{name}, args...), " "))
		fmt.Fprint(e.stdout, f.out)
		fmt.Fprint(e.stderr, f.say)
		return f.err
	}
	return f
}

// failure is the recorded failed update's fault, nil for none.
func (r *slotRig) failure() error { return updateFailure(r.state) }

func (f *fakeRunner) ran() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func TestSlotRAUCInterface(t *testing.T) {
	replaceRunner(t)
	r := newSlotRig(t, abboot.A, pi4)
	for _, step := range []struct {
		args []string
		out  string
	}{
		{[]string{"get-primary"}, "A\n"},
		{[]string{"get-state", "A"}, "good\n"},
		{[]string{"get-state", "B"}, "bad\n"},
		{[]string{"status"}, "booted A, committed A, trying none, mode tryboot\n"},
		{[]string{"set-primary", "b"}, ""},
		{[]string{"get-primary"}, "B\n"},
		{[]string{"get-state", "b"}, "good\n"},
		{[]string{"get-state", "A"}, "good\n"},
		{[]string{"status"}, "booted A, committed A, trying slot B (from A, 0 boot(s)), mode tryboot\n"},
		{[]string{"set-state", "B", "good"}, ""}, // not booted from B: nothing
		{[]string{"get-primary"}, "B\n"},
		{[]string{"set-state", "B", "bad"}, ""},
		{[]string{"get-primary"}, "A\n"},
		{[]string{"get-state", "B"}, "bad\n"},
		{[]string{"status"}, "booted A, committed A, trying none, mode tryboot\n"},
	} {
		code, out, errs := r.run(step.args...)
		if code != 0 || out != step.out || errs != "" {
			t.Errorf("slot %q: exit %d, stdout %q, stderr %q; want 0, %q", step.args, code, out, errs, step.out)
		}
	}
	if r.read(abboot.ConfigFile) != slotConfig || r.read(abboot.TryFile) != "" || r.read(abboot.TrybootFile) != "" {
		t.Errorf("boot partition not back as it was: config %q, try %q", r.read(abboot.ConfigFile), r.read(abboot.TryFile))
	}
}

func TestSlotStatusModes(t *testing.T) {
	replaceRunner(t)
	r := newSlotRig(t, abboot.B, pi3)
	r.write(filepath.Join(r.boot, abboot.ConfigFile), strings.Replace(slotConfig, "os_prefix=a/", "os_prefix=b/", 1))
	r.write(filepath.Join(r.boot, abboot.TryFile), "to=B from=A boots=1\n")
	if out := r.mustRun("status"); out != "booted B, committed B, trying slot B (from A, 1 boot(s)), mode counter\n" {
		t.Errorf("Pi 3: %q", out)
	}
	os.Remove(r.model) // not a Pi: tryboot
	if out := r.mustRun("status"); !strings.HasSuffix(out, ", mode tryboot\n") {
		t.Errorf("no model: %q", out)
	}
}

func TestSlotUsageErrors(t *testing.T) {
	run := replaceRunner(t)
	r := newSlotRig(t, abboot.A, pi4)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"--no-such-flag", "status"},
		{"status", "extra"},
		{"get-primary", "A"},
		{"set-primary"},
		{"set-primary", "A", "B"},
		{"set-primary", "C"},
		{"get-state"},
		{"get-state", "C"},
		{"set-state", "B"},
		{"set-state", "X", "maybe"},
		{"set-state", "B", "maybe"},
		{"set-state", "B", "Good"},
		{"boot-check", "now"},
		{"install-boot", "dir"},
		{"install-boot", "dir", "C"},
	} {
		// A flag error prints the usage to stdout: only the exit code
		// and the message matter.
		code, _, errs := r.run(args...)
		if code != exitUsage || !strings.Contains(errs, "skoip slot: usage: ") {
			t.Errorf("slot %q: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
	if r.read(abboot.ConfigFile) != slotConfig || r.read(abboot.TryFile) != "" || r.read(abboot.TrybootFile) != "" {
		t.Error("a usage error changed the boot partition")
	}
	if calls := run.ran(); len(calls) != 0 {
		t.Errorf("usage errors ran %q", calls)
	}
	if code, out, _ := r.run("--help"); code != 0 || !strings.Contains(out, "set-state A|B good|bad") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}

// Not an A/B system, or a broken config.txt: exit 1 and a message.
func TestSlotRuntimeErrors(t *testing.T) {
	replaceRunner(t)
	r := newSlotRig(t, abboot.A, pi4)
	r.write(r.cmdline, "console=tty1 root=/dev/mmcblk0p2 rootwait\n")
	if code, _, errs := r.run("status"); code != exitFailure || !strings.Contains(errs, "rauc.slot") {
		t.Errorf("no rauc.slot: exit %d, %q", code, errs)
	}
	r = newSlotRig(t, abboot.A, pi4)
	r.write(filepath.Join(r.boot, abboot.ConfigFile), slotConfig+"os_prefix=b/\n")
	for _, args := range [][]string{{"get-primary"}, {"set-primary", "B"}, {"get-state", "A"}, {"status"}} {
		if code, out, errs := r.run(args...); code != exitFailure || out != "" || !strings.Contains(errs, "os_prefix") {
			t.Errorf("slot %q with two os_prefix lines: exit %d, %q, %q", args, code, out, errs)
		}
	}
	if r.read(abboot.TryFile) != "" {
		t.Error("set-primary wrote a try on a broken config.txt")
	}
}

func TestSlotBootCheck(t *testing.T) {
	t.Run("counter second boot", func(t *testing.T) {
		run := replaceRunner(t)
		r := newSlotRig(t, abboot.A, pi3)
		r.mustRun("set-primary", "B")
		if p := r.prefix(); p != "b/" {
			t.Fatalf("counter mode: config.txt on %s after set-primary B", p)
		}
		r.write(r.cmdline, "root=PARTUUID=1234abcd-03 rauc.slot=B\n")
		if err := recordUpdateFailure(r.state, "an older update", time.Now()); err != nil {
			t.Fatal(err)
		}
		if out := r.mustRun("boot-check"); !strings.Contains(out, "trying slot B (boot 1)") {
			t.Errorf("first boot of B: %q", out)
		}
		if err := r.failure(); err != nil {
			t.Errorf("a new try keeps the older failure: %v", err)
		}
		if calls := run.ran(); len(calls) != 0 {
			t.Errorf("first boot of B ran %q", calls)
		}
		code, _, errs := r.run("boot-check")
		if code != 0 || !strings.Contains(errs, "slot B booted 2 times") || !strings.Contains(errs, "returning to slot A") {
			t.Errorf("second boot of B: exit %d, %q", code, errs)
		}
		if calls := run.ran(); !reflect.DeepEqual(calls, []string{"systemctl --no-block reboot"}) {
			t.Errorf("second boot of B ran %q", calls)
		}
		if p := r.prefix(); p != "a/" || r.read(abboot.TryFile) != "" {
			t.Errorf("after the give-up: config.txt on %s, try %q", p, r.read(abboot.TryFile))
		}
		if err := r.failure(); err == nil || !strings.Contains(err.Error(), "slot B booted 2 times") {
			t.Errorf("the give-up's fault: %v", err)
		}
	})
	t.Run("reboot fails", func(t *testing.T) {
		run := replaceRunner(t)
		run.err = fmt.Errorf("systemctl: no bus")
		r := newSlotRig(t, abboot.B, pi3)
		r.write(filepath.Join(r.boot, abboot.ConfigFile), strings.Replace(slotConfig, "os_prefix=a/", "os_prefix=b/", 1))
		r.write(filepath.Join(r.boot, abboot.TryFile), "to=B from=A boots=1\n")
		if code, _, errs := r.run("boot-check"); code != exitFailure || !strings.Contains(errs, "no bus") {
			t.Errorf("exit %d, %q", code, errs)
		}
	})
	t.Run("tryboot failed", func(t *testing.T) {
		run := replaceRunner(t)
		r := newSlotRig(t, abboot.A, pi4)
		r.mustRun("set-primary", "B")
		code, out, errs := r.run("boot-check")
		if code != 0 || out != "" || !strings.Contains(errs, "update failed: slot B was not confirmed after 0 boot(s); running slot A") {
			t.Errorf("exit %d, %q, %q", code, out, errs)
		}
		if calls := run.ran(); len(calls) != 0 {
			t.Errorf("ran %q", calls)
		}
		if r.read(abboot.TryFile) != "" || r.read(abboot.TrybootFile) != "" {
			t.Error("the failed try is still there")
		}
		if err := r.failure(); err == nil || !strings.Contains(err.Error(), "slot B was not confirmed") {
			t.Errorf("the failed try's fault: %v", err)
		}
	})
	t.Run("plain", func(t *testing.T) {
		run := replaceRunner(t)
		r := newSlotRig(t, abboot.A, pi4)
		if out := r.mustRun("boot-check"); out != "skoip slot: booted slot A\n" {
			t.Errorf("%q", out)
		}
		if calls := run.ran(); len(calls) != 0 {
			t.Errorf("ran %q", calls)
		}
		if err := r.failure(); err != nil {
			t.Errorf("a plain boot records %v", err)
		}
	})
	t.Run("garbage try", func(t *testing.T) {
		replaceRunner(t)
		r := newSlotRig(t, abboot.A, pi4)
		r.write(filepath.Join(r.boot, abboot.TryFile), "what?\n")
		if code, _, errs := r.run("boot-check"); code != exitFailure || !strings.Contains(errs, abboot.TryFile) {
			t.Errorf("exit %d, %q", code, errs)
		}
		if out := r.mustRun("boot-check"); out != "skoip slot: booted slot A\n" {
			t.Errorf("next boot: %q", out)
		}
	})
}

// statusServer is a control socket answering every line with reply(n),
// n counting the requests from 1.
func statusServer(t *testing.T, reply func(n int) string) (string, *atomic.Int32) {
	sock := filepath.Join(t.TempDir(), "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				if sc.Text() != "status" {
					fmt.Fprintf(c, "{\"error\":\"unexpected %q\"}\n", sc.Text())
					continue
				}
				fmt.Fprintln(c, reply(int(n.Add(1))))
			}
			c.Close()
		}
	}()
	return sock, &n
}

// tryingRig is a Pi 4 booted from B while B is tried.
func tryingRig(t *testing.T) *slotRig {
	r := newSlotRig(t, abboot.B, pi4)
	r.write(filepath.Join(r.boot, abboot.TryFile), "to=B from=A boots=1\n")
	r.write(filepath.Join(r.boot, abboot.TrybootFile), strings.Replace(slotConfig, "os_prefix=a/", "os_prefix=b/", 1))
	return r
}

// Without a try confirm only reports: it never marks or reboots.
func TestSlotConfirmNoTry(t *testing.T) {
	t.Run("healthy", func(t *testing.T) {
		run := replaceRunner(t)
		r := newSlotRig(t, abboot.A, pi4)
		sock, n := statusServer(t, func(int) string { return `{"state":"idle","faults":{}}` })
		if err := recordUpdateFailure(r.state, "slot B was not confirmed after 1 boot(s)", time.Now()); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		code, out, errs := r.run("--socket", sock, "--timeout", "10s", "confirm")
		if code != 0 || !strings.Contains(out, "slot A") || !strings.Contains(out, "self-check ok; the update of ") ||
			!strings.Contains(out, "failed: slot B was not confirmed") || errs != "" {
			t.Errorf("exit %d, %q, %q", code, out, errs)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
		if calls := run.ran(); len(calls) != 0 {
			t.Errorf("ran %q", calls)
		}
		if n.Load() != 1 {
			t.Errorf("%d status requests, want 1", n.Load())
		}
	})
	// Booted from the old slot while a try is recorded, the intercom
	// unreachable (r.sock does not exist).
	t.Run("old slot, no intercom", func(t *testing.T) {
		run := replaceRunner(t)
		r := tryingRig(t)
		r.write(r.cmdline, "rauc.slot=A root=PARTUUID=1234abcd-02")
		code, out, errs := r.run("--timeout", "1s", "confirm")
		if code != 0 || !strings.Contains(out, "self-check FAILED: cannot reach skoip") || errs != "" {
			t.Errorf("exit %d, %q, %q", code, out, errs)
		}
		if calls := run.ran(); len(calls) != 0 {
			t.Errorf("ran %q", calls)
		}
		if r.read(abboot.TryFile) != "to=B from=A boots=1\n" {
			t.Errorf("try %q", r.read(abboot.TryFile))
		}
	})
}

func TestSlotConfirmHealthy(t *testing.T) {
	for name, reply := range map[string]string{
		"no fault":     `{"state":"idle","faults":{}}`,
		"registration": `{"state":"idle","faults":{"registration":"503 from the PBX"}}`,
		"no faults":    `{"state":"ringing"}`,
		"older update": `{"state":"idle","faults":{"update":"the update of 2026-01-01T00:00:00Z failed: refused"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			run := replaceRunner(t)
			r := tryingRig(t)
			if err := recordUpdateFailure(r.state, "an older update", time.Now()); err != nil {
				t.Fatal(err)
			}
			sock, n := statusServer(t, func(int) string { return reply })
			code, out, errs := r.run("--socket", sock, "--timeout", "10s", "confirm")
			if code != 0 || !strings.Contains(out, "slot B confirmed") || errs != "" {
				t.Errorf("exit %d, %q, %q", code, out, errs)
			}
			if calls := run.ran(); !reflect.DeepEqual(calls, []string{"rauc status mark-good"}) {
				t.Errorf("ran %q", calls)
			}
			if n.Load() != 1 {
				t.Errorf("%d status requests, want 1", n.Load())
			}
			if err := r.failure(); err != nil {
				t.Errorf("a confirmed update keeps the older failure: %v", err)
			}
		})
	}
}

// The intercom reports a fault at first and none 2 s later.
func TestSlotConfirmLate(t *testing.T) {
	run := replaceRunner(t)
	r := tryingRig(t)
	sock, n := statusServer(t, func(n int) string {
		if n == 1 {
			return `{"state":"idle","faults":{"audio":"no capture device"}}`
		}
		return `{"state":"idle","faults":{}}`
	})
	code, out, errs := r.run("--socket", sock, "--timeout", "5s", "confirm")
	if code != 0 || !strings.Contains(out, "confirmed") {
		t.Errorf("exit %d, %q, %q", code, out, errs)
	}
	if calls := run.ran(); !reflect.DeepEqual(calls, []string{"rauc status mark-good"}) {
		t.Errorf("ran %q", calls)
	}
	if n.Load() != 2 {
		t.Errorf("%d status requests, want 2", n.Load())
	}
}

func TestSlotConfirmFault(t *testing.T) {
	run := replaceRunner(t)
	r := tryingRig(t)
	sock, n := statusServer(t, func(int) string { return `{"state":"idle","faults":{"audio":"gone"}}` })
	start := time.Now()
	code, out, errs := r.run("--socket", sock, "--timeout", "1s", "confirm")
	if code != 0 || !strings.Contains(out, "self-check FAILED: fault audio: gone") || strings.Contains(out, "confirmed") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errs, "fault audio: gone") || !strings.Contains(errs, "rebooting into slot A") {
		t.Errorf("stderr %q does not name the fault and the old slot", errs)
	}
	if calls := run.ran(); !reflect.DeepEqual(calls, []string{"systemctl --no-block reboot"}) {
		t.Errorf("ran %q", calls)
	}
	if n.Load() < 1 {
		t.Error("the intercom was never asked")
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("gave up after %v, before the 1s deadline", d)
	}
	// The confirmation does not touch the boot partition: the reboot does.
	if r.read(abboot.TryFile) != "to=B from=A boots=1\n" {
		t.Errorf("try %q", r.read(abboot.TryFile))
	}
	if err := r.failure(); err == nil || !strings.Contains(err.Error(), "fault audio: gone") {
		t.Errorf("the given-up try's fault: %v", err)
	}
}

func TestSlotConfirmMarkGoodFails(t *testing.T) {
	run := replaceRunner(t)
	run.err = fmt.Errorf("exit status 1")
	r := tryingRig(t)
	sock, _ := statusServer(t, func(int) string { return `{"state":"idle","faults":{}}` })
	if code, _, errs := r.run("--socket", sock, "confirm"); code != exitFailure || !strings.Contains(errs, "rauc status mark-good") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestUpdateUsage(t *testing.T) {
	run := replaceRunner(t)
	for _, args := range [][]string{{"update"}, {"update", "a.raucb", "b.raucb"}, {"update", "--no-such-flag", "a.raucb"}} {
		if code, _, errs := runCLI(t, context.Background(), args...); code != exitUsage || errs == "" {
			t.Errorf("%q: exit %d, %q", args, code, errs)
		}
	}
	if calls := run.ran(); len(calls) != 0 {
		t.Errorf("ran %q", calls)
	}
}

func TestDownload(t *testing.T) {
	const bundle = "hsqs not really a squashfs, but bytes all the same"
	mux := http.NewServeMux()
	mux.HandleFunc("/ok.raucb", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, bundle) })
	// a body shorter than its Content-Length, then the connection closed
	mux.HandleFunc("/short.raucb", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100000")
		fmt.Fprint(w, bundle)
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	mux.HandleFunc("/huge.raucb", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(int64(maxDownload)+1))
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	dir := t.TempDir()
	path, err := download(ctx, srv.URL+"/ok.raucb", dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != dir || !strings.HasSuffix(path, ".raucb") {
		t.Errorf("saved as %s, not a bundle under %s", path, dir)
	}
	if data, err := os.ReadFile(path); string(data) != bundle || err != nil {
		t.Errorf("saved %q, %v", data, err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("%s holds %q", dir, names)
	}

	for name, want := range map[string]string{
		"/missing.raucb": "404",
		"/short.raucb":   "EOF",
		"/huge.raucb":    "more than",
	} {
		dir := t.TempDir()
		path, err := download(ctx, srv.URL+name, dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q, %v; want an error with %q", name, path, err, want)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("%s left %q", name, names)
		}
	}
	if _, err := download(ctx, srv.URL+"/ok.raucb", filepath.Join(dir, "missing")); err == nil {
		t.Error("download into a missing folder succeeded")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	dir = t.TempDir()
	if _, err := download(cctx, srv.URL+"/ok.raucb", dir); err == nil {
		t.Error("a cancelled download succeeded")
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("the cancelled download left %q", names)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}
