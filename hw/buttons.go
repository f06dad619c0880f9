package hw

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// edgePoll bounds every WaitForEdge: the level is re-read at least this
// often, which also catches an edge the driver missed. Close does not wait
// for it (it halts the waits). Each expiry wakes the process: at 200 ms,
// three buttons were a fifth of an idle intercom's wake-ups.
const edgePoll = 2 * time.Second

// eventBuffer is how many button events may wait for the reader.
const eventBuffer = 32

// ButtonSet watches a set of buttons, one goroutine per button, and delivers
// their debounced events on one channel.
type ButtonSet struct {
	log     *slog.Logger
	events  chan ButtonEvent
	quit    chan struct{}
	wg      sync.WaitGroup
	lines   []InputLine
	debs    []*Debouncer
	closeMu sync.Mutex
	closed  bool
}

// NewButtonSet opens the buttons' lines through lines and starts watching
// them. On error, lines already opened are closed again.
func NewButtonSet(cfgs []ButtonConfig, lines LineOpener, clk Clock, log *slog.Logger) (*ButtonSet, error) {
	s := &ButtonSet{log: log, events: make(chan ButtonEvent, eventBuffer), quit: make(chan struct{})}
	for _, c := range cfgs {
		l, err := lines.OpenInput(c.Pin, c.ActiveLow)
		if err != nil {
			s.closeLines()
			return nil, fmt.Errorf("hw.NewButtonSet: button %q: %w", c.Name, err)
		}
		s.lines = append(s.lines, l)
		s.debs = append(s.debs, NewDebouncer(c.Name, c.Debounce, c.LongPress, l.Active(), clk, s.send))
	}
	for i := range s.lines {
		s.wg.Add(1)
		go s.watch(s.lines[i], s.debs[i])
	}
	return s, nil
}

// Events returns the channel of debounced events. It is closed by Close.
func (s *ButtonSet) Events() <-chan ButtonEvent { return s.events }

func (s *ButtonSet) send(ev ButtonEvent) {
	select {
	case s.events <- ev:
		s.log.Debug("button", "name", ev.Button, "event", ev.Kind.String())
	default:
		s.log.Warn("button event dropped: reader too slow", "name", ev.Button, "event", ev.Kind.String())
	}
}

func (s *ButtonSet) watch(l InputLine, d *Debouncer) {
	defer s.wg.Done()
	for {
		select {
		case <-s.quit:
			return
		default:
		}
		l.WaitForEdge(edgePoll)
		d.Input(l.Active())
	}
}

// Pressed returns the buttons whose line reads pressed now (the raw level,
// not debounced): at rest, a button listed here is wired to the wrong pin
// or with the wrong active_low, or stuck.
func (s *ButtonSet) Pressed() []string {
	var out []string
	for i, l := range s.lines {
		if l.Active() {
			out = append(out, s.debs[i].name)
		}
	}
	return out
}

// Close stops the watchers, releases the lines and closes the events
// channel. It is safe to call more than once.
func (s *ButtonSet) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.quit)
	var halt error
	for _, l := range s.lines {
		if err := l.Halt(); err != nil && halt == nil {
			halt = fmt.Errorf("hw.ButtonSet.Close: halt: %w", err)
		}
	}
	s.wg.Wait()
	for _, d := range s.debs {
		d.Stop()
	}
	err := s.closeLines()
	close(s.events)
	return errors.Join(halt, err)
}

func (s *ButtonSet) closeLines() error {
	var first error
	for _, l := range s.lines {
		if err := l.Close(); err != nil && first == nil {
			first = fmt.Errorf("hw.ButtonSet.Close: %w", err)
		}
	}
	s.lines = nil
	return first
}
