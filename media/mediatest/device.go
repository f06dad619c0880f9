package mediatest

import (
	"errors"
	"sync"
	"time"
)

// ErrStarted means Start was called on a running device.
var ErrStarted = errors.New("mediatest: device already started")

// Device is a fake duplex sound card satisfying media.AudioDevice. Each Step
// is one period: the callback gets the next period of the capture signal
// (looped) and the samples it writes for playback are recorded.
type Device struct {
	rate, period int

	mu       sync.Mutex
	fn       func(in, out []int16)
	capture  []int16
	pos      int
	in, out  []int16
	played   []int16
	steps    int
	discard  bool
	stopTick chan struct{}
	wg       sync.WaitGroup
}

// NewDevice makes a device at rate with period samples per callback that
// captures capture (looped; silence if empty).
func NewDevice(rate, period int, capture []int16) *Device {
	return &Device{rate: rate, period: period, capture: capture,
		in: make([]int16, period), out: make([]int16, period)}
}

// SampleRate is the device rate.
func (d *Device) SampleRate() int { return d.rate }

// Start registers the callback. The device runs only when stepped.
func (d *Device) Start(fn func(in, out []int16)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fn != nil {
		return ErrStarted
	}
	d.fn = fn
	return nil
}

// Stop stops the ticker (if any) and drops the callback.
func (d *Device) Stop() error {
	d.StopTicker()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fn = nil
	return nil
}

// Step runs one period. It reports false when no callback is registered.
func (d *Device) Step() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fn == nil {
		return false
	}
	for i := range d.in {
		if len(d.capture) == 0 {
			d.in[i] = 0
			continue
		}
		d.in[i] = d.capture[d.pos]
		d.pos = (d.pos + 1) % len(d.capture)
	}
	clear(d.out)
	d.fn(d.in, d.out)
	if !d.discard {
		d.played = append(d.played, d.out...)
	}
	d.steps++
	return true
}

// DiscardPlayback stops recording what is played (for benchmarks).
func (d *Device) DiscardPlayback() {
	d.mu.Lock()
	d.discard = true
	d.mu.Unlock()
}

// Played returns a copy of everything played so far.
func (d *Device) Played() []int16 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]int16(nil), d.played...)
}

// Steps is how many periods have run.
func (d *Device) Steps() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.steps
}

// Period is the period length in samples.
func (d *Device) Period() int { return d.period }

// RunTicker steps the devices together in real time, one period per tick,
// until StopTicker on the first device (or Stop). All devices must share
// the same period duration.
func RunTicker(devs ...*Device) {
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
	period := time.Duration(lead.period) * time.Second / time.Duration(lead.rate)
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

// StopTicker stops a RunTicker started with d first and waits for it.
func (d *Device) StopTicker() {
	d.mu.Lock()
	stop := d.stopTick
	d.stopTick = nil
	d.mu.Unlock()
	if stop != nil {
		close(stop)
	}
	d.wg.Wait()
}
