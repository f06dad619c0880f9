package hwtest_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/hwtest"
)

func TestClockFiresInOrder(t *testing.T) {
	c := hwtest.NewClock(time.Unix(0, 0))
	var order []int
	c.AfterFunc(30*time.Millisecond, func() { order = append(order, 3) })
	c.AfterFunc(10*time.Millisecond, func() { order = append(order, 1) })
	stopped := c.AfterFunc(20*time.Millisecond, func() { order = append(order, 2) })
	tm := c.NewTimer(25 * time.Millisecond)
	stopped.Stop()
	c.Advance(29 * time.Millisecond)
	if len(order) != 1 || order[0] != 1 {
		t.Fatalf("order %v", order)
	}
	select {
	case at := <-tm.C():
		if at != time.Unix(0, 0).Add(25*time.Millisecond) {
			t.Errorf("timer fired at %v", at)
		}
	default:
		t.Fatal("timer did not fire")
	}
	c.Advance(time.Millisecond)
	if len(order) != 2 || c.Pending() != 0 {
		t.Fatalf("order %v, %d pending", order, c.Pending())
	}
}

func TestFakes(t *testing.T) {
	b := hwtest.NewButtons(nil)
	b.Press("call")
	if ev := <-b.Events(); ev.Button != "call" || ev.Kind != hw.Press {
		t.Errorf("event %+v", ev)
	}
	_ = b.Close()

	l := hwtest.NewLEDs("status")
	_ = l.Set("status", hw.Heartbeat)
	if p, _ := l.State("status"); p != hw.Heartbeat || len(l.History("status")) != 2 {
		t.Errorf("LED %v %v", p, l.History("status"))
	}
	if err := l.Set("x", hw.On); !errors.Is(err, hw.ErrUnknownName) {
		t.Error(err)
	}

	r := hwtest.NewRelay(0)
	if err := r.Pulse(time.Minute); !errors.Is(err, hw.ErrPulseTooLong) {
		t.Error(err)
	}
	_ = r.Pulse(time.Second)
	if p := r.Pulses(); len(p) != 1 || p[0] != time.Second {
		t.Errorf("pulses %v", p)
	}

	a := hwtest.NewAudio(8000, 160)
	if _, err := a.Tick(nil); !errors.Is(err, hwtest.ErrNotStarted) {
		t.Error(err)
	}
	_ = a.Start(func(in, out []int16) { copy(out, in) })
	out, err := a.Tick([]int16{1, 2, 3})
	if err != nil || len(out) != 160 || out[2] != 3 || out[3] != 0 {
		t.Errorf("Tick = %v, %v", out[:4], err)
	}
	if err := a.Start(func(in, out []int16) {}); !errors.Is(err, hwtest.ErrStarted) {
		t.Errorf("second Start: %v", err)
	}

	// Step captures the looped signal; Played records every period's output.
	d := hwtest.NewAudio(8000, 3)
	d.SetCapture([]int16{1, 2})
	if d.Step() {
		t.Error("Step ran with no consumer")
	}
	_ = d.Start(func(in, out []int16) { copy(out, in) })
	d.Step()
	d.Step()
	if got := d.Played(); !slices.Equal(got, []int16{1, 2, 1, 2, 1, 2}) {
		t.Errorf("Played = %v", got)
	}
	if st := d.Stats(); st.Periods != 2 {
		t.Errorf("Stats = %+v", st)
	}
	_ = d.Close()
	if err := d.Start(func(in, out []int16) {}); !errors.Is(err, hwtest.ErrClosed) {
		t.Errorf("Start after Close: %v", err)
	}
}
