package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

// TestSystemdNotify runs the intercom as systemd would: READY=1 once it
// serves, watchdog pings from the main loop, STATUS on call state, and no
// pings once the loop hangs (so systemd restarts it).
func TestSystemdNotify(t *testing.T) {
	dir := t.TempDir()
	sockPath := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sockPath)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	t.Setenv("SKOIP_DEBUG_HOOKS", "1")
	cfg, sock := testConfig(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, _ := runCLI(t, ctx, "run", "--config", cfg)
		done <- code
	}()
	defer func() { cancel(); <-done }()

	next := func(within time.Duration) string {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(within))
		buf := make([]byte, 512)
		n, err := conn.Read(buf)
		if err != nil {
			return ""
		}
		return string(buf[:n])
	}
	if msg := next(20 * time.Second); !strings.Contains(msg, "READY=1") {
		t.Fatalf("first notification %q, want READY=1", msg)
	}
	// Pings come at half the 200 ms interval.
	pings := 0
	for pings < 3 {
		msg := next(5 * time.Second)
		if msg == "" {
			t.Fatalf("only %d watchdog pings", pings)
		}
		if msg == "WATCHDOG=1" {
			pings++
		}
	}
	// A hung main loop stops pinging.
	if _, err := control.Request(ctx, sock, "debug-hang"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(300 * time.Millisecond) // a ping in flight may still arrive
	for time.Now().Before(deadline) {
		next(50 * time.Millisecond)
	}
	if msg := next(600 * time.Millisecond); msg == "WATCHDOG=1" {
		t.Fatal("still pinging the watchdog with a hung loop")
	}
}
