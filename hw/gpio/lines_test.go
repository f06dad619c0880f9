package gpio_test

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
	"periph.io/x/conn/v3/gpio"

	"github.com/skoip/skoip/hw"
	hwgpio "github.com/skoip/skoip/hw/gpio"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fakePin is an electrical line: Drive changes its level and queues an edge.
type fakePin struct {
	name   string
	mu     sync.Mutex
	level  gpio.Level
	pull   gpio.Pull
	noBias bool
	edges  chan struct{}
	waits  []time.Duration
	outs   []gpio.Level
	closed bool
}

func newFakePin(name string) *fakePin { return &fakePin{name: name, edges: make(chan struct{}, 16)} }

func (p *fakePin) Name() string { return p.name }

func (p *fakePin) In(pull gpio.Pull, _ gpio.Edge) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.noBias && pull != gpio.PullNoChange {
		return errors.New("bias not supported")
	}
	p.pull = pull
	if pull == gpio.PullUp {
		p.level = gpio.High
	}
	return nil
}

func (p *fakePin) Read() gpio.Level { p.mu.Lock(); defer p.mu.Unlock(); return p.level }

func (p *fakePin) Drive(l gpio.Level) {
	p.mu.Lock()
	p.level = l
	p.mu.Unlock()
	p.edges <- struct{}{}
}

func (p *fakePin) WaitForEdge(timeout time.Duration) bool {
	p.mu.Lock()
	p.waits = append(p.waits, timeout)
	p.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.edges:
		return true
	case <-t.C:
		return false
	}
}

func (p *fakePin) Out(l gpio.Level) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.level = l
	p.outs = append(p.outs, l)
	return nil
}

func (p *fakePin) Halt() error {
	select {
	case p.edges <- struct{}{}:
	default:
	}
	return nil
}

func (p *fakePin) Close() { p.mu.Lock(); p.closed = true; p.mu.Unlock() }

func pins(ps ...*fakePin) func(string) hwgpio.Pin {
	return func(name string) hwgpio.Pin {
		for _, p := range ps {
			if p.name == name {
				return p
			}
		}
		return nil
	}
}

func TestActiveLowButtonWithPullUpBouncesToOnePress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		btn, led := newFakePin("GPIO17"), newFakePin("GPIO22")
		cfg := hw.Config{
			Buttons: []hw.ButtonConfig{{Name: "call", Pin: "GPIO17", ActiveLow: true, Debounce: 50 * time.Millisecond}},
			LEDs:    []hw.LEDConfig{{Name: "status", Pin: "GPIO22", ActiveLow: true}},
		}
		b, err := hw.NewBoard(cfg, hwgpio.NewLines(pins(btn, led), quiet()), hw.SystemClock(), quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if btn.pull != gpio.PullUp {
			t.Errorf("active-low button bias = %v, want pull-up", btn.pull)
		}
		for i := range 7 { // contact bounce, 2 ms apart, ends low (pressed)
			btn.Drive(gpio.Level(i%2 == 1))
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		var got []hw.EventKind
		for len(b.Buttons.Events()) > 0 {
			got = append(got, (<-b.Buttons.Events()).Kind)
		}
		if len(got) != 1 || got[0] != hw.Press {
			t.Fatalf("events %v, want exactly one press", got)
		}
		_ = b.LEDs.Set("status", hw.On)
		synctest.Wait()
		if led.Read() != gpio.Low {
			t.Error("active-low LED lit should drive the line low")
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if !btn.closed || !led.closed || led.Read() != gpio.High {
			t.Error("Close did not release the lines and switch the LED off")
		}
		for _, w := range btn.waits {
			if w <= 0 {
				t.Fatalf("WaitForEdge(%v): timeouts must be finite and positive", w)
			}
		}
	})
}

func TestMissingLineNamesThePin(t *testing.T) {
	l := hwgpio.NewLines(pins(newFakePin("GPIO17")), quiet())
	_, err := l.OpenInput("GPIO99", true)
	if !errors.Is(err, hwgpio.ErrNoLine) || !strings.Contains(err.Error(), "GPIO99") {
		t.Fatalf("OpenInput(GPIO99) = %v, want ErrNoLine naming the pin", err)
	}
	if _, err := l.OpenInput("GPIO17", true); err != nil {
		t.Fatal(err)
	}
	if _, err := l.OpenOutput("GPIO17", false); !errors.Is(err, hwgpio.ErrBusy) {
		t.Fatalf("second open = %v, want ErrBusy", err)
	}
}

func TestBiasUnsupportedFallsBack(t *testing.T) {
	p := newFakePin("GPIO5")
	p.noBias = true
	in, err := hwgpio.NewLines(pins(p), quiet()).OpenInput("GPIO5", true)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if p.pull != gpio.PullNoChange {
		t.Errorf("pull = %v", p.pull)
	}
}

func TestOpenWithoutChips(t *testing.T) {
	if m, _ := filepath.Glob("/dev/gpiochip*"); len(m) > 0 {
		t.Skip("this machine has GPIO chips")
	}
	if _, err := hwgpio.Open(quiet()); !errors.Is(err, hwgpio.ErrNoChips) {
		t.Fatalf("Open = %v, want ErrNoChips", err)
	}
	chips, err := hwgpio.Chips()
	if err != nil || len(chips) != 0 {
		t.Fatalf("Chips = %v, %v", chips, err)
	}
	var sb strings.Builder
	if err := hwgpio.WriteChips(&sb, chips); err != nil || !strings.Contains(sb.String(), "no GPIO chips") {
		t.Fatalf("WriteChips: %q %v", sb.String(), err)
	}
}
