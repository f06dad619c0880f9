package room

import "math"

const (
	// levelFrame is the frame of the active level measurement: 20 ms.
	levelFrame = 0.020
	// activeMargin: a frame is active when its RMS is no more than
	// 15.9 dB below the active level (the margin of ITU-T P.56).
	activeMargin = 15.9
	// refLevelDBFS is the level the noise is set against when there is
	// no talker: -26 dBFS, the nominal level of speech.
	refLevelDBFS = -26
	// fullScale is 0 dBFS: the RMS of a full-scale square wave.
	fullScale = 32768
)

// activeLevel is the active speech level of x (in its units, as an RMS):
// the RMS over the 20 ms frames whose own RMS is within 15.9 dB of the
// result, found by iterating from the RMS of all the frames. It is a
// simplified ITU-T P.56: frames instead of an envelope. 0 for silence.
func activeLevel(x []float32, rate int) float64 {
	n := int(levelFrame * float64(rate))
	frames := make([]float64, 0, len(x)/n+1)
	for i := 0; i < len(x); i += n {
		var e float64
		for _, v := range x[i:min(i+n, len(x))] {
			e += float64(v) * float64(v)
		}
		frames = append(frames, e/float64(min(n, len(x)-i)))
	}
	level := meanAbove(frames, 0)
	for range 20 {
		next := meanAbove(frames, level*math.Pow(10, -activeMargin/10))
		if next == level {
			break
		}
		level = next
	}
	return math.Sqrt(level)
}

// meanAbove is the mean of the values of e that are at least min and not
// zero (0 if none).
func meanAbove(e []float64, min float64) float64 {
	var s float64
	var n int
	for _, v := range e {
		if v >= min && v > 0 {
			s += v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// rms is the root mean square of x.
func rms(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	if len(x) == 0 {
		return 0
	}
	return math.Sqrt(e / float64(len(x)))
}
