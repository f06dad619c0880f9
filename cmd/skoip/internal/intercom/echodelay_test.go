package intercom

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestEchoDelayKept(t *testing.T) {
	dir := t.TempDir()
	if d, err := LoadEchoDelay(dir); d != 0 || err != nil {
		t.Fatalf("nothing kept: %v, %v", d, err)
	}
	now := time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)
	if err := SaveEchoDelay(dir, 50200*time.Microsecond, now); err != nil {
		t.Fatal(err)
	}
	if d, err := LoadEchoDelay(dir); d != 50200*time.Microsecond || err != nil {
		t.Fatalf("kept 50.2 ms, read %v, %v", d, err)
	}
	path := filepath.Join(dir, echoDelayFile)
	st1, _ := os.Stat(path)
	time.Sleep(10 * time.Millisecond)
	if err := SaveEchoDelay(dir, 50600*time.Microsecond, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if st2, _ := os.Stat(path); !st2.ModTime().Equal(st1.ModTime()) {
		t.Error("a delay within 1 ms of the kept one was written again")
	}
	for name, body := range map[string]string{
		"negative": `{"delay_ms": -3}`, "too long": `{"delay_ms": 900}`, "not JSON": `delay`,
		"huge": `{"delay_ms": 1` + string(make([]byte, 4096)) + `}`,
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if d, err := LoadEchoDelay(dir); err == nil || d != 0 {
			t.Errorf("%s: %v, %v", name, d, err)
		}
	}
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := LoadEchoDelay(dir); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a FIFO was read as the kept delay")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a FIFO in place of the file blocked")
	}
}
