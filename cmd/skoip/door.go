package main

import (
	"strings"
	"time"
)

// doorCode checks DTMF digits against the door code: the last len(code)
// digits are compared once that many have arrived. After lockoutAttempts
// wrong codes in a row, digits are ignored for lockoutTime.
type doorCode struct {
	code            string
	lockoutAttempts int
	lockoutTime     time.Duration

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

func newDoorCode(code string, attempts int, lockout time.Duration) *doorCode {
	return &doorCode{code: code, lockoutAttempts: attempts, lockoutTime: lockout}
}

// feed takes one digit received at now.
func (d *doorCode) feed(digit rune, now time.Time) doorResult {
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
		d.wrong = 0
		return doorOpen
	}
	d.wrong++
	if d.wrong >= d.lockoutAttempts {
		d.wrong = 0
		d.lockedUntil = now.Add(d.lockoutTime)
		return doorLockedNow
	}
	return doorWrong
}

// reset forgets partial input (a new call starts clean); the wrong-code
// count and a lockout survive calls, so that hanging up does not reset them.
func (d *doorCode) reset() { d.buf.Reset() }
