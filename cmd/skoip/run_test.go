package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

// testConfig writes a config that uses only loopback, free ports, the
// null audio backend and a control socket in a temporary folder.
func testConfig(t *testing.T, extra string) (path, sock string) {
	t.Helper()
	dir := t.TempDir()
	sock = filepath.Join(dir, "ctl.sock")
	body := fmt.Sprintf(`
[sip]
listen = "127.0.0.1:0"
[audio]
backend = "null"
[control]
socket = %q
%s
`, sock, extra)
	path = filepath.Join(dir, "skoip.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, sock
}

// waitStatus polls `ctl status` until it answers or the deadline passes.
func waitStatus(t *testing.T, sock string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		reply, err := control.Request(ctx, sock, "status")
		cancel()
		if err == nil {
			var st map[string]any
			if err := json.Unmarshal([]byte(reply), &st); err != nil {
				t.Fatalf("status is not JSON: %q", reply)
			}
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("no status from %s: %v", sock, err)
		}
		time.Sleep(20 * time.Millisecond) // polling a socket that is not there yet
	}
}

func TestRunServesStatusAndStopsOnCancel(t *testing.T) {
	cfg, sock := testConfig(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, _ := runCLI(t, ctx, "run", "--config", cfg)
		done <- code
	}()
	st := waitStatus(t, sock)
	for _, k := range []string{"state", "peer", "call_id", "codec", "duration_s", "rtp_rx", "rtp_tx", "registered", "goroutines", "rss_bytes", "fds"} {
		if _, ok := st[k]; !ok {
			t.Errorf("status lacks %q: %v", k, st)
		}
	}
	if st["state"] != "idle" || st["registered"] != nil {
		t.Errorf("state %v registered %v", st["state"], st["registered"])
	}
	code, out, _ := runCLI(t, context.Background(), "ctl", "--socket", sock, "frobnicate")
	if code != 1 || !strings.Contains(out, `"error":"unknown command`) {
		t.Errorf("unknown ctl command: exit %d %q", code, out)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("run exited %d after cancel, want 0", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
}

func TestCtlWithoutServer(t *testing.T) {
	code, _, errs := runCLI(t, context.Background(), "ctl", "--socket", filepath.Join(t.TempDir(), "none.sock"), "status")
	if code != 1 || !strings.Contains(errs, "is `skoip run` running?") {
		t.Fatalf("exit %d %q", code, errs)
	}
}

// TestSIGTERMExitsZero runs the real binary: SIGTERM is a clean stop.
func TestSIGTERMExitsZero(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "skoip")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cfg, sock := testConfig(t, "")
	cmd := exec.Command(bin, "run", "--config", cfg)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, sock)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("no exit after SIGTERM\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "skoip stopped") {
		t.Errorf("no stop line in log:\n%s", stderr.String())
	}
}
