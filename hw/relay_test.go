package hw_test

import (
	"errors"
	"testing"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/hwtest"
)

func TestRelayPulseIsGuardedAndEnds(t *testing.T) {
	clk := hwtest.NewClock(t0)
	line := &traceLine{start: t0}
	r, err := hw.NewRelay("door", line, 10*time.Second, clk, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Pulse(11 * time.Second); !errors.Is(err, hw.ErrPulseTooLong) {
		t.Fatalf("Pulse(11s) = %v, want ErrPulseTooLong", err)
	}
	if err := r.Pulse(0); !errors.Is(err, hw.ErrBadPulse) {
		t.Fatalf("Pulse(0) = %v, want ErrBadPulse", err)
	}
	if on, _ := line.snapshot(); on || r.Active() {
		t.Fatal("a refused pulse switched the relay on")
	}
	if err := r.Pulse(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	clk.Advance(1999 * time.Millisecond)
	if on, _ := line.snapshot(); !on || !r.Active() {
		t.Fatal("relay off before the pulse ended")
	}
	clk.Advance(time.Millisecond)
	if on, _ := line.snapshot(); on || r.Active() {
		t.Fatal("relay still on after the pulse")
	}
	if r.Pulses() != 1 {
		t.Errorf("Pulses() = %d, want 1", r.Pulses())
	}
}

func TestRelayRepulseExtendsAndCloseSwitchesOff(t *testing.T) {
	clk := hwtest.NewClock(t0)
	line := &traceLine{start: t0}
	r, _ := hw.NewRelay("door", line, 0, clk, quiet())
	if r.MaxPulse() != hw.DefaultMaxPulse {
		t.Errorf("MaxPulse() = %v", r.MaxPulse())
	}
	_ = r.Pulse(time.Second)
	clk.Advance(800 * time.Millisecond)
	_ = r.Pulse(time.Second) // ends at 1.8 s now
	clk.Advance(500 * time.Millisecond)
	if !r.Active() {
		t.Fatal("second pulse did not extend the first")
	}
	_ = r.Pulse(5 * time.Second)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if on, _ := line.snapshot(); on || !line.closed || r.Active() {
		t.Fatal("Close left the relay on or its line open")
	}
	if clk.Pending() != 0 {
		t.Errorf("%d timers pending after Close", clk.Pending())
	}
	if err := r.Pulse(time.Second); !errors.Is(err, hw.ErrClosed) {
		t.Errorf("Pulse after Close = %v, want ErrClosed", err)
	}
}
