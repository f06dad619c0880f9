package media

import (
	"context"
	"errors"
	"testing"
	"time"
)

// echoDevice is a sound card whose microphone hears its speaker (at full
// level) delay samples after the period that played it, driven period by
// period by Step.
type echoDevice struct {
	rate, period int
	fn           func(in, out []int16)
	line         []int16 // delay+period samples of silence, then all that was played
	pos          int     // next sample of line the microphone hears
}

func newEchoDevice(rate, period, delay int) *echoDevice {
	return &echoDevice{rate: rate, period: period, line: make([]int16, delay+period)}
}

func (d *echoDevice) SampleRate() int                      { return d.rate }
func (d *echoDevice) Start(fn func(in, out []int16)) error { d.fn = fn; return nil }
func (d *echoDevice) Stop() error                          { return nil }

func (d *echoDevice) Step() {
	in, out := make([]int16, d.period), make([]int16, d.period)
	copy(in, d.line[d.pos:])
	d.pos += d.period
	d.fn(in, out)
	d.line = append(d.line, out...)
}

// stepProbe steps dev through three idle periods, then runs a Probe of sig
// (and tail) on eng, stepping the device until it returns the recording.
func stepProbe(t *testing.T, dev *echoDevice, eng *Engine, sig []int16, tail int) []int16 {
	t.Helper()
	for range 3 { // idle periods before the probe
		dev.Step()
	}
	res := make(chan []int16, 1)
	go func() {
		rec, err := eng.Probe(context.Background(), sig, tail)
		if err != nil {
			t.Error(err)
		}
		res <- rec
	}()
	for {
		dev.Step()
		select {
		case rec := <-res:
			if rec == nil {
				t.FailNow()
			}
			return rec
		case <-time.After(time.Millisecond):
		}
	}
}

// The probe's recording holds the played signal exactly as many samples
// later as the device's echo path takes, from the same period on.
func TestProbeMeasuresTheEchoPath(t *testing.T) {
	for _, delay := range []int{0, 37, 300} {
		dev := newEchoDevice(8000, 160, delay)
		eng, err := NewEngine(Config{}, dev)
		must(t, err)
		sig := tone(1000, 8000, 800)
		rec := stepProbe(t, dev, eng, sig, 1000)
		if len(rec) != 1800 {
			t.Fatalf("delay %d: recorded %d samples, want 1800", delay, len(rec))
		}
		// The device hears a period's playback in the next period: one
		// period on top of the echo path.
		at := delay + 160
		for i, v := range sig {
			if rec[at+i] != v {
				t.Fatalf("delay %d: sample %d of the signal recorded as %d, want %d at %d", delay, i, rec[at+i], v, at+i)
			}
		}
		for i := range at {
			if rec[i] != 0 {
				t.Fatalf("delay %d: sample %d before the echo is %d", delay, i, rec[i])
			}
		}
		must(t, eng.Close())
		if _, err := eng.Probe(context.Background(), sig, 0); !errors.Is(err, ErrClosed) {
			t.Errorf("probe of a closed engine: %v", err)
		}
	}
}

func TestProbeRefusedInACall(t *testing.T) {
	l := newLink(t, Config{}, Config{}, nil, nil, linkParams())
	if _, err := l.engA.Probe(context.Background(), []int16{1}, 0); !errors.Is(err, ErrBusy) {
		t.Errorf("probe during a call: %v", err)
	}
	if _, err := l.engA.Probe(context.Background(), nil, 0); err == nil {
		t.Error("an empty probe was accepted")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := l.engA.Probe(ctx, make([]int16, maxProbe+1), 0); err == nil {
		t.Error("an 11 s probe was accepted")
	}
}

// A call that starts during a probe ends it: the call gets the device.
func TestProbeEndsForACall(t *testing.T) {
	dev := newEchoDevice(8000, 160, 0)
	eng, err := NewEngine(Config{}, dev)
	must(t, err)
	t.Cleanup(func() { _ = eng.Close() })
	res := make(chan error, 1)
	go func() {
		_, err := eng.Probe(context.Background(), make([]int16, 8000), 0)
		res <- err
	}()
	for eng.snapshotProbe() == nil {
		time.Sleep(time.Millisecond)
	}
	dev.Step()
	s, err := eng.NewStream(loopback)
	must(t, err)
	t.Cleanup(func() { _ = s.Close() })
	eng.activate(s)
	select {
	case err := <-res:
		if !errors.Is(err, ErrBusy) {
			t.Errorf("probe cut by a call: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the probe did not end when the call started")
	}
	dev.Step() // the device goes on without the probe
}

// snapshotProbe is the probe in progress .
func (e *Engine) snapshotProbe() *probe {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.probe
}
