package hwtest

import (
	"errors"
	"sync"
)

// ErrNotStarted is returned by Audio.Tick when no consumer is started.
var ErrNotStarted = errors.New("hwtest: audio device not started")

// Audio is a fake audio device (it has the method set of media.AudioDevice
// and audio.Device) whose periods are driven by hand: each Tick calls the
// consumer once, synchronously.
type Audio struct {
	rate, frames int
	mu           sync.Mutex
	fn           func(in, out []int16)
	starts       int
	closed       bool
	periods      uint64
}

// NewAudio returns a device of rate Hz delivering frames samples a period.
func NewAudio(rate, frames int) *Audio { return &Audio{rate: rate, frames: frames} }

// SampleRate returns the rate given to NewAudio.
func (a *Audio) SampleRate() int { return a.rate }

// Start sets the consumer.
func (a *Audio) Start(fn func(in, out []int16)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.closed:
		return errors.New("hwtest: audio device closed")
	case a.fn != nil:
		return errors.New("hwtest: audio device already started")
	}
	a.fn = fn
	a.starts++
	return nil
}

// Stop removes the consumer.
func (a *Audio) Stop() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.fn = nil
	return nil
}

// Close stops and closes the device.
func (a *Audio) Close() error {
	_ = a.Stop()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	return nil
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
	a.fn(buf, out)
	a.periods++
	return out, nil
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

// Periods returns how many Ticks reached the consumer.
func (a *Audio) Periods() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.periods
}
