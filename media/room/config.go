package room

import (
	"fmt"
	"time"
)

// Noise generator names accepted in Config.Noise.
const (
	NoiseNone    = ""
	NoiseWhite   = "white"
	NoisePink    = "pink"
	NoiseBabble  = "babble"
	NoiseTraffic = "traffic"
)

// Limits of the Config fields.
const (
	MaxDelay    = 500 * time.Millisecond
	MinT60      = 100 * time.Millisecond
	MaxT60      = time.Second
	MaxDriftPPM = 1000
	MaxClip     = 20
)

// Config describes a simulated door-box room. The zero value (with Rate
// set) is an anechoic room whose echo has the played level, no delay, no
// talker and no noise. The Room reads Talker and NoiseSamples as it runs
// (they are not copied): do not change them meanwhile.
type Config struct {
	Rate         int           // 8000, 16000, 44100 or 48000
	Delay        time.Duration // bulk delay speaker to microphone (device buffering): 0 to 500ms
	T60          time.Duration // reverberation time: 0 = anechoic (direct path only), else 100ms to 1s
	EchoGainDB   float64       // gain of the echo's direct path relative to what was played: -40 to +20 dB
	Clip         float64       // loudspeaker drive: 0 = linear, else tanh(Clip·x)/Clip, 0 to 20
	DriftPPM     float64       // capture clock rate relative to playback, -1000 to 1000 ppm
	ChangeAt     time.Duration // capture time at which the echo path changes; 0 = never
	ChangeGainDB float64       // gain step of the echo path at ChangeAt: -40 to +20 dB
	Talker       []int16       // near-end speech at Rate; nil = none
	TalkerLoop   bool          // repeat Talker; else silence after it ends
	TalkerGainDB float64       // gain applied to Talker: -60 to +40 dB
	Noise        string        // "" (none), "white", "pink", "babble" or "traffic"
	NoiseSamples []int16       // recorded noise at Rate, looped (instead of Noise)
	SNR          float64       // noise level below the talker's active level (or -26 dBFS without a talker): -20 to 80 dB
	Seed         uint64        // seeds the room geometry and the noise
}

// Validate reports the first value out of its range, wrapping ErrConfig.
func (c Config) Validate() error {
	switch c.Rate {
	case 8000, 16000, 44100, 48000:
	default:
		return fmt.Errorf("%w: rate %d: want 8000, 16000, 44100 or 48000", ErrConfig, c.Rate)
	}
	if c.Delay < 0 || c.Delay > MaxDelay {
		return fmt.Errorf("%w: delay %v: want 0 to %v", ErrConfig, c.Delay, MaxDelay)
	}
	if c.T60 != 0 && (c.T60 < MinT60 || c.T60 > MaxT60) {
		return fmt.Errorf("%w: t60 %v: want 0 (anechoic) or %v to %v", ErrConfig, c.T60, MinT60, MaxT60)
	}
	if c.ChangeAt < 0 {
		return fmt.Errorf("%w: change_at %v: want 0 (never) or a positive duration", ErrConfig, c.ChangeAt)
	}
	for _, f := range []struct {
		key      string
		v, lo, h float64
	}{
		{"echo_gain_db", c.EchoGainDB, -40, 20},
		{"clip", c.Clip, 0, MaxClip},
		{"drift_ppm", c.DriftPPM, -MaxDriftPPM, MaxDriftPPM},
		{"change_gain_db", c.ChangeGainDB, -40, 20},
		{"talker_gain_db", c.TalkerGainDB, -60, 40},
		{"snr_db", c.SNR, -20, 80},
	} {
		if !(f.v >= f.lo && f.v <= f.h) { // also catches NaN
			return fmt.Errorf("%w: %s %g: want %g to %g", ErrConfig, f.key, f.v, f.lo, f.h)
		}
	}
	switch c.Noise {
	case NoiseNone, NoiseWhite, NoisePink, NoiseBabble, NoiseTraffic:
	default:
		return fmt.Errorf("%w: noise %q: want \"\", white, pink, babble or traffic", ErrConfig, c.Noise)
	}
	if c.Noise != NoiseNone && len(c.NoiseSamples) > 0 {
		return fmt.Errorf("%w: noise %q and noise_samples both set: want one or the other", ErrConfig, c.Noise)
	}
	return nil
}
