package hw_test

import (
	"testing"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/hwtest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type recorder struct{ events []hw.ButtonEvent }

func (r *recorder) emit(ev hw.ButtonEvent) { r.events = append(r.events, ev) }

func (r *recorder) kinds() []hw.EventKind {
	var ks []hw.EventKind
	for _, e := range r.events {
		ks = append(ks, e.Kind)
	}
	return ks
}

// feed applies levels one millisecond apart, starting now.
func feed(clk *hwtest.Clock, d *hw.Debouncer, levels ...bool) {
	for _, l := range levels {
		d.Input(l)
		clk.Advance(time.Millisecond)
	}
}

func TestDebounceBouncingContactGivesOnePress(t *testing.T) {
	clk := hwtest.NewClock(t0)
	var r recorder
	d := hw.NewDebouncer("call", 20*time.Millisecond, 0, false, clk, r.emit)
	feed(clk, d, true, false, true, false, true, false, true) // 7 ms of bounce, ends pressed
	clk.Advance(100 * time.Millisecond)
	if len(r.events) != 1 || r.events[0].Kind != hw.Press {
		t.Fatalf("events = %v, want one press", r.kinds())
	}
	// Last raw change at 6 ms, stable 20 ms later.
	if got, want := r.events[0].Time.Sub(t0), 26*time.Millisecond; got != want {
		t.Errorf("press at %v, want %v", got, want)
	}
	feed(clk, d, false, true, false, true, false)
	clk.Advance(100 * time.Millisecond)
	if got := r.kinds(); len(got) != 2 || got[1] != hw.Release {
		t.Fatalf("events = %v, want press, release", got)
	}
	if d.Pressed() {
		t.Error("Pressed() after release = true")
	}
}

func TestDebounceGlitchShorterThanDebounceIsIgnored(t *testing.T) {
	clk := hwtest.NewClock(t0)
	var r recorder
	d := hw.NewDebouncer("call", 20*time.Millisecond, 0, false, clk, r.emit)
	d.Input(true)
	clk.Advance(19 * time.Millisecond)
	d.Input(false)
	clk.Advance(time.Second)
	if len(r.events) != 0 {
		t.Fatalf("events = %v, want none", r.kinds())
	}
}

func TestDebounceZeroIsImmediate(t *testing.T) {
	clk := hwtest.NewClock(t0)
	var r recorder
	d := hw.NewDebouncer("call", 0, 0, false, clk, r.emit)
	d.Input(true)
	d.Input(false)
	if got := r.kinds(); len(got) != 2 || got[0] != hw.Press || got[1] != hw.Release {
		t.Fatalf("events = %v, want press, release", got)
	}
}

func TestLongPress(t *testing.T) {
	clk := hwtest.NewClock(t0)
	var r recorder
	d := hw.NewDebouncer("open", 10*time.Millisecond, 800*time.Millisecond, false, clk, r.emit)

	d.Input(true) // short press: no long-press
	clk.Advance(300 * time.Millisecond)
	d.Input(false)
	clk.Advance(time.Second)
	if got := r.kinds(); len(got) != 2 || got[0] != hw.Press || got[1] != hw.Release {
		t.Fatalf("short press: events = %v, want press, release", got)
	}

	r.events = nil
	start := clk.Now()
	d.Input(true)
	clk.Advance(2 * time.Second)
	d.Input(false)
	clk.Advance(time.Second)
	want := []hw.EventKind{hw.Press, hw.LongPress, hw.Release}
	if got := r.kinds(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("long press: events = %v, want %v", got, want)
	}
	if got := r.events[1].Time.Sub(start); got != 810*time.Millisecond {
		t.Errorf("long-press at %v, want 810ms (debounce + long-press time)", got)
	}
}

func TestDebouncerStopSilences(t *testing.T) {
	clk := hwtest.NewClock(t0)
	var r recorder
	d := hw.NewDebouncer("call", 20*time.Millisecond, time.Second, false, clk, r.emit)
	d.Input(true)
	d.Stop()
	clk.Advance(5 * time.Second)
	if len(r.events) != 0 || clk.Pending() != 0 {
		t.Fatalf("after Stop: events %v, %d timers pending", r.kinds(), clk.Pending())
	}
}
