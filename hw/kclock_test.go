package hw_test

import (
	"errors"
	"testing"
	"time"

	"github.com/skoip/skoip/hw"
)

func kernelClock(t *testing.T) *hw.KernelClock {
	t.Helper()
	k, err := hw.NewKernelClock()
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no timerfd on this system: SystemClock is used instead")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close() })
	return k
}

func within(t *testing.T, c <-chan time.Time, d time.Duration) time.Time {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(d):
		t.Fatalf("timer did not fire within %v", d)
		return time.Time{}
	}
}

func silent(t *testing.T, c <-chan time.Time, d time.Duration) {
	t.Helper()
	select {
	case v := <-c:
		t.Fatalf("timer fired at %v", v)
	case <-time.After(d):
	}
}

// Timers fire in deadline order, not before their time, whatever the
// order they were set in.
func TestKernelClockTimersFireInOrder(t *testing.T) {
	k := kernelClock(t)
	start := time.Now()
	late := k.NewTimer(120 * time.Millisecond)
	early := k.NewTimer(40 * time.Millisecond)
	e := within(t, early.C(), 2*time.Second)
	l := within(t, late.C(), 2*time.Second)
	if e.Sub(start) < 40*time.Millisecond || l.Sub(start) < 120*time.Millisecond {
		t.Fatalf("fired early: %v and %v", e.Sub(start), l.Sub(start))
	}
	if !e.Before(l) {
		t.Fatalf("the 40 ms timer fired at %v, after the 120 ms one at %v", e.Sub(start), l.Sub(start))
	}
	if early.Stop() || late.Stop() {
		t.Error("Stop of a fired timer returned true")
	}
}

// Stop and Reset behave as time.Timer's: true while armed, and no value
// of the earlier arming is received afterwards.
func TestKernelClockStopReset(t *testing.T) {
	k := kernelClock(t)
	a := k.NewTimer(30 * time.Millisecond)
	if !a.Stop() {
		t.Fatal("Stop of an armed timer returned false")
	}
	silent(t, a.C(), 100*time.Millisecond)
	if a.Reset(40 * time.Millisecond) {
		t.Fatal("Reset of a stopped timer returned true")
	}
	within(t, a.C(), 2*time.Second)

	// Expired but not received: Reset drops the stale value.
	b := k.NewTimer(10 * time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	b.Reset(80 * time.Millisecond)
	if v := within(t, b.C(), 2*time.Second); v.Sub(start) < 80*time.Millisecond {
		t.Fatalf("received the stale expiry (%v after Reset)", v.Sub(start))
	}

	// Resetting the earliest timer to later lets the next one fire first.
	c, d := k.NewTimer(30*time.Millisecond), k.NewTimer(90*time.Millisecond)
	if !c.Reset(300 * time.Millisecond) {
		t.Fatal("Reset of an armed timer returned false")
	}
	within(t, d.C(), 2*time.Second)
	silent(t, c.C(), 50*time.Millisecond)
	within(t, c.C(), 2*time.Second)
}

// Close ends the serving goroutine (goleak checks it in TestMain) and
// twice is harmless; timers then never fire.
func TestKernelClockClose(t *testing.T) {
	k := kernelClock(t)
	tm := k.NewTimer(20 * time.Millisecond)
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	silent(t, tm.C(), 60*time.Millisecond)
	tm.Reset(time.Millisecond) // no panic on a closed clock
	silent(t, tm.C(), 30*time.Millisecond)
}

// The LED patterns run on it: a heartbeat's first flash is 100 ms long.
func TestKernelClockDrivesLEDs(t *testing.T) {
	k := kernelClock(t)
	line := &traceLine{start: time.Now()}
	leds := hw.NewLEDSet(map[string]hw.OutputLine{"status": line}, k, quiet())
	defer leds.Close()
	if err := leds.Set("status", hw.Heartbeat); err != nil {
		t.Fatal(err)
	}
	var edges []time.Duration
	for end := time.Now().Add(2 * time.Second); len(edges) < 2 && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		line.mu.Lock()
		edges = append([]time.Duration(nil), line.edges...)
		line.mu.Unlock()
	}
	if len(edges) < 2 {
		t.Fatalf("%d LED changes in 2 s", len(edges))
	}
	if d := edges[1] - edges[0]; d < 90*time.Millisecond || d > 400*time.Millisecond {
		t.Fatalf("first flash lasted %v, want 100 ms", d)
	}
}
