package hw_test

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testConfig() hw.Config {
	return hw.Config{
		Buttons: []hw.ButtonConfig{
			{Name: "call", Pin: "GPIO17", ActiveLow: true, Debounce: 30 * time.Millisecond, LongPress: time.Second},
			{Name: "open", Pin: "GPIO27", ActiveLow: true, Debounce: 30 * time.Millisecond},
		},
		LEDs:   []hw.LEDConfig{{Name: "status", Pin: "GPIO22"}, {Name: "call", Pin: "GPIO23"}},
		Relays: []hw.RelayConfig{{Name: "door", Pin: "GPIO24", MaxPulse: 5 * time.Second}},
	}
}

func next(t *testing.T, ch <-chan hw.ButtonEvent) hw.ButtonEvent {
	t.Helper()
	synctest.Wait()
	select {
	case ev := <-ch:
		return ev
	default:
		t.Fatal("no button event")
		return hw.ButtonEvent{}
	}
}

func TestSimBoardButtonsThroughGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, err := sim.Open(testConfig(), hw.SystemClock(), quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		start := time.Now()
		if err := b.Press("call"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		ev := next(t, b.Buttons.Events())
		if ev.Button != "call" || ev.Kind != hw.Press || ev.Time.Sub(start) != 30*time.Millisecond {
			t.Fatalf("first event %+v (after %v)", ev, ev.Time.Sub(start))
		}
		if ev := next(t, b.Buttons.Events()); ev.Kind != hw.LongPress {
			t.Fatalf("second event %+v, want long-press", ev)
		}
		_ = b.Release("call")
		time.Sleep(time.Second)
		if ev := next(t, b.Buttons.Events()); ev.Kind != hw.Release {
			t.Fatalf("third event %+v, want release", ev)
		}
		if got := b.Buttons.Pressed(); len(got) != 0 {
			t.Errorf("Pressed at rest = %v", got)
		}
		_ = b.Press("open")
		if got := b.Buttons.Pressed(); len(got) != 1 || got[0] != "open" {
			t.Errorf("Pressed with open held = %v", got)
		}
		_ = b.Release("open")
		time.Sleep(time.Second)
		synctest.Wait()
		for len(b.Buttons.Events()) > 0 {
			<-b.Buttons.Events()
		}
		if err := b.Press("bell"); !errors.Is(err, sim.ErrUnknownButton) {
			t.Errorf("Press(unknown) = %v", err)
		}
	})
}

func TestSimBoardLEDsRelayAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, err := sim.Open(testConfig(), hw.SystemClock(), quiet())
		if err != nil {
			t.Fatal(err)
		}
		if err := b.LEDs.Set("status", hw.Heartbeat); err != nil {
			t.Fatal(err)
		}
		if p, _ := b.LEDs.State("status"); p != hw.Heartbeat {
			t.Errorf("State(status) = %v", p)
		}
		door, err := b.Relay("door")
		if err != nil {
			t.Fatal(err)
		}
		if err := door.Pulse(6 * time.Second); !errors.Is(err, hw.ErrPulseTooLong) {
			t.Errorf("Pulse(6s) over a 5s guard = %v", err)
		}
		_ = door.Pulse(3 * time.Second)
		synctest.Wait()
		if !b.Lines().Output("GPIO24").On() {
			t.Error("relay line not on during pulse")
		}
		if _, err := b.Relay("garage"); !errors.Is(err, hw.ErrUnknownName) {
			t.Errorf("Relay(unknown) = %v", err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		for _, pin := range []string{"GPIO22", "GPIO23", "GPIO24"} {
			if o := b.Lines().Output(pin); o.On() || !o.Closed() {
				t.Errorf("%s left on or open after Close", pin)
			}
		}
		if _, ok := <-b.Buttons.Events(); ok {
			t.Error("events channel open after Close")
		}
	})
}

func TestConfigValidate(t *testing.T) {
	c := testConfig()
	c.LEDs[1].Pin = "GPIO17"
	if err := c.Validate(); !errors.Is(err, hw.ErrDuplicate) {
		t.Errorf("shared pin: %v", err)
	}
	c = testConfig()
	c.Buttons[1].Name = "call"
	if err := c.Validate(); !errors.Is(err, hw.ErrDuplicate) {
		t.Errorf("shared name: %v", err)
	}
	c = testConfig()
	c.Relays[0].Pin = ""
	if err := c.Validate(); err == nil {
		t.Error("empty pin accepted")
	}
}

// failingLines opens every pin but one.
type failingLines struct {
	*sim.Lines
	bad string
}

var errNoSuchLine = errors.New("no such line")

func (f *failingLines) OpenInput(pin string, activeLow bool) (hw.InputLine, error) {
	if pin == f.bad {
		return nil, errNoSuchLine
	}
	return f.Lines.OpenInput(pin, activeLow)
}

func (f *failingLines) OpenOutput(pin string, activeLow bool) (hw.OutputLine, error) {
	if pin == f.bad {
		return nil, errNoSuchLine
	}
	return f.Lines.OpenOutput(pin, activeLow)
}

// A pin that cannot be opened (a chip without it, a busy line) is an error
// naming it, never a panic, and what was already opened is released.
func TestNewBoardMissingPin(t *testing.T) {
	for _, bad := range []string{"GPIO24", "GPIO22", "GPIO27"} { // relay, LED, button
		synctest.Test(t, func(t *testing.T) {
			clk := hw.SystemClock()
			lines := &failingLines{Lines: sim.NewLines(clk), bad: bad}
			b, err := hw.NewBoard(testConfig(), lines, clk, quiet())
			if b != nil || !errors.Is(err, errNoSuchLine) {
				t.Fatalf("bad %s: board %v, err %v", bad, b, err)
			}
			for _, pin := range []string{"GPIO24", "GPIO22", "GPIO23"} {
				if o := lines.Output(pin); o != nil && !o.Closed() && pin != bad {
					t.Errorf("bad %s: output %s left open", bad, pin)
				}
			}
		})
	}
}
