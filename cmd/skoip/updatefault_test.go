package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/abboot"
	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

func TestUpdateFailureFile(t *testing.T) {
	dir := t.TempDir()
	if err := updateFailure(dir); err != nil {
		t.Fatalf("no file: %v", err)
	}
	if err := updateFailure(""); err != nil {
		t.Fatalf("no state folder: %v", err)
	}
	at := time.Date(2026, 12, 8, 1, 2, 3, 0, time.FixedZone("CET", 3600))
	if err := recordUpdateFailure(dir, "rauc install:\n  signature\tverification failed\n", at); err != nil {
		t.Fatal(err)
	}
	err := updateFailure(dir)
	if want := "the update of 2026-12-08T00:02:03Z failed: rauc install: signature verification failed"; err == nil || err.Error() != want {
		t.Errorf("fault %v, want %q", err, want)
	}
	if err := clearUpdateFailure(dir); err != nil {
		t.Fatal(err)
	}
	if err := clearUpdateFailure(dir); err != nil {
		t.Errorf("clearing twice: %v", err)
	}
	if err := updateFailure(dir); err != nil {
		t.Errorf("after clearing: %v", err)
	}

	// A reason of any length is cut to what the reader takes.
	if err := recordUpdateFailure(dir, strings.Repeat("x", 10*maxUpdateNotice), at); err != nil {
		t.Fatal(err)
	}
	if err := updateFailure(dir); err == nil || !strings.HasSuffix(err.Error(), "x...") {
		t.Errorf("a long reason: %.80v", err)
	}

	// What else may be in the file is a fault that says so, not a crash.
	path := filepath.Join(dir, updateFailedFile)
	for content, want := range map[string]string{
		"garbage":                              `the last update failed ("garbage")`,
		"":                                     `the last update failed ("")`,
		"2026-12-08T00:02:03Z":                 `the last update failed ("2026-12-08T00:02:03Z")`,
		strings.Repeat("y", maxUpdateNotice+1): "unreadable",
		"2026-12-08T00:02:03Z one\nsecond line\n": "failed: one",
	} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := updateFailure(dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("file %.20q: fault %v, want %q", content, err, want)
		}
	}

	// A link put there by the folder's user is a fault, not a way for
	// root's summary line to print another file.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(secret, []byte("2026-12-08T00:02:03Z root:$y$secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, path); err != nil {
		t.Fatal(err)
	}
	if err := updateFailure(dir); err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("through a link: %v", err)
	}
	if err := recordUpdateFailure(dir, "replaces the link", at); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(secret); err != nil || !strings.Contains(string(b), "secret") {
		t.Errorf("the link's target was written: %q %v", b, err)
	}
	if err := updateFailure(dir); err == nil || !strings.Contains(err.Error(), "replaces the link") {
		t.Errorf("after recording over the link: %v", err)
	}

	if err := recordUpdateFailure(filepath.Join(dir, "none"), "x", at); !errors.Is(err, errNoStateDir) {
		t.Errorf("no state folder: %v", err)
	}
}

func TestRAUCReason(t *testing.T) {
	var l raucReason
	if reasonOf(&l) != "" {
		t.Fatal("empty")
	}
	fmt.Fprint(&l, "installing\n  \nrauc: fatal: no space\n\n")
	if reasonOf(&l) != "rauc: fatal: no space" {
		t.Errorf("no LastError: %q", reasonOf(&l))
	}
	// RAUC 1.8's refusal: the reason, then a line that only says it failed.
	fmt.Fprint(&l, " 40% Checking bundle failed.\n100% Installing failed.\nLastError: Compatible mismatch: Expected 'skoip-rpi-arm64' but bundle manifest has 'other'\n"+
		"Installing `/data/update-1.raucb` failed\n")
	if reasonOf(&l) != "Compatible mismatch: Expected 'skoip-rpi-arm64' but bundle manifest has 'other'" {
		t.Errorf("with LastError: %q", reasonOf(&l))
	}
	var m raucReason
	fmt.Fprint(&m, "no newline "+strings.Repeat("z", 1000))
	if s := reasonOf(&m); !strings.HasPrefix(s, "no newline zz") || len(s) != 512 {
		t.Errorf("a long unfinished line: %d bytes %.20q", len(s), s)
	}
	// Two streams: the LastError of either wins over a last line.
	var out, errOut raucReason
	fmt.Fprint(&out, "100% Installing failed.\n")
	fmt.Fprint(&errOut, "Installing `x` failed\n")
	if r := reasonOf(&out, &errOut); r != "Installing `x` failed" {
		t.Errorf("no LastError: %q", r)
	}
	fmt.Fprint(&errOut, "LastError: Invalid bundle format\nInstalling `x` failed\n")
	if r := reasonOf(&out, &errOut); r != "Invalid bundle format" {
		t.Errorf("LastError on stderr: %q", r)
	}
}

// updateRig is a rig whose state folder holds what the root commands
// record, and a slot environment to run `skoip update` against.
func updateRig(t *testing.T) (*rig, *slotRig) {
	r := newRig(t, true)
	sr := newSlotRig(t, abboot.A, pi4)
	r.app.stateDir = sr.state
	return r, sr
}

// faults is the intercom's faults through its control socket.
func (r *rig) faults() map[string]string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	reply, err := control.Request(ctx, r.path, "status")
	if err != nil {
		r.t.Fatal(err)
	}
	var st status
	if err := json.Unmarshal([]byte(reply), &st); err != nil {
		r.t.Fatalf("status %q: %v", reply, err)
	}
	return st.Faults
}

// A bundle RAUC refuses is the fault "update" of the running intercom,
// with RAUC's reason, until `skoip slot clear-failed`.
func TestUpdateRefusedIsAFault(t *testing.T) {
	run := replaceRunner(t)
	run.err = errors.New("exit status 1")
	// As RAUC 1.8 says it: progress and the reason on stdout, the
	// failure on stderr.
	run.out = "installing `/data/x.raucb`\n 40% Verifying signature failed.\n" +
		"LastError: signature verification failed: certificate not trusted\n"
	run.say = "Installing `/data/x.raucb` failed\n"
	r, sr := updateRig(t)
	bundle := filepath.Join(t.TempDir(), "x.raucb")
	if err := os.WriteFile(bundle, []byte("not a bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, context.Background(), "update", "--boot", sr.boot, "--cmdline", sr.cmdline,
		"--model", sr.model, "--state", sr.state, "--socket", r.path, bundle)
	if code != exitFailure || !strings.Contains(errs, "certificate not trusted); nothing changed, slot A stays") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	r.waitFor("the fault update", func() bool {
		return strings.Contains(r.faults()["update"], "failed: the bundle was refused or could not be written "+
			"(rauc install: signature verification failed: certificate not trusted)")
	})
	if calls := run.ran(); len(calls) != 1 || calls[0] != "rauc install "+bundle {
		t.Errorf("ran %q", calls)
	}

	if out := sr.mustRun("status"); !strings.HasPrefix(out, "booted A, committed A, trying none, mode tryboot\n") ||
		!strings.Contains(out, "certificate not trusted)") || !strings.HasSuffix(out, "(skoip slot clear-failed forgets it)\n") {
		t.Errorf("slot status: %q", out)
	}
	sr.sock = r.path
	sr.mustRun("clear-failed")
	if out := sr.mustRun("status"); out != "booted A, committed A, trying none, mode tryboot\n" {
		t.Errorf("slot status after clear-failed: %q", out)
	}
	r.waitFor("no fault", func() bool { _, ok := r.faults()["update"]; return !ok })
	if err := sr.failure(); err != nil {
		t.Errorf("after clear-failed: %v", err)
	}
}

// A download that fails is recorded too; the intercom not running costs
// nothing but its telling.
func TestUpdateDownloadFailedIsRecorded(t *testing.T) {
	run := replaceRunner(t)
	sr := newSlotRig(t, abboot.A, pi4)
	code, _, errs := runCLI(t, context.Background(), "update", "--boot", sr.boot, "--cmdline", sr.cmdline,
		"--model", sr.model, "--state", sr.state, "--socket", sr.sock, "--dir", t.TempDir(),
		"http://127.0.0.1:1/update.raucb")
	if code != exitFailure || !strings.Contains(errs, "download http://127.0.0.1:1/update.raucb") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if err := sr.failure(); err == nil || !strings.Contains(err.Error(), "download http://127.0.0.1:1/update.raucb") {
		t.Errorf("fault %v", err)
	}
	if calls := run.ran(); len(calls) != 0 {
		t.Errorf("ran %q", calls)
	}
}

// An update that succeeds records nothing (its try clears an older
// failure at the next boot).
func TestUpdateInstalledRecordsNothing(t *testing.T) {
	run := replaceRunner(t)
	sr := newSlotRig(t, abboot.A, pi4)
	bundle := filepath.Join(t.TempDir(), "x.raucb")
	if err := os.WriteFile(bundle, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, errs := runCLI(t, context.Background(), "update", "--boot", sr.boot, "--cmdline", sr.cmdline,
		"--model", sr.model, "--state", sr.state, "--socket", sr.sock, bundle)
	if calls := run.ran(); len(calls) != 2 || calls[1] != "systemctl reboot 0 tryboot" {
		t.Errorf("ran %q (%s)", calls, errs)
	}
	if _, err := os.Stat(filepath.Join(sr.state, updateFailedFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("recorded: %v", err)
	}
}

// The intercom shows a failure recorded before it started (build reads
// it) and re-reads the file when told.
func TestUpdateFaultCommand(t *testing.T) {
	r, sr := updateRig(t)
	if _, ok := r.faults()["update"]; ok {
		t.Fatal("a fault before anything was recorded")
	}
	if err := recordUpdateFailure(sr.state, "slot B was not confirmed after 1 boot(s)", time.Now()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if _, err := control.Request(ctx, r.path, "update-fault"); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the fault update", func() bool { return strings.Contains(r.faults()["update"], "not confirmed") })
	if err := clearUpdateFailure(sr.state); err != nil {
		t.Fatal(err)
	}
	if _, err := control.Request(ctx, r.path, "update-fault"); err != nil {
		t.Fatal(err)
	}
	r.waitFor("no fault", func() bool { _, ok := r.faults()["update"]; return !ok })
	if reply, err := control.Request(ctx, r.path, "update-fault x"); err != nil || !strings.Contains(reply, `"error"`) {
		t.Errorf("update-fault with an argument: %q, %v", reply, err)
	}
}

// A unit that starts after a failed update (and on its last good
// config) shows both from its first status on.
func TestStartShowsRecordedFaults(t *testing.T) {
	cfg := startConfig(t)
	if err := os.MkdirAll(cfg.State.Dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := recordUpdateFailure(cfg.State.Dir, "slot B was not confirmed after 1 boot(s)", time.Now()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), errors.New("skoip.toml:3: bad"))
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(guard):
			t.Error("run did not stop")
		}
	}()
	r := &rig{t: t, path: control.ServerPath(cfg)}
	deadline := time.Now().Add(guard)
	for {
		if _, err := os.Stat(r.path); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("run ended: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no control socket")
		}
	}
	r.waitFor("both faults", func() bool {
		f := r.faults()
		return strings.Contains(f["update"], "slot B was not confirmed") && f["config"] == "skoip.toml:3: bad"
	})
}
