package dsp

import (
	"fmt"
	"math"
	"time"
)

// AGCConfig sets up an automatic gain control.
type AGCConfig struct {
	TargetDB    float64       // RMS level aimed at, dBFS (e.g. -20)
	MaxGainDB   float64       // most amplification (e.g. 24)
	MinGainDB   float64       // most attenuation (e.g. -20)
	LimitDB     float64       // peak ceiling of the output, dBFS (e.g. -1); never exceeded
	HoldBelowDB float64       // frames quieter than this leave the gain alone (e.g. -55)
	Attack      time.Duration // time constant for lowering the gain (e.g. 10ms)
	Release     time.Duration // time constant for raising the gain (e.g. 400ms)
}

// DefaultAGCConfig is a speech AGC for a door intercom microphone.
func DefaultAGCConfig() AGCConfig {
	return AGCConfig{
		TargetDB: -20, MaxGainDB: 24, MinGainDB: -20, LimitDB: -1, HoldBelowDB: -55,
		Attack: 10 * time.Millisecond, Release: 400 * time.Millisecond,
	}
}

// AGC brings speech to a target level: it measures each frame's RMS, moves
// its gain towards target-level (down quickly, up slowly), and passes the
// result through a peak limiter with instant attack, so that no output
// sample exceeds the ceiling.
type AGC struct {
	cfg    AGCConfig
	rate   float64
	gainDB float64
	gain   float32 // linear gain applied at the end of the last frame
	limit  float32 // ceiling in sample units
	lim    float32 // limiter gain, <= 1
	limRel float32 // limiter recovery per sample
}

// limiterRelease is how fast the limiter recovers after a peak.
const limiterRelease = 50 * time.Millisecond

// NewAGC returns an AGC for frames at rate Hz.
func NewAGC(rate int, cfg AGCConfig) (*AGC, error) {
	if rate <= 0 || cfg.Attack <= 0 || cfg.Release <= 0 || cfg.LimitDB > 0 ||
		cfg.MinGainDB > cfg.MaxGainDB || cfg.TargetDB >= cfg.LimitDB {
		return nil, fmt.Errorf("dsp.NewAGC %+v at %d Hz: %w", cfg, rate, ErrConfig)
	}
	a := &AGC{cfg: cfg, rate: float64(rate)}
	a.limit = float32(math.Floor(32767 * DBToGain(cfg.LimitDB)))
	a.limRel = float32(1 - math.Exp(-1/(limiterRelease.Seconds()*a.rate)))
	a.Reset()
	return a, nil
}

// Reset returns to unity gain.
func (a *AGC) Reset() { a.gainDB, a.gain, a.lim = 0, 1, 1 }

// GainDB returns the current AGC gain (before the limiter), in dB.
func (a *AGC) GainDB() float64 { return a.gainDB }

// Process applies the AGC to frame in place.
func (a *AGC) Process(frame []int16) {
	if len(frame) == 0 {
		return
	}
	a.update(LevelDB(frame), float64(len(frame))/a.rate)
	from, to := a.gain, float32(DBToGain(a.gainDB))
	step := (to - from) / float32(len(frame))
	g := from
	for i, s := range frame {
		g += step
		frame[i] = a.limitSample(g * float32(s))
	}
	a.gain = to
}

// update moves the gain towards the one that brings level to the target.
func (a *AGC) update(level, dur float64) {
	if level < a.cfg.HoldBelowDB {
		return
	}
	want := math.Max(a.cfg.MinGainDB, math.Min(a.cfg.MaxGainDB, a.cfg.TargetDB-level))
	tau := a.cfg.Release.Seconds()
	if want < a.gainDB {
		tau = a.cfg.Attack.Seconds()
	}
	a.gainDB += (want - a.gainDB) * (1 - math.Exp(-dur/tau))
}

// limitSample recovers the limiter gain a little, then lowers it at once if
// v would still exceed the ceiling.
func (a *AGC) limitSample(v float32) int16 {
	a.lim += (1 - a.lim) * a.limRel
	if m := float32(math.Abs(float64(v))) * a.lim; m > a.limit {
		a.lim = a.limit / float32(math.Abs(float64(v)))
	}
	return saturate(v * a.lim)
}
