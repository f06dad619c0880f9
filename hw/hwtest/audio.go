package hwtest

import (
	"errors"
	"sync"
	"time"

	"github.com/skoip/skoip/hw/audio"
)

// Errors of the fake audio device.
var (
	// ErrNotStarted is returned by Audio.Tick when no consumer is started.
	ErrNotStarted = errors.New("hwtest: audio device not started")
	// ErrStarted is returned by Audio.Start on a started device.
	ErrStarted = errors.New("hwtest: audio device already started")
	// ErrClosed is returned by Audio.Start on a closed device.
	ErrClosed = errors.New("hwtest: audio device closed")
)

var _ audio.Device = (*Audio)(nil)

// Audio is a fake audio.Device (and so a media.AudioDevice). Nothing runs by
// itself: each period is one call of the consumer, made synchronously by
// Step (capture taken from the signal given to SetCapture, looped), by Tick
// (capture given by the caller) or by RunTicker (Step in real time). What
// the consumer writes for playback is recorded and read with Played.
//
// The consumer runs with the device's lock held, so Stop (like a real
// device's) returns only when no call of it is running.
type Audio struct {
	rate, frames int

	mu       sync.Mutex
	fn       func(in, out []int16)
	starts   int
	closed   bool
	periods  uint64
	capture  []int16
	pos      int
	in, out  []int16 // Step's buffers, reused: a period allocates nothing
	played   []int16
	discard  bool
	stopTick chan struct{}
	wg       sync.WaitGroup
}

// NewAudio returns a device of rate Hz delivering frames samples a period,
// capturing silence until SetCapture.
func NewAudio(rate, frames int) *Audio {
	return &Audio{rate: rate, frames: frames, in: make([]int16, frames), out: make([]int16, frames)}
}

// SetCapture sets the signal that Step delivers as capture, from its start
// and looped; nil or empty means silence.
func (a *Audio) SetCapture(signal []int16) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.capture, a.pos = signal, 0
}

// DiscardPlayback stops recording what is played (for benchmarks).
func (a *Audio) DiscardPlayback() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.discard = true
}

// SampleRate returns the rate given to NewAudio.
func (a *Audio) SampleRate() int { return a.rate }

// Start sets the consumer.
func (a *Audio) Start(fn func(in, out []int16)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.closed:
		return ErrClosed
	case a.fn != nil:
		return ErrStarted
	}
	a.fn = fn
	a.starts++
	return nil
}

// Stop stops a RunTicker led by a and removes the consumer; it returns
// once no call of the consumer is running. The device can be started again.
func (a *Audio) Stop() error {
	a.StopTicker()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.fn = nil
	return nil
}

// Close stops and closes the device.
func (a *Audio) Close() error {
	if err := a.Stop(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	return nil
}

// Stats reports the periods delivered; the fake never under- or overruns.
func (a *Audio) Stats() audio.Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return audio.Stats{Periods: a.periods}
}

// Step runs one period with the next period of the capture signal. It
// reports false, and runs nothing, when no consumer is started.
func (a *Audio) Step() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fn == nil {
		return false
	}
	for i := range a.in {
		if len(a.capture) == 0 {
			a.in[i] = 0
			continue
		}
		a.in[i] = a.capture[a.pos]
		a.pos = (a.pos + 1) % len(a.capture)
	}
	a.periodLocked(a.in, a.out)
	return true
}

// Tick runs one period: the consumer gets a copy of in (padded with
// silence or cut to one period) and its output is returned.
func (a *Audio) Tick(in []int16) ([]int16, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fn == nil {
		return nil, ErrNotStarted
	}
	buf := make([]int16, a.frames)
	copy(buf, in)
	out := make([]int16, a.frames)
	a.periodLocked(buf, out)
	return out, nil
}

// periodLocked calls the consumer with in and a zeroed out, and records out.
func (a *Audio) periodLocked(in, out []int16) {
	clear(out)
	a.fn(in, out)
	a.periods++
	if !a.discard {
		a.played = append(a.played, out...)
	}
}

// Played returns a copy of everything played so far.
func (a *Audio) Played() []int16 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]int16(nil), a.played...)
}

// Started reports whether a consumer is set.
func (a *Audio) Started() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fn != nil
}

// Starts returns how many times Start succeeded.
func (a *Audio) Starts() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.starts
}

// Periods returns how many periods reached the consumer.
func (a *Audio) Periods() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.periods
}

// RunTicker steps the devices together in real time, one Step of each per
// period of the first, until StopTicker (or Stop) on the first. The devices
// must share its period duration. It is for tests that need real time (a
// network in between); the others step by hand and stay deterministic.
func RunTicker(devs ...*Audio) {
	if len(devs) == 0 {
		return
	}
	lead := devs[0]
	lead.mu.Lock()
	if lead.stopTick != nil {
		lead.mu.Unlock()
		return
	}
	stop := make(chan struct{})
	lead.stopTick = stop
	lead.wg.Add(1)
	lead.mu.Unlock()
	period := time.Duration(lead.frames) * time.Second / time.Duration(lead.rate)
	go func() {
		defer lead.wg.Done()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				for _, d := range devs {
					d.Step()
				}
			}
		}
	}()
}

// StopTicker stops a RunTicker led by a and waits for its goroutine.
func (a *Audio) StopTicker() {
	a.mu.Lock()
	stop := a.stopTick
	a.stopTick = nil
	a.mu.Unlock()
	if stop != nil {
		close(stop)
	}
	a.wg.Wait()
}
