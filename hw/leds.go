package hw

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// LEDConfig describes one LED.
type LEDConfig struct {
	Name      string
	Pin       string
	ActiveLow bool
}

// LEDSet drives a set of LEDs, each showing a Pattern, from one owning
// goroutine. Pattern changes are logged at info level.
type LEDSet struct {
	log  *slog.Logger
	cmds chan ledCmd
	quit chan struct{}
	done chan struct{}

	mu       sync.Mutex
	patterns map[string]Pattern
	closed   bool
}

type ledCmd struct {
	name string
	p    Pattern
}

// NewLEDSet takes ownership of outs (LED name to line), turns them all off
// and starts the goroutine that drives them.
func NewLEDSet(outs map[string]OutputLine, clk Clock, log *slog.Logger) *LEDSet {
	s := &LEDSet{log: log, cmds: make(chan ledCmd), quit: make(chan struct{}),
		done: make(chan struct{}), patterns: make(map[string]Pattern, len(outs))}
	leds := make(map[string]*ledState, len(outs))
	for name, out := range outs {
		s.patterns[name] = Off
		leds[name] = &ledState{name: name, out: out}
	}
	d := &ledDriver{clk: clk, log: log, leds: leds}
	go d.run(s.cmds, s.quit, s.done)
	return s
}

// Set makes the LED called name show p.
func (s *LEDSet) Set(name string, p Pattern) error {
	s.mu.Lock()
	old, ok := s.patterns[name]
	closed := s.closed
	if ok && !closed {
		s.patterns[name] = p
	}
	s.mu.Unlock()
	switch {
	case closed:
		return fmt.Errorf("hw.LEDSet.Set %q: %w", name, ErrClosed)
	case !ok:
		return fmt.Errorf("hw.LEDSet.Set %q: %w", name, ErrUnknownName)
	}
	if old != p {
		s.log.Info("led", "name", name, "pattern", p.String())
	}
	select {
	case s.cmds <- ledCmd{name, p}:
		return nil
	case <-s.done:
		return fmt.Errorf("hw.LEDSet.Set %q: %w", name, ErrClosed)
	}
}

// State returns the pattern the LED called name shows, and whether it exists.
func (s *LEDSet) State(name string) (Pattern, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.patterns[name]
	return p, ok
}

// Names returns the LEDs' names, sorted.
func (s *LEDSet) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.patterns))
	for n := range s.patterns {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Close stops the goroutine, turns every LED off and releases the lines.
func (s *LEDSet) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.quit)
	<-s.done
	return nil
}

// ledState is one LED as the driver goroutine sees it.
type ledState struct {
	name    string
	out     OutputLine
	pattern Pattern
	steps   []time.Duration
	step    int
	next    time.Time // zero when steady
	on      bool
	failing bool
}
