package audio

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skoip/skoip/hw"
)

// Reopen backoff and stall detection of a resilient device.
const (
	backoffMin      = 500 * time.Millisecond
	backoffMax      = 10 * time.Second
	watchdogTimeout = 4 * time.Second
)

// stream is one opened and started instance of a real device. Its data
// callback calls data once per period; it calls stopped when it stops by
// itself. Close stops it for good; no callback runs after Close returns.
type stream interface{ Close() error }

// xrunCounter is a stream that counts the xruns its driver reports (the
// pure-Go backend); malgo's are seen only as late callbacks.
type xrunCounter interface{ Xruns() (under, over uint64) }

// openFunc opens and starts a stream.
type openFunc func(data func(in, out []int16), stopped func()) (stream, error)

// resilient is a Device over a real stream that may vanish: it keeps the
// consumer set across reopenings, reports faults and reopens with backoff.
type resilient struct {
	rate, frames int
	period       time.Duration
	open         openFunc
	clk          hw.Clock
	log          *slog.Logger
	onHealth     func(error)

	cbMu   sync.Mutex // held while fn runs
	fn     func(in, out []int16)
	silent []int16      // capture stand-in when there is no capture side
	sunk   []int16      // playback stand-in when there is no playback side
	last   atomic.Int64 // UnixNano of the previous callback; 0 after (re)open
	// ownXruns: the current stream counts its xruns (xrunCounter), so a
	// late callback is not taken for one: it may deliver buffered audio.
	ownXruns atomic.Bool

	faults chan error
	quit   chan struct{}
	done   chan struct{}

	mu     sync.Mutex
	cur    stream
	gen    uint64
	closed bool
	// xruns of streams closed since Open, as their drivers counted them
	baseUnder, baseOver uint64

	periods, under, over, nfault, nreopen atomic.Uint64
}

// newResilient opens the first stream (an error here is returned: there is
// no device to recover) and starts the supervisor.
func newResilient(cfg Config, open openFunc, log *slog.Logger) (*resilient, error) {
	n := cfg.frames()
	r := &resilient{rate: cfg.SampleRate, frames: n, period: cfg.Period, open: open, clk: cfg.Clock,
		log: log, onHealth: cfg.OnHealth, silent: make([]int16, n), sunk: make([]int16, n),
		faults: make(chan error, 1), quit: make(chan struct{}), done: make(chan struct{})}
	if r.onHealth == nil {
		r.onHealth = func(error) {}
	}
	if err := r.reopen(); err != nil {
		return nil, err
	}
	go r.supervise()
	return r, nil
}

func (r *resilient) SampleRate() int { return r.rate }

// Start sets the consumer; the stream itself runs from Open to Close.
func (r *resilient) Start(fn func(in, out []int16)) error {
	r.cbMu.Lock()
	defer r.cbMu.Unlock()
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	switch {
	case closed:
		return fmt.Errorf("audio.Start: %w", ErrClosed)
	case r.fn != nil:
		return fmt.Errorf("audio.Start: %w", ErrRunning)
	}
	r.fn = fn
	return nil
}

// Stop removes the consumer, waiting for a running call of it to end.
func (r *resilient) Stop() error {
	r.cbMu.Lock()
	r.fn = nil
	r.cbMu.Unlock()
	return nil
}

func (r *resilient) Stats() Stats {
	r.mu.Lock()
	under, over := r.baseUnder, r.baseOver
	if x, ok := r.cur.(xrunCounter); ok {
		u, o := x.Xruns()
		under, over = under+u, over+o
	}
	r.mu.Unlock()
	return Stats{Periods: r.periods.Load(), Underruns: r.under.Load() + under, Overruns: r.over.Load() + over,
		Faults: r.nfault.Load(), Reopens: r.nreopen.Load()}
}

// data is the stream's callback, on the audio thread.
func (r *resilient) data(in, out []int16) {
	now := r.clk.Now().UnixNano()
	if last := r.last.Swap(now); last != 0 && !r.ownXruns.Load() && time.Duration(now-last) > r.period*5/2 {
		r.over.Add(1)  // the capture side lost audio while we were late...
		r.under.Add(1) // ...and the playback side ran dry
	}
	if in == nil {
		in = r.silent[:len(out)]
	}
	if out == nil {
		out = r.sunk[:len(in)]
	}
	clear(out)
	r.cbMu.Lock()
	if r.fn != nil && len(in) == r.frames && len(out) == r.frames {
		r.fn(in, out)
	} else if r.fn != nil {
		r.under.Add(1) // a short callback: not one period, not given to fn
	}
	r.cbMu.Unlock()
	r.periods.Add(1)
}
