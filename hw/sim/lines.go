package sim

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/skoip/skoip/hw"
)

// ErrBusy is returned when a pin is opened twice.
var ErrBusy = errors.New("sim: pin already open")

// ErrUnknownButton is returned by Press and Release for a name that is not
// a configured button.
var ErrUnknownButton = errors.New("sim: unknown button")

// Lines is an in-memory hw.LineOpener. Any pin name opens.
type Lines struct {
	clk     hw.Clock
	mu      sync.Mutex
	inputs  map[string]*Input
	outputs map[string]*Output
}

var _ hw.LineOpener = (*Lines)(nil)

// NewLines returns an empty set of simulated lines whose WaitForEdge
// timeouts run on clk.
func NewLines(clk hw.Clock) *Lines {
	return &Lines{clk: clk, inputs: map[string]*Input{}, outputs: map[string]*Output{}}
}

// OpenInput opens pin as an input, initially inactive.
func (l *Lines) OpenInput(pin string, _ bool) (hw.InputLine, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inputs[pin] != nil || l.outputs[pin] != nil {
		return nil, fmt.Errorf("sim.OpenInput %s: %w", pin, ErrBusy)
	}
	in := &Input{clk: l.clk, edge: make(chan struct{}, 1)}
	l.inputs[pin] = in
	return in, nil
}

// OpenOutput opens pin as an output, initially off.
func (l *Lines) OpenOutput(pin string, _ bool) (hw.OutputLine, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inputs[pin] != nil || l.outputs[pin] != nil {
		return nil, fmt.Errorf("sim.OpenOutput %s: %w", pin, ErrBusy)
	}
	out := &Output{}
	l.outputs[pin] = out
	return out, nil
}

// Input returns the input opened on pin, or nil.
func (l *Lines) Input(pin string) *Input {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inputs[pin]
}

// Output returns the output opened on pin, or nil.
func (l *Lines) Output(pin string) *Output {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.outputs[pin]
}

// Input is a simulated input line.
type Input struct {
	clk    hw.Clock
	mu     sync.Mutex
	active bool
	edge   chan struct{}
}

// Set changes the line's logical level and signals an edge.
func (in *Input) Set(active bool) {
	in.mu.Lock()
	in.active = active
	in.mu.Unlock()
	in.signal()
}

func (in *Input) signal() {
	select {
	case in.edge <- struct{}{}:
	default:
	}
}

// Active reports the logical level.
func (in *Input) Active() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.active
}

// WaitForEdge waits up to timeout for Set or Halt.
func (in *Input) WaitForEdge(timeout time.Duration) bool {
	t := in.clk.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-in.edge:
		return true
	case <-t.C():
		return false
	}
}

// Halt wakes a pending WaitForEdge.
func (in *Input) Halt() error { in.signal(); return nil }

// Close releases the line.
func (in *Input) Close() error { return nil }

// Output is a simulated output line.
type Output struct {
	mu      sync.Mutex
	on      bool
	closed  bool
	changes int
}

// Set switches the line.
func (o *Output) Set(on bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return hw.ErrClosed
	}
	if on != o.on {
		o.changes++
	}
	o.on = on
	return nil
}

// On reports the level.
func (o *Output) On() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.on
}

// Changes returns how often the level changed.
func (o *Output) Changes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.changes
}

// Closed reports whether Close was called.
func (o *Output) Closed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.closed
}

// Close switches the line off and releases it.
func (o *Output) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.on = false
	o.closed = true
	return nil
}
