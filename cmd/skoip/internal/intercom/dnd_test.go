package intercom

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDNDSurvivesRestart: the switch is kept in dnd.json and read back on
// the next start; without a folder it is in memory only.
func TestDNDSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	var logs syncBuffer
	d := OpenDND(dir, testLog(&logs))
	if d.on {
		t.Fatal("on at the first start")
	}
	d.set(true, "mqtt", time.Unix(1_800_000_000, 0))
	if again := OpenDND(dir, testLog(&logs)); !again.on {
		t.Fatal("off after a restart")
	}
	d.set(false, "ctl", time.Unix(1_800_000_100, 0))
	if again := OpenDND(dir, testLog(&logs)); again.on {
		t.Fatal("on after it was turned off and restarted")
	}
	mem := OpenDND("", testLog(&logs))
	mem.set(true, "ctl", time.Now())
	if !mem.on {
		t.Fatal("in memory: not on")
	}
}

// TestStateFilesThatAreNotFiles: a damaged dnd.json, or a FIFO in place of
// dnd.json or door-lockout.json, is logged and starts clean at once (a
// FIFO is not waited on); the next change replaces it.
func TestStateFilesThatAreNotFiles(t *testing.T) {
	for name, body := range map[string]string{
		"garbage":       "\x00\x01garbage",
		"unknown field": `{"version":1,"on":true,"written":"2027-01-15T08:00:00Z","open":true}`,
		"too large":     `{"version":1,"on":true,"written":"2027-01-15T08:00:00Z"}` + strings.Repeat(" ", maxDNDFile),
		"fifo":          "",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, dndFileName)
			if name == "fifo" {
				if err := syscall.Mkfifo(path, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			var logs syncBuffer
			d := OpenDND(dir, testLog(&logs))
			if d.on || !strings.Contains(logs.String(), "do-not-disturb state unreadable") {
				t.Fatalf("on=%v, log:\n%s", d.on, logs.String())
			}
			d.set(true, "ctl", time.Now())
			if _, err := readDND(path); err != nil {
				t.Fatalf("not replaced by a good file: %v", err)
			}
		})
	}
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, lockoutFileName), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	d := OpenDoorCode(lockoutDoor, dir, time.Unix(1_800_000_000, 0), testLog(&logs))
	if !strings.Contains(logs.String(), "not a regular file") {
		t.Fatalf("a FIFO as the lockout file: log:\n%s", logs.String())
	}
	if got := feedAll(d, "1234", time.Unix(1_800_000_000, 0)); got[3] != doorOpen {
		t.Fatalf("does not start clean: %v", got)
	}
}

// TestDNDWritesOnlyChanges: the same state again does not rewrite the file.
func TestDNDWritesOnlyChanges(t *testing.T) {
	dir := t.TempDir()
	var logs syncBuffer
	d := OpenDND(dir, testLog(&logs))
	d.set(true, "mqtt", time.Unix(1_800_000_000, 0))
	path := filepath.Join(dir, dndFileName)
	before, _ := os.ReadFile(path)
	for range 100 {
		d.set(true, "mqtt", time.Unix(1_800_000_500, 0))
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("rewritten by the same state:\n%s\n%s", before, after)
	}
}
