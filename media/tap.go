package media

import (
	"context"
	"fmt"
	"sync"

	"github.com/skoip/skoip/media/dsp"
)

// tapCapacity is how much microphone audio a Tap holds for a slow reader:
// 2 s at 8 kHz. Older samples are dropped (counted) when it is full.
const tapCapacity = 2 * narrowRate

// Tap is the door microphone as a call would send it (at 8 kHz whatever
// the engine's rate: a 16 kHz engine resamples it; after echo
// cancellation, enhancement and mute, before prompts are mixed in), from
// the moment Engine.Tap made it until Close. The device callback never
// waits for it: a reader that falls 2 s behind loses the oldest audio.
type Tap struct {
	e       *Engine
	mu      sync.Mutex
	buf     []int16 // ring of tapCapacity samples
	start   int     // index of the oldest sample
	n       int     // samples held
	dropped uint64
	closed  bool
	ready   chan struct{}  // one value: samples or the close are waiting
	down    *dsp.Resampler // engine rate -> 8 kHz; nil at 8 kHz
	conv    []int16        // scratch for down (device goroutine)
}

// Tap starts a Tap of the microphone; it replaces an earlier one, which
// reads as closed. ErrClosed when the engine is closed.
func (e *Engine) Tap() (*Tap, error) {
	t := &Tap{e: e, buf: make([]int16, tapCapacity), ready: make(chan struct{}, 1)}
	if e.cfg.Rate != narrowRate {
		down, err := dsp.NewResampler(e.cfg.Rate, narrowRate)
		if err != nil {
			return nil, fmt.Errorf("media.Tap: %w", err)
		}
		t.down, t.conv = down, make([]int16, 0, down.MaxOut(e.cfg.Rate*maxPTimeMS/1000))
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, ErrClosed
	}
	old := e.tap
	e.tap = t
	e.mu.Unlock()
	if old != nil {
		old.close()
	}
	return t, nil
}

// Read waits for microphone samples and copies up to len(dst) of them; it
// returns ErrClosed once the Tap (or the engine) is closed and ctx's error
// when ctx ends first.
func (t *Tap) Read(ctx context.Context, dst []int16) (int, error) {
	for {
		t.mu.Lock()
		if t.n > 0 {
			k := 0
			for k < len(dst) && t.n > 0 {
				dst[k] = t.buf[t.start]
				t.start = (t.start + 1) % len(t.buf)
				t.n--
				k++
			}
			t.mu.Unlock()
			return k, nil
		}
		closed := t.closed
		t.mu.Unlock()
		if closed {
			return 0, ErrClosed
		}
		select {
		case <-t.ready:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// Dropped is how many samples a slow reader lost.
func (t *Tap) Dropped() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dropped
}

// Close stops the Tap.
func (t *Tap) Close() {
	t.e.mu.Lock()
	if t.e.tap == t {
		t.e.tap = nil
	}
	t.e.mu.Unlock()
	t.close()
}

func (t *Tap) close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.wake()
}

func (t *Tap) wake() {
	select {
	case t.ready <- struct{}{}:
	default:
	}
}

// write appends one frame (device goroutine): it never waits for the
// reader.
func (t *Tap) write(f []int16) {
	if t.down != nil {
		t.conv = t.down.Process(t.conv[:0], f)
		f = t.conv
	}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	for _, v := range f {
		if t.n == len(t.buf) {
			t.start = (t.start + 1) % len(t.buf)
			t.n--
			t.dropped++
		}
		t.buf[(t.start+t.n)%len(t.buf)] = v
		t.n++
	}
	t.mu.Unlock()
	t.wake()
}
