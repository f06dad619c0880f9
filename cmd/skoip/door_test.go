package main

import (
	"testing"
	"time"
)

func feedAll(d *doorCode, s string, now time.Time) []doorResult {
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
