package media

import (
	"errors"
	"fmt"
	"time"

	"github.com/skoip/skoip/media/aec"
)

// echoPath is what stands between the speaker and the microphone on the
// device goroutine: the echo canceller and noise suppressor (media/aec),
// fed the exact samples (at the engine's rate) sent to the speaker (call audio, prompts,
// ringtone) as its reference, and the optional talk-over switch.
//
// Both run only in periods with something to play or send (a stream, or a
// prompt): an idle unit spends no CPU on them, and keeps what the canceller
// learnt of the room for the next call. Capture and reference stop and
// resume in the same period, so they stay aligned. When the device stops
// calling back for more than gapReset (it was lost and reopened), the
// canceller is reset: the echo path and the device's delay may have
// changed, and it re-converges.
type echoPath struct {
	aec    *aec.Processor // nil: echo cancellation and noise suppression off
	duplex *halfDuplex    // nil: full duplex
	on     bool           // this period runs them
	last   time.Time      // the device's last period
}

// gapReset is the device stall after which the canceller starts over
// (the resilient ALSA backend takes longer than this to reopen a device).
const gapReset = 500 * time.Millisecond

func newEchoPath(cfg Config) (*echoPath, error) {
	ep := &echoPath{}
	if cfg.HalfDuplex {
		ep.duplex = newHalfDuplex(cfg.Rate)
	}
	if !cfg.EchoCancel && cfg.NoiseSuppress == 0 {
		return ep, nil
	}
	p, err := aec.New(aec.Config{Rate: cfg.Rate, EchoCancel: cfg.EchoCancel, Tail: cfg.EchoTail,
		NoiseSuppress: cfg.NoiseSuppress})
	if errors.Is(err, aec.ErrUnavailable) {
		// A build without cgo has no speexdsp: the unit still talks, and
		// where echo cancellation was asked for, talk-over switching keeps
		// the far end from hearing itself, as door stations without a
		// canceller do.
		if cfg.EchoCancel && ep.duplex == nil {
			ep.duplex = newHalfDuplex(cfg.Rate)
			cfg.Logger.Warn("echo cancellation and noise suppression are not in this build (no cgo): half duplex (talk-over switching) is used against echo instead",
				"component", "media")
			return ep, nil
		}
		cfg.Logger.Warn("echo cancellation and noise suppression are not in this build (no cgo): the microphone goes out as it is",
			"component", "media")
		return ep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("aec.New: %w", err)
	}
	ep.aec = p
	return ep, nil
}

// begin decides whether this period runs the echo path.
func (ep *echoPath) begin(busy bool, now time.Time) {
	ep.on = busy
	if ep.aec != nil && !ep.last.IsZero() && now.Sub(ep.last) > gapReset {
		ep.aec.Reset()
	}
	ep.last = now
}

// hint hands the canceller a measured delay (device goroutine).
func (ep *echoPath) hint(d time.Duration) {
	if ep.aec != nil {
		ep.aec.HintDelay(d)
	}
}

// capture cleans one microphone frame in place.
func (ep *echoPath) capture(f []int16) {
	if !ep.on {
		return
	}
	if ep.aec != nil {
		ep.aec.Capture(f)
	}
	if ep.duplex != nil {
		ep.duplex.mic(f)
	}
}

// playback takes one chunk about to be played (after the playback
// gain): the talk-over switch may duck it, and what remains is the
// canceller's reference.
func (ep *echoPath) playback(c []int16) {
	if !ep.on {
		return
	}
	if ep.duplex != nil {
		ep.duplex.speaker(c)
	}
	if ep.aec != nil {
		ep.aec.Playback(c)
	}
}

// stats are the canceller's figures (zero when it is off).
func (ep *echoPath) stats() aec.Stats {
	if ep.aec == nil {
		return aec.Stats{}
	}
	return ep.aec.Stats()
}

// close frees the canceller.
func (ep *echoPath) close() error {
	if ep.aec == nil {
		return nil
	}
	return ep.aec.Close()
}
