package audio

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/timerfd"
)

// maxLag is how many periods a paced device may fall behind before it
// gives up catching up and counts the lost periods as overruns.
const maxLag = 5

// paced is a device driven by a timer of one period: the null, loopback
// and file backends. source fills the capture buffer, sink consumes what
// was played; both run on the pacing goroutine.
type paced struct {
	rate   int
	period time.Duration
	clk    hw.Clock
	source func(in []int16)
	sink   func(out []int16)
	flush  func() error // after Stop
	final  func() error // in Close
	in     []int16
	out    []int16
	kernel bool // pace with a timerfd (Linux) when one can be made

	mu      sync.Mutex
	tfd     *timerfd.Timer // while started with kernel pacing
	quit    chan struct{}
	done    chan struct{}
	closed  bool
	periods atomic.Uint64
	overrun atomic.Uint64
}

func newPaced(cfg Config) *paced {
	n := cfg.frames()
	return &paced{rate: cfg.SampleRate, period: cfg.Period, clk: cfg.Clock, kernel: cfg.kernelClock,
		source: func(in []int16) { clear(in) }, sink: func([]int16) {},
		flush: func() error { return nil }, final: func() error { return nil },
		in: make([]int16, n), out: make([]int16, n)}
}

func (p *paced) SampleRate() int { return p.rate }

func (p *paced) Start(fn func(in, out []int16)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return fmt.Errorf("audio.Start: %w", ErrClosed)
	case p.quit != nil:
		return fmt.Errorf("audio.Start: %w", ErrRunning)
	}
	p.quit, p.done = make(chan struct{}), make(chan struct{})
	if p.kernel {
		if t, err := newPacer(p.period); err == nil {
			p.tfd = t
			go p.kernelLoop(fn, t, p.quit, p.done)
			return nil
		}
	}
	go func(quit <-chan struct{}, done chan<- struct{}) {
		defer close(done)
		p.loop(fn, quit)
	}(p.quit, p.done)
	return nil
}

// newPacer is a kernel timer firing every period (Linux; elsewhere an
// error, and the device paces with its Clock). Measured with the loopback
// backend at 8 kHz and 10 ms periods: 1 context switch per period instead
// of 4 to 6 with a Go timer.
func newPacer(period time.Duration) (*timerfd.Timer, error) {
	t, err := timerfd.New()
	if err != nil {
		return nil, err
	}
	if err := t.Set(period, period); err != nil {
		_ = t.Close() // the Set error is the one to report
		return nil, err
	}
	return t, nil
}

// runPeriod is one period: capture, callback, playback.
func (p *paced) runPeriod(fn func(in, out []int16)) {
	p.source(p.in)
	clear(p.out)
	fn(p.in, p.out)
	p.sink(p.out)
	p.periods.Add(1)
}

// kernelLoop paces with t. Periods that the goroutine was late for are run
// back to back, up to maxLag of them; beyond that they are counted as
// overruns. If t fails, the loop goes on with the clock.
func (p *paced) kernelLoop(fn func(in, out []int16), t *timerfd.Timer, quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for {
		n, err := t.Wait()
		select {
		case <-quit:
			return
		default:
		}
		if err != nil {
			p.loop(fn, quit)
			return
		}
		if n > maxLag+1 {
			p.overrun.Add(n - 1)
			n = 1
		}
		for range n {
			p.runPeriod(fn)
		}
	}
}

// loop paces with the clock (a fake one in tests).
func (p *paced) loop(fn func(in, out []int16), quit <-chan struct{}) {
	next := p.clk.Now().Add(p.period)
	t := p.clk.NewTimer(p.period)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C():
		}
		p.runPeriod(fn)
		next = next.Add(p.period)
		wait := next.Sub(p.clk.Now())
		if wait < -maxLag*p.period {
			p.overrun.Add(uint64(-wait / p.period))
			next, wait = p.clk.Now(), 0
		}
		t.Reset(max(wait, 0))
	}
}

func (p *paced) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopLocked()
}

func (p *paced) stopLocked() error {
	if p.quit == nil {
		return nil
	}
	close(p.quit)
	var terr error
	if p.tfd != nil {
		terr = p.tfd.Close() // wakes the loop's wait
		p.tfd = nil
	}
	<-p.done
	p.quit, p.done = nil, nil
	if terr != nil {
		return fmt.Errorf("audio.Stop: %w", terr)
	}
	if err := p.flush(); err != nil {
		return fmt.Errorf("audio.Stop: %w", err)
	}
	return nil
}

func (p *paced) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	err := p.stopLocked()
	p.closed = true
	if ferr := p.final(); ferr != nil && err == nil {
		err = fmt.Errorf("audio.Close: %w", ferr)
	}
	return err
}

func (p *paced) Stats() Stats {
	return Stats{Periods: p.periods.Load(), Overruns: p.overrun.Load(), Underruns: p.overrun.Load()}
}

// newNull returns the "null" device: silence in, output discarded.
func newNull(cfg Config) *paced { return newPaced(cfg) }

// newLoopback returns the "loopback" device: the out of period N is the in
// of period N+1.
func newLoopback(cfg Config) *paced {
	p := newPaced(cfg)
	prev := make([]int16, len(p.in))
	p.source = func(in []int16) { copy(in, prev) }
	p.sink = func(out []int16) { copy(prev, out) }
	return p
}
