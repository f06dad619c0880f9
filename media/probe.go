package media

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/skoip/skoip/media/dsp"
)

// ErrBusy: the engine is in a call (or already probing).
var ErrBusy = errors.New("media: busy")

// maxProbe bounds a probe's signal and recording: 10 s at 8 kHz.
const maxProbe = 10 * narrowRate

// probe is one Probe in progress: the device goroutine plays sig and
// records rec from the same period on.
type probe struct {
	sig     []int16
	played  int     // samples of sig played
	rec     []int16 // recorded so far, up to cap(rec)
	started bool    // the device goroutine began it (set by it)
	aborted atomic.Bool
	once    sync.Once
	done    chan struct{}
}

// finish ends the probe (complete, or aborted by a call).
func (p *probe) finish() { p.once.Do(func() { close(p.done) }) }

// abort ends the probe early: a call needs the device.
func (p *probe) abort() {
	p.aborted.Store(true)
	p.finish()
}

// Probe plays signal (8 kHz) on the speaker and records the microphone at
// 8 kHz, before echo cancellation and enhancement, for len(signal)+tail
// samples. An engine at 16 kHz converts both, with the filters' delay
// taken out, so the delay measured is the room's. Playback and recording start in the same device period, so the
// delay between them in the result is the device's and the room's. It is
// refused with ErrBusy while a call has the device or another probe runs,
// and ends with ErrBusy when a call starts meanwhile (the call wins).
func (e *Engine) Probe(ctx context.Context, signal []int16, tail int) ([]int16, error) {
	n := len(signal) + tail
	if len(signal) == 0 || tail < 0 || n > maxProbe {
		return nil, errors.New("media: a probe's signal must be 1 sample to 10 s long")
	}
	rate := e.cfg.Rate
	sig, err := convertRate(signal, narrowRate, rate)
	if err != nil {
		return nil, fmt.Errorf("media.Probe: %w", err)
	}
	pr := &probe{sig: sig, rec: make([]int16, 0, n*rate/narrowRate), done: make(chan struct{})}
	e.mu.Lock()
	switch {
	case e.closed:
		e.mu.Unlock()
		return nil, ErrClosed
	case e.active != nil || e.probe != nil:
		e.mu.Unlock()
		return nil, ErrBusy
	}
	e.probe = pr
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		if e.probe == pr {
			e.probe = nil
		}
		e.mu.Unlock()
	}()
	select {
	case <-pr.done:
		if pr.aborted.Load() {
			return nil, fmt.Errorf("%w: a call took the device during the probe", ErrBusy)
		}
		rec, err := convertRate(pr.rec, rate, narrowRate)
		if err != nil {
			return nil, fmt.Errorf("media.Probe: %w", err)
		}
		return rec[:min(n, len(rec))], nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// probing returns the probe of this period and starts it (device
// goroutine); nil when none or it is complete.
func (p *probe) begin() *probe {
	if p == nil || len(p.rec) == cap(p.rec) || p.aborted.Load() {
		return nil
	}
	p.started = true
	return p
}

// record appends a raw microphone frame; it closes done when full.
func (p *probe) record(f []int16) {
	room := cap(p.rec) - len(p.rec)
	if room <= 0 {
		return
	}
	p.rec = append(p.rec, f[:min(room, len(f))]...)
	if len(p.rec) == cap(p.rec) {
		p.finish()
	}
}

// play mixes the next samples of the signal into a playback chunk.
func (p *probe) play(c []int16) {
	k := min(len(c), len(p.sig)-p.played)
	dsp.MixInto(c[:k], p.sig[p.played:p.played+k], 1)
	p.played += k
}
