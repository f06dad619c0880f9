package aec

import (
	"math"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of a Processor's state.
type Stats struct {
	ERLEdB    float64       // echo return loss enhancement (mic over output, smoothed over ~200 ms); 0 when the far end is silent
	Delay     time.Duration // estimated bulk echo delay, 0 until locked
	NoiseDB   float64       // estimated noise floor at the microphone, dBFS (a full-scale square wave is 0)
	Converged bool          // delay locked and ERLE reached 20 dB since the last reset
	Resets    uint64        // re-convergences: reference gaps, delay jumps, Reset calls
}

// statsBox holds Stats in atomics for readers on other goroutines.
type statsBox struct {
	erle, noise atomic.Uint64 // math.Float64bits
	delay       atomic.Int64
	converged   atomic.Bool
	resets      atomic.Uint64
}

func (s *statsBox) load() Stats {
	return Stats{
		ERLEdB:    math.Float64frombits(s.erle.Load()),
		Delay:     time.Duration(s.delay.Load()),
		NoiseDB:   math.Float64frombits(s.noise.Load()),
		Converged: s.converged.Load(),
		Resets:    s.resets.Load(),
	}
}

// erleMeter smooths the microphone and output energies of frames in which
// the far end is active.
type erleMeter struct {
	mic, out float64
	idle     int // frames since the far end was last active
	peak     float64
}

const (
	erleAlpha = 0.05 // per 10 ms frame: ~200 ms
	erleIdle  = 50   // frames of far-end silence that zero the reading
)

// update folds one frame's energies and returns the ERLE in dB.
func (m *erleMeter) update(mic, out float64, farActive bool) float64 {
	if !farActive {
		m.idle++
		if m.idle >= erleIdle {
			return 0
		}
	} else {
		m.idle = 0
		m.mic += erleAlpha * (mic - m.mic)
		m.out += erleAlpha * (out - m.out)
	}
	if m.mic <= 0 {
		return 0
	}
	db := 10 * math.Log10(m.mic/max(m.out, 1e-3))
	m.peak = max(m.peak, db)
	return db
}

func (m *erleMeter) reset() { *m = erleMeter{idle: erleIdle} }

// energy is the mean square of s.
func energy(s []int16) float64 {
	var e float64
	for _, v := range s {
		e += float64(v) * float64(v)
	}
	return e / float64(len(s))
}

// dBFS converts a mean square to dB relative to full scale.
func dBFS(ms float64) float64 {
	return 10 * math.Log10(max(ms, 1e-10)/(32768*32768))
}

func mathBits(f float64) uint64 { return math.Float64bits(f) }
