package hw

import "time"

// Clock is the source of time for debounce, long-press, LED patterns and
// relay pulses. SystemClock is the real one; hwtest.Clock is a fake that
// tests advance by hand. The system clock also works inside a
// testing/synctest bubble.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that sends on C() after d.
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f in its own goroutine after d. The Timer's C is nil.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is the part of *time.Timer that the hardware code uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// SystemClock returns the Clock backed by package time.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

func (systemClock) AfterFunc(d time.Duration, f func()) Timer {
	return sysTimer{time.AfterFunc(d, f)}
}

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time        { return t.t.C }
func (t sysTimer) Stop() bool                 { return t.t.Stop() }
func (t sysTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }
