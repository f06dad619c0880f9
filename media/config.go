package media

import (
	"log/slog"
	"time"

	"github.com/skoip/skoip/media/codec"
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
	// Rate is what the engine mixes, cleans and codes at: 8000 (narrowband)
	// or 16000 Hz (wideband: G.722 and Opus at their rate; G.711 is
	// resampled at the codec). 0 = 8000.
	Rate int
	// Opus encoder settings (codec.Options: Bitrate, Complexity, DTX,
	// NoFEC, PacketLoss; zero values take the codec's defaults, here
	// Complexity 0 too); FMTP comes from the call's Params.
	Opus         codec.Options
	CaptureGain  float64 // linear, 0 = 1
	PlaybackGain float64 // linear, 0 = 1
	Logger       *slog.Logger
}

// The engine's rates: narrowband (G.711; also what Probe and Tap work at)
// and wideband (G.722, Opus).
const (
	narrowRate = 8000
	wideRate   = 16000
)

// defaultPTime is the packet interval when Params.PTime is zero.
const defaultPTime = 20 * time.Millisecond

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Rate == 0 {
		c.Rate = narrowRate
	}
	if c.Opus.Complexity == 0 {
		c.Opus.Complexity = -1
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
