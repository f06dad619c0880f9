package intercom

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/phone"
)

func feedAll(d *DoorCode, s string, now time.Time) []doorResult {
	var out []doorResult
	for _, r := range s {
		out = append(out, d.feed(r, now))
	}
	return out
}

func TestDoorCode(t *testing.T) {
	t0 := time.Unix(1000, 0)
	d := newDoorCode("1234", 5, 5*time.Minute)
	if got := feedAll(d, "1234", t0); got[3] != doorOpen || got[0] != doorPending {
		t.Fatalf("right code: %v", got)
	}
	if got := feedAll(d, "1235", t0); got[3] != doorWrong {
		t.Fatalf("wrong code: %v", got)
	}
	// Partial input is forgotten by reset (a new call).
	feedAll(d, "12", t0)
	d.reset()
	if got := feedAll(d, "1234", t0); got[3] != doorOpen {
		t.Fatalf("after reset: %v", got)
	}
}

func TestDoorLockout(t *testing.T) {
	t0 := time.Unix(1000, 0)
	d := newDoorCode("1234", 5, 5*time.Minute)
	for i := 0; i < 4; i++ {
		if got := feedAll(d, "0000", t0); got[3] != doorWrong {
			t.Fatalf("attempt %d: %v", i+1, got)
		}
	}
	if got := feedAll(d, "0000", t0); got[3] != doorLockedNow {
		t.Fatalf("5th wrong code must lock: %v", got)
	}
	// Even the right code is ignored during the lockout...
	if got := feedAll(d, "1234", t0.Add(4*time.Minute)); got[3] != doorLocked {
		t.Fatalf("during lockout: %v", got)
	}
	// ...and works once it is over.
	if got := feedAll(d, "1234", t0.Add(5*time.Minute)); got[3] != doorOpen {
		t.Fatalf("after lockout: %v", got)
	}
	// A right code clears the count of wrong ones.
	feedAll(d, "0000", t0.Add(6*time.Minute))
	feedAll(d, "1234", t0.Add(6*time.Minute))
	for i := 0; i < 4; i++ {
		if got := feedAll(d, "9999", t0.Add(6*time.Minute)); got[3] != doorWrong {
			t.Fatalf("count not cleared by right code, attempt %d: %v", i+1, got)
		}
	}
}

func TestNoDoorCodeNeverOpens(t *testing.T) {
	d := newDoorCode("", 5, time.Minute)
	for _, r := range feedAll(d, "1234#*", time.Unix(0, 0)) {
		if r != doorPending {
			t.Fatalf("opened or counted without a code: %v", r)
		}
	}
}

// lockoutDoor is the door of the lockout tests: 3 wrong codes lock for 5 minutes.
var lockoutDoor = config.Door{Code: "1234", LockoutAttempts: 3, LockoutTime: config.Duration{Duration: 5 * time.Minute}}

func testLog(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestDoorLockoutSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Unix(1_800_000_000, 0)
	d := OpenDoorCode(lockoutDoor, dir, t0, testLog(io.Discard))
	feedAll(d, "00000000", t0)
	if got := feedAll(d, "0000", t0); got[3] != doorLockedNow {
		t.Fatalf("3rd wrong code must lock: %v", got)
	}
	// A restart one minute later: still locked for the 4 minutes left.
	var logs syncBuffer
	d = OpenDoorCode(lockoutDoor, dir, t0.Add(time.Minute), testLog(&logs))
	if !strings.Contains(logs.String(), "lockout continues after the restart") {
		t.Errorf("the restored lockout is not logged:\n%s", logs.String())
	}
	if got := feedAll(d, "1234", t0.Add(5*time.Minute-time.Second)); got[3] != doorLocked {
		t.Fatalf("right code after the restart, within the lockout: %v", got)
	}
	if got := feedAll(d, "1234", t0.Add(5*time.Minute)); got[3] != doorOpen {
		t.Fatalf("right code after the lockout: %v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != lockoutFileName {
		t.Errorf("state folder holds %v, want only %s (no temporary files)", entries, lockoutFileName)
	}
	if fi, err := os.Stat(filepath.Join(dir, lockoutFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v, mode %v; want 0600", err, fi.Mode())
	}
}

func TestDoorWrongCountSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Unix(1_800_000_000, 0)
	d := OpenDoorCode(lockoutDoor, dir, t0, testLog(io.Discard))
	feedAll(d, "00000000", t0) // two wrong codes
	d = OpenDoorCode(lockoutDoor, dir, t0, testLog(io.Discard))
	if got := feedAll(d, "0000", t0); got[3] != doorLockedNow {
		t.Fatalf("the 3rd wrong code, after a restart, must lock: %v", got)
	}
	// A right code clears the count, also on disk.
	dir = t.TempDir()
	d = OpenDoorCode(lockoutDoor, dir, t0, testLog(io.Discard))
	feedAll(d, "000000001234", t0)
	d = OpenDoorCode(lockoutDoor, dir, t0, testLog(io.Discard))
	if got := feedAll(d, "00000000", t0); got[7] != doorWrong {
		t.Fatalf("count not cleared by the right code before the restart: %v", got)
	}
}

// TestDoorLockoutWallClock: a restart with the clock behind the write (a
// Pi without RTC before NTP) keeps the whole lockout that was left; one
// with the clock far ahead, after the lockout, opens.
func TestDoorLockoutWallClock(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Unix(1_800_000_000, 0)
	d := OpenDoorCode(lockoutDoor, dir, t0, testLog(io.Discard))
	feedAll(d, "000000000000", t0)
	boot := time.Unix(0, 0) // 1970: no time is taken to have passed
	d = OpenDoorCode(lockoutDoor, dir, boot, testLog(io.Discard))
	if got := feedAll(d, "1234", boot.Add(5*time.Minute-time.Second)); got[3] != doorLocked {
		t.Fatalf("clock behind: %v", got)
	}
	if got := feedAll(d, "1234", boot.Add(5*time.Minute)); got[3] != doorOpen {
		t.Fatalf("clock behind, after the lockout: %v", got)
	}
	d = OpenDoorCode(lockoutDoor, dir, t0.Add(time.Hour), testLog(io.Discard))
	if got := feedAll(d, "1234", t0.Add(time.Hour)); got[3] != doorOpen {
		t.Fatalf("an hour later: %v", got)
	}
}

// TestDoorLockoutClamped: an end beyond lockout_time from now (a clock that
// was ahead, a file from elsewhere, a shorter lockout_time) is clamped.
func TestDoorLockoutClamped(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		name         string
		until        time.Time
		lockout, max time.Duration
	}{
		{"far future", t0.Add(1000 * time.Hour), 5 * time.Minute, 5 * time.Minute},
		{"lockout_time shortened", t0.Add(5 * time.Minute), time.Minute, time.Minute},
		{"in the past", t0.Add(-time.Second), 5 * time.Minute, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeLockout(t, dir, fmt.Sprintf(`{"version":1,"wrong":0,"written":%q,"locked_until":%q}`,
				t0.UTC().Format(time.RFC3339), tc.until.UTC().Format(time.RFC3339)))
			door := lockoutDoor
			door.LockoutTime.Duration = tc.lockout
			d := OpenDoorCode(door, dir, t0, testLog(io.Discard))
			if tc.max > 0 {
				if got := feedAll(d, "1234", t0.Add(tc.max-time.Second)); got[3] != doorLocked {
					t.Fatalf("before %v: %v", tc.max, got)
				}
			}
			if got := feedAll(d, "1234", t0.Add(tc.max)); got[3] != doorOpen {
				t.Fatalf("at %v: %v", tc.max, got)
			}
		})
	}
}

// TestDoorLockoutBadFile: a damaged file is logged, the state starts clean,
// and the next change replaces the file with a good one.
func TestDoorLockoutBadFile(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	for name, body := range map[string]string{
		"garbage":         "\x00\x01garbage",
		"truncated":       `{"version":1,"wrong":2,"writ`,
		"unknown version": `{"version":9,"wrong":0,"written":"2027-01-15T08:00:00Z"}`,
		"unknown field":   `{"version":1,"wrong":0,"written":"2027-01-15T08:00:00Z","open":true}`,
		"negative count":  `{"version":1,"wrong":-5,"written":"2027-01-15T08:00:00Z"}`,
		"too large":       `{"version":1,"wrong":0,"written":"2027-01-15T08:00:00Z"}` + strings.Repeat(" ", maxLockoutFile),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeLockout(t, dir, body)
			var logs syncBuffer
			d := OpenDoorCode(lockoutDoor, dir, t0, testLog(&logs))
			if !strings.Contains(logs.String(), "lockout state unreadable") {
				t.Errorf("not logged:\n%s", logs.String())
			}
			if got := feedAll(d, "00000000", t0); got[7] != doorWrong {
				t.Fatalf("does not start clean: %v", got)
			}
			if _, err := d.store.read(); err != nil {
				t.Fatalf("the file was not replaced by a good one: %v", err)
			}
		})
	}
}

// TestDoorLockoutUnwritableFolder: a state folder that cannot be created
// is logged; the lockout still works, in memory.
func TestDoorLockoutUnwritableFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, "not a folder")
	t0 := time.Unix(1_800_000_000, 0)
	var logs syncBuffer
	d := OpenDoorCode(lockoutDoor, filepath.Join(file, "state"), t0, testLog(&logs))
	if got := feedAll(d, "000000000000", t0); got[11] != doorLockedNow {
		t.Fatalf("no lockout in memory: %v", got)
	}
	if got := feedAll(d, "1234", t0.Add(time.Minute)); got[3] != doorLocked {
		t.Fatalf("right code during the lockout in memory: %v", got)
	}
	if !strings.Contains(logs.String(), "kept in memory only") {
		t.Errorf("the failed save is not logged:\n%s", logs.String())
	}
}

func writeLockout(t *testing.T, dir, body string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, lockoutFileName), body)
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log destination that the intercom's goroutines write and
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// With door.require_secure, digits of a call that is not secure never
// open the door; the same code in a secure call does.
func TestDoorCodeNeedsASecureCall(t *testing.T) {
	on := true
	r := newRigWith(t, "", func(r *rig, _ *Deps) { r.cfg.Door.RequireSecure = &on })
	r.connect()
	for _, d := range "1234#" {
		r.ph.Emit(phone.Event{Kind: phone.EventDTMF, Digit: d, Source: "rtp"})
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(r.relay.Pulses()); n != 0 {
		t.Fatalf("the door opened %d times for a code in a call that is not secure", n)
	}
	for _, d := range "1234#" {
		r.ph.Emit(phone.Event{Kind: phone.EventDTMF, Digit: d, Source: "rtp", Secure: true})
	}
	r.waitFor("the relay", func() bool { return len(r.relay.Pulses()) == 1 })
}
