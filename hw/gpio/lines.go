package gpio

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"

	"github.com/skoip/skoip/hw"
)

// Pin is the part of periph's gpio.PinIO that SKOIP uses; gpioioctl's
// *GPIOLine satisfies it, and so can a test fake.
type Pin interface {
	Name() string
	In(pull gpio.Pull, edge gpio.Edge) error
	Read() gpio.Level
	// WaitForEdge: in gpioioctl 0 means forever and -1 returns at once;
	// this package only ever passes a positive timeout.
	WaitForEdge(timeout time.Duration) bool
	Out(l gpio.Level) error
	Halt() error
}

// minWait is the shortest timeout handed to Pin.WaitForEdge, so that 0 or a
// negative value (which mean "forever" or "not at all" to the drivers)
// never reaches it.
const minWait = time.Millisecond

// Lines is a hw.LineOpener over named pins.
type Lines struct {
	lookup func(name string) Pin
	log    *slog.Logger
	mu     sync.Mutex
	inUse  map[string]bool
}

var _ hw.LineOpener = (*Lines)(nil)

// NewLines returns Lines that find pins with lookup (nil = not found).
func NewLines(lookup func(name string) Pin, log *slog.Logger) *Lines {
	return &Lines{lookup: lookup, log: log, inUse: map[string]bool{}}
}

func (l *Lines) take(name string) (Pin, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inUse[name] {
		return nil, fmt.Errorf("line %s: %w", name, ErrBusy)
	}
	p := l.lookup(name)
	if p == nil {
		return nil, fmt.Errorf("line %s: %w (check the pin name in the config; `skoip devices` lists the lines)", name, ErrNoLine)
	}
	l.inUse[name] = true
	return p, nil
}

func (l *Lines) give(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.inUse, name)
}

// OpenInput configures pin as an input with both edges reported and a
// pull-up (active-low) or pull-down bias where the chip supports one.
func (l *Lines) OpenInput(name string, activeLow bool) (hw.InputLine, error) {
	p, err := l.take(name)
	if err != nil {
		return nil, fmt.Errorf("gpio.OpenInput: %w", err)
	}
	pull := gpio.PullDown
	if activeLow {
		pull = gpio.PullUp
	}
	if err := p.In(pull, gpio.BothEdges); err != nil {
		l.log.Warn("bias not supported; relying on an external resistor", "line", name, "pull", pull.String(), "err", err)
		if err := p.In(gpio.PullNoChange, gpio.BothEdges); err != nil {
			l.give(name)
			return nil, fmt.Errorf("gpio.OpenInput: line %s: %w", name, err)
		}
	}
	return &input{pin: p, activeLow: activeLow, release: func() { l.give(name) }}, nil
}

// OpenOutput configures pin as an output, switched off.
func (l *Lines) OpenOutput(name string, activeLow bool) (hw.OutputLine, error) {
	p, err := l.take(name)
	if err != nil {
		return nil, fmt.Errorf("gpio.OpenOutput: %w", err)
	}
	o := &output{pin: p, activeLow: activeLow, release: func() { l.give(name) }}
	if err := o.Set(false); err != nil {
		l.give(name)
		return nil, fmt.Errorf("gpio.OpenOutput: line %s: %w", name, err)
	}
	return o, nil
}
