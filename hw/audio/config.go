package audio

import (
	"fmt"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media/room"
)

// Backend names accepted in Config.Backend.
const (
	BackendALSA = "alsa"
	// BackendALSAKernel is the pure-Go ALSA backend (package kpcm), which
	// "alsa" is in a build without cgo; with cgo, "alsa" is malgo.
	BackendALSAKernel = "alsa-kernel"
	BackendFile       = "file"
	BackendLoopback   = "loopback"
	BackendNull       = "null"
	BackendRoom       = "room"
)

// DefaultPeriod is the period used when Config.Period is 0.
const DefaultPeriod = 10 * time.Millisecond

// DefaultSampleRate is the rate used when Config.SampleRate is 0.
const DefaultSampleRate = 8000

// Config selects and sets up an audio device.
type Config struct {
	Backend string // "alsa", "alsa-kernel", "file", "loopback", "null" or "room"
	// Capture and Playback: ALSA PCM names ("default", "plughw:CARD=Device,DEV=0"; "" = "default";
	// "none" = no such direction) for "alsa", WAV paths for "file" ("" = silence in, or output discarded);
	// "room" may record its Playback to a WAV file too.
	Capture, Playback string
	SampleRate        int           // 8000, 16000, 44100 or 48000; 0 = 8000
	Period            time.Duration // callback period; 0 = 10 ms; must be a whole number of samples
	// Room is the simulated room of the "room" backend (required there,
	// ignored elsewhere); its Rate is taken from SampleRate.
	Room *room.Config

	// Clock paces the file, loopback, null and room backends and times the alsa
	// backend's watchdog and reopen backoff; nil = hw.SystemClock(), except
	// that with nil, on Linux, the paced backends wait on a kernel timer
	// (timerfd) rather than a Go timer: far fewer wake-ups per period, but
	// invisible to testing/synctest. Tests in a synctest bubble set Clock.
	Clock hw.Clock
	// OnHealth, if set, is called by the alsa backend with the fault when
	// the device is lost and with nil when it works again (for the status
	// LED). It is called from the device's supervising goroutine and must
	// not call back into the device.
	OnHealth func(err error)

	kernelClock bool // Clock was nil: paced backends may use a timerfd
}

func (c Config) withDefaults() Config {
	if c.SampleRate == 0 {
		c.SampleRate = DefaultSampleRate
	}
	if c.Period == 0 {
		c.Period = DefaultPeriod
	}
	if c.Clock == nil {
		c.Clock = hw.SystemClock()
		c.kernelClock = true
	}
	return c
}

// frames returns the samples per period.
func (c Config) frames() int { return int(int64(c.SampleRate) * int64(c.Period) / int64(time.Second)) }

// Validate checks the backend, rate and period, and the room of the
// "room" backend.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch c.Backend {
	case BackendALSA, BackendALSAKernel, BackendFile, BackendLoopback, BackendNull, BackendRoom:
	default:
		return fmt.Errorf("%w: backend %q: want alsa, alsa-kernel, file, loopback, null or room", ErrConfig, c.Backend)
	}
	switch c.SampleRate {
	case 8000, 16000, 44100, 48000:
	default:
		return fmt.Errorf("%w: sample rate %d: want 8000, 16000, 44100 or 48000", ErrConfig, c.SampleRate)
	}
	if c.Period < time.Millisecond || c.Period > 200*time.Millisecond {
		return fmt.Errorf("%w: period %v: want 1ms to 200ms", ErrConfig, c.Period)
	}
	if int64(c.SampleRate)*int64(c.Period)%int64(time.Second) != 0 {
		return fmt.Errorf("%w: period %v is not a whole number of samples at %d Hz", ErrConfig, c.Period, c.SampleRate)
	}
	if c.Backend == BackendRoom {
		if c.Room == nil {
			return fmt.Errorf("%w: backend room: no room settings", ErrConfig)
		}
		if err := c.roomConfig().Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	return nil
}

// roomConfig is the "room" backend's room at the device's rate.
func (c Config) roomConfig() room.Config {
	rc := *c.Room
	rc.Rate = c.SampleRate
	return rc
}
