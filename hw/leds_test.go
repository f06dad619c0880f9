package hw_test

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skoip/skoip/hw"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// traceLine is an OutputLine that records when it changed level.
type traceLine struct {
	mu     sync.Mutex
	start  time.Time
	on     bool
	edges  []time.Duration // offsets from start of each change
	closed bool
}

func (l *traceLine) Set(on bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if on != l.on {
		l.edges = append(l.edges, time.Since(l.start))
	}
	l.on = on
	return nil
}

func (l *traceLine) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return nil
}

func (l *traceLine) snapshot() (bool, []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.on, append([]time.Duration(nil), l.edges...)
}

// expectedEdges lists the change times of p over span, starting at 0.
func expectedEdges(p hw.Pattern, span time.Duration) []time.Duration {
	steps := p.Steps()
	var out []time.Duration
	at := time.Duration(0)
	for i := 0; at <= span; i++ {
		out = append(out, at)
		at += steps[i%len(steps)]
	}
	return out
}

func TestLEDPatternsFollowTheirSteps(t *testing.T) {
	for _, p := range []hw.Pattern{hw.SlowBlink, hw.FastBlink, hw.Heartbeat, hw.Error} {
		t.Run(p.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				line := &traceLine{start: time.Now()}
				s := hw.NewLEDSet(map[string]hw.OutputLine{"status": line}, hw.SystemClock(), quiet())
				defer s.Close()
				if err := s.Set("status", p); err != nil {
					t.Fatal(err)
				}
				const span = 5 * time.Second
				time.Sleep(span) // virtual time inside the bubble
				synctest.Wait()
				_, got := line.snapshot()
				want := expectedEdges(p, span)
				if len(got) != len(want) {
					t.Fatalf("%d changes %v, want %d %v", len(got), got, len(want), want)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("change %d at %v, want %v", i, got[i], want[i])
					}
				}
			})
		})
	}
}

func TestLEDSteadyPatternsStateAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		line := &traceLine{start: time.Now()}
		s := hw.NewLEDSet(map[string]hw.OutputLine{"call": line}, hw.SystemClock(), quiet())
		if err := s.Set("call", hw.On); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if on, edges := line.snapshot(); !on || len(edges) != 1 {
			t.Fatalf("On: level %v after %d changes, want lit after 1", on, len(edges))
		}
		if p, ok := s.State("call"); !ok || p != hw.On {
			t.Errorf("State = %v %v", p, ok)
		}
		if err := s.Set("nope", hw.On); !errors.Is(err, hw.ErrUnknownName) {
			t.Errorf("Set(unknown) = %v, want ErrUnknownName", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if on, _ := line.snapshot(); on || !line.closed {
			t.Error("Close left the LED lit or open")
		}
		if err := s.Set("call", hw.Off); !errors.Is(err, hw.ErrClosed) {
			t.Errorf("Set after Close = %v, want ErrClosed", err)
		}
	})
}

func TestParsePattern(t *testing.T) {
	for p := hw.Off; p <= hw.Error; p++ {
		got, err := hw.ParsePattern(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePattern(%q) = %v, %v", p.String(), got, err)
		}
	}
	if _, err := hw.ParsePattern("disco"); !errors.Is(err, hw.ErrBadPattern) {
		t.Errorf("ParsePattern(disco) = %v", err)
	}
}
