package dsp

import (
	"fmt"
	"math"
	"time"
)

// VADConfig sets up voice activity detection.
type VADConfig struct {
	Enabled     bool          // false: every frame counts as speech (no silence suppression)
	ThresholdDB float64       // margin above the noise floor that counts as speech (e.g. 9)
	MinLevelDB  float64       // frames quieter than this (dBFS) are never speech (e.g. -55)
	Hangover    time.Duration // speech is still reported this long after the last loud frame
}

// DefaultVADConfig is a 9 dB threshold over the noise floor, nothing below
// -55 dBFS counted as speech, and 300 ms of hangover.
func DefaultVADConfig() VADConfig {
	return VADConfig{Enabled: true, ThresholdDB: 9, MinLevelDB: -55, Hangover: 300 * time.Millisecond}
}

// How the noise floor follows the signal: it drops to a quieter level
// within a few frames, and climbs by at most floorRiseDBPerSec, so speech
// barely moves it but a lasting rise of the background recalibrates it.
const (
	floorFall         = 40 * time.Millisecond // time constant of the fall
	floorRiseDBPerSec = 3.0
)

// VAD decides, frame by frame, whether a frame carries speech: its level
// must exceed the adaptive noise floor by ThresholdDB and be at least
// MinLevelDB; a decision for speech is held for Hangover.
type VAD struct {
	cfg       VADConfig
	rate      float64
	floor     float64
	level     float64
	remaining time.Duration
	started   bool
}

// NewVAD returns a VAD for frames at rate Hz.
func NewVAD(rate int, cfg VADConfig) (*VAD, error) {
	if rate <= 0 || cfg.ThresholdDB < 0 || cfg.Hangover < 0 {
		return nil, fmt.Errorf("dsp.NewVAD %+v at %d Hz: %w", cfg, rate, ErrConfig)
	}
	return &VAD{cfg: cfg, rate: float64(rate)}, nil
}

// Reset forgets the noise floor; the next frame recalibrates it.
func (v *VAD) Reset() { v.started, v.remaining = false, 0 }

// NoiseFloorDB returns the current noise floor estimate, dBFS.
func (v *VAD) NoiseFloorDB() float64 { return v.floor }

// LevelDB returns the level of the last frame, dBFS.
func (v *VAD) LevelDB() float64 { return v.level }

// Process classifies one frame and updates the noise floor. It returns true
// for speech (or hangover), and always true when the VAD is disabled.
func (v *VAD) Process(frame []int16) bool {
	v.level = LevelDB(frame)
	secs := float64(len(frame)) / v.rate
	if !v.started {
		v.floor, v.started = v.level, true
	}
	loud := v.level >= v.cfg.MinLevelDB && v.level > v.floor+v.cfg.ThresholdDB
	v.track(secs)
	dur := time.Duration(secs * float64(time.Second))
	switch {
	case loud:
		v.remaining = v.cfg.Hangover
	case v.remaining >= dur:
		v.remaining -= dur
		loud = true
	default:
		v.remaining = 0
	}
	return loud || !v.cfg.Enabled
}

// track moves the noise floor towards the frame's level: fast down, slow up.
func (v *VAD) track(secs float64) {
	if v.level < v.floor {
		v.floor += (v.level - v.floor) * (1 - math.Exp(-secs/floorFall.Seconds()))
		return
	}
	v.floor = math.Min(v.level, v.floor+floorRiseDBPerSec*secs)
}
