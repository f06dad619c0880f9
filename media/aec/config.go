package aec

import (
	"fmt"
	"time"
)

// Defaults and limits of Config.
const (
	// DefaultTail is the adaptive filter length when Config.Tail is 0: the
	// room tail after the bulk delay, which the delay estimator removes.
	DefaultTail = 150 * time.Millisecond
	// DefaultMaxDelay is the bulk delay searched when Config.MaxDelay is 0.
	DefaultMaxDelay = 250 * time.Millisecond
	minTail         = 50 * time.Millisecond
	maxTail         = 500 * time.Millisecond
	maxMaxDelay     = 500 * time.Millisecond
)

// Engine names.
const (
	EngineSpeex  = "speex"
	EngineWebRTC = "webrtc"
)

// Config selects the stages of a Processor.
type Config struct {
	Rate          int           // 8000 or 16000 Hz
	Engine        string        // "speex" (also ""), or "webrtc" in builds tagged webrtc
	Tail          time.Duration // adaptive filter length; 0 = DefaultTail; 50ms..500ms
	MaxDelay      time.Duration // bulk echo delay searched; 0 = DefaultMaxDelay; at most 500ms
	EchoCancel    bool          // cancel the loudspeaker's echo
	NoiseSuppress int           // dB of stationary noise attenuation: 0 = off, else 6..30
}

// Validate reports the first field that is out of range.
func (c Config) Validate() error {
	switch {
	case c.Rate != 8000 && c.Rate != 16000:
		return fmt.Errorf("aec: rate %d: %w", c.Rate, ErrRate)
	case c.Engine != "" && c.Engine != EngineSpeex && !hasEngine(c.Engine):
		return fmt.Errorf("aec: engine %q: %w", c.Engine, ErrEngine)
	case c.Tail != 0 && (c.Tail < minTail || c.Tail > maxTail):
		return fmt.Errorf("aec: tail %v: %w", c.Tail, ErrTail)
	case c.MaxDelay < 0 || c.MaxDelay > maxMaxDelay:
		return fmt.Errorf("aec: max delay %v: %w", c.MaxDelay, ErrMaxDelay)
	case c.NoiseSuppress != 0 && (c.NoiseSuppress < 6 || c.NoiseSuppress > 30):
		return fmt.Errorf("aec: noise suppression %d dB: %w", c.NoiseSuppress, ErrNoiseSuppress)
	}
	return nil
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Engine == "" {
		c.Engine = EngineSpeex
	}
	if c.Tail == 0 {
		c.Tail = DefaultTail
	}
	if c.MaxDelay == 0 {
		c.MaxDelay = DefaultMaxDelay
	}
	return c
}

// samples converts a duration to samples at rate.
func samples(d time.Duration, rate int) int {
	return int(d * time.Duration(rate) / time.Second)
}
