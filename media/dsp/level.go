package dsp

import "math"

// SilenceDB is the level reported for an empty or all-zero frame: below the
// quietest non-zero 16-bit signal.
const SilenceDB = -100.0

// LevelDB returns the RMS level of frame in dB relative to full scale
// (a full-scale square wave is 0 dBFS, a full-scale sine about -3 dBFS).
func LevelDB(frame []int16) float64 {
	if len(frame) == 0 {
		return SilenceDB
	}
	var sum float64
	for _, x := range frame {
		f := float64(x)
		sum += f * f
	}
	ms := sum / float64(len(frame)) / (32768 * 32768)
	if ms <= 1e-10 {
		return SilenceDB
	}
	return 10 * math.Log10(ms)
}

// DBToGain converts decibels to a linear amplitude factor.
func DBToGain(db float64) float64 { return math.Pow(10, db/20) }

// GainToDB converts a linear amplitude factor to decibels.
func GainToDB(g float64) float64 {
	if g <= 0 {
		return SilenceDB
	}
	return 20 * math.Log10(g)
}

// saturate rounds v to the nearest int16, clamping at the int16 range.
func saturate(v float32) int16 {
	if v >= 32767 {
		return 32767
	}
	if v <= -32768 {
		return -32768
	}
	if v < 0 {
		return int16(v - 0.5)
	}
	return int16(v + 0.5)
}
