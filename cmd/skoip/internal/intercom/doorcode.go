package intercom

import (
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/skoip/skoip/config"
)

// DoorCode checks DTMF digits against the door code: the last len(code)
// digits are compared once that many have arrived. After lockoutAttempts
// wrong codes in a row, digits are ignored for lockoutTime. With a store,
// the count and the lockout survive a restart (doorlockout.go).
type DoorCode struct {
	code            string
	lockoutAttempts int
	lockoutTime     time.Duration
	store           *lockoutFile // nil: in memory only

	buf         strings.Builder
	wrong       int
	lockedUntil time.Time
}

// doorResult is what one digit did.
type doorResult int

const (
	doorPending   doorResult = iota // more digits needed (or no code configured)
	doorOpen                        // the code matched
	doorWrong                       // a wrong code was completed
	doorLocked                      // too many wrong codes: the digit was ignored
	doorLockedNow                   // this wrong code started the lockout
)

func newDoorCode(code string, attempts int, lockout time.Duration) *DoorCode {
	return &DoorCode{code: code, lockoutAttempts: attempts, lockoutTime: lockout}
}

// OpenDoorCode is newDoorCode for door, its state kept in the folder dir
// and restored from it as of now; dir "" keeps it in memory only. Without
// a door code there is nothing to keep.
func OpenDoorCode(door config.Door, dir string, now time.Time, log *slog.Logger) *DoorCode {
	d := newDoorCode(door.Code, door.LockoutAttempts, door.LockoutTime.Duration)
	if d.code == "" || dir == "" {
		return d
	}
	d.store = &lockoutFile{path: filepath.Join(dir, lockoutFileName), log: log}
	d.restore(now)
	return d
}

// lockedOut reports whether digits are being ignored at now.
func (d *DoorCode) lockedOut(now time.Time) bool { return now.Before(d.lockedUntil) }

// feed takes one digit received at now.
func (d *DoorCode) feed(digit rune, now time.Time) doorResult {
	if d.code == "" {
		return doorPending
	}
	if now.Before(d.lockedUntil) {
		return doorLocked
	}
	d.buf.WriteRune(digit)
	if d.buf.Len() < len(d.code) {
		return doorPending
	}
	got := d.buf.String()
	d.buf.Reset()
	if got == d.code {
		if d.wrong != 0 {
			d.wrong = 0
			d.save(now)
		}
		return doorOpen
	}
	d.wrong++
	if d.wrong >= d.lockoutAttempts {
		d.wrong = 0
		d.lockedUntil = now.Add(d.lockoutTime)
		d.save(now)
		return doorLockedNow
	}
	d.save(now)
	return doorWrong
}

// reset forgets partial input (a new call starts clean); the wrong-code
// count and a lockout survive calls, so that hanging up does not reset them.
func (d *DoorCode) reset() { d.buf.Reset() }
