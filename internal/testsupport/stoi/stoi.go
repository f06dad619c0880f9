package stoi

import "fmt"

// The parameters of the paper.
const (
	rate     = 10000 // Hz: both signals are scored at 10 kHz
	frameLen = 256   // samples per frame (25.6 ms), Hann window, 50% overlap
	hop      = frameLen / 2
	fftLen   = 512
	numBands = 15    // one-third-octave bands
	minFreq  = 150.0 // Hz, centre of the lowest band
	segLen   = 30    // frames per segment: 384 ms
	dynRange = 40.0  // dB: frames further under the loudest are silent
	betaDB   = -15.0 // lower bound of the signal-to-distortion ratio
)

// STOI returns the intelligibility index of degraded against clean, both
// sampled at sampleRate Hz, between about 0 and 1 (1 for a copy, whatever
// its gain). A degraded signal longer than the clean one is cut to its
// length; one shorter by up to a tenth cuts the clean signal instead, and
// one shorter still is an error (ErrLength). Fewer than 30 frames of
// speech (about 0.4 s) is ErrTooShort.
func STOI(clean, degraded []float64, sampleRate int) (float64, error) {
	if sampleRate <= 0 {
		return 0, fmt.Errorf("stoi.STOI at %d Hz: %w", sampleRate, ErrRate)
	}
	if len(degraded) < len(clean)-len(clean)/10 {
		return 0, fmt.Errorf("stoi.STOI: %d degraded samples for %d clean: %w",
			len(degraded), len(clean), ErrLength)
	}
	n := min(len(clean), len(degraded))
	x := resample(clean[:n], sampleRate, rate)
	y := resample(degraded[:n], sampleRate, rate)
	x, y, kept := removeSilence(x, y)
	if kept < segLen {
		return 0, fmt.Errorf("stoi.STOI: %d frames of speech, need %d: %w", kept, segLen, ErrTooShort)
	}
	return score(bandEnvelopes(x), bandEnvelopes(y)), nil
}

// Int16 is STOI for 16-bit samples.
func Int16(clean, degraded []int16, sampleRate int) (float64, error) {
	return STOI(toFloat(clean), toFloat(degraded), sampleRate)
}

func toFloat(s []int16) []float64 {
	f := make([]float64, len(s))
	for i, v := range s {
		f[i] = float64(v) / 32768
	}
	return f
}
