package media

import (
	"log/slog"
	"time"

	"github.com/skoip/skoip/media/dsp"
)

// VADConfig configures voice activity detection (see media/dsp).
type VADConfig = dsp.VADConfig

// Config configures an Engine.
type Config struct {
	PortMin, PortMax     int           // media.rtp_ports: even RTP port, RTCP = +1, next pair if busy; 0,0 = any
	RTPTimeout           time.Duration // no RTP/RTCP for this long -> EventTimeout (0 = off)
	JitterMin, JitterMax time.Duration // playout buffer bounds (default 20ms..200ms)
	VAD                  VADConfig     // silence suppression on send when enabled
	HighPass, AGC        bool          // capture enhancement
	NoiseGate            bool
	EchoCancel           bool          // acoustic echo cancellation (media/aec)
	EchoTail             time.Duration // the canceller's filter length; 0 = its default
	NoiseSuppress        int           // dB of steady noise removed; 0 = off
	HalfDuplex           bool          // talk-over switching (halfduplex.go)
	CaptureGain          float64       // linear, 0 = 1
	PlaybackGain         float64       // linear, 0 = 1
	Logger               *slog.Logger
}

// codecRate is the rate the engine mixes and codes at.
const codecRate = 8000

// defaultPTime is the packet interval when Params.PTime is zero.
const defaultPTime = 20 * time.Millisecond

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.CaptureGain == 0 {
		c.CaptureGain = 1
	}
	if c.PlaybackGain == 0 {
		c.PlaybackGain = 1
	}
	return c
}

// Target says where a prompt is played.
type Target int

const (
	// ToRemote sends the prompt to the remote party, mixed with the microphone.
	ToRemote Target = iota + 1
	// ToLocal plays the prompt on the local speaker, mixed with the call.
	ToLocal
	// ToBoth does both.
	ToBoth
)
