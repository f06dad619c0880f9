package e2e

import (
	"math"
	"slices"
)

// envFrame is the frame of the loudness envelope: 10 ms at 8 kHz.
const envFrame = 80

// envelope is the log energy (dB) of each frame of s.
func envelope(s []int16) []float64 {
	env := make([]float64, len(s)/envFrame)
	for f := range env {
		var e float64
		for _, v := range s[f*envFrame : (f+1)*envFrame] {
			e += float64(v) * float64(v)
		}
		env[f] = 10 * math.Log10(e/envFrame+1)
	}
	return env
}

// envelopeMatch compares the loudness envelope of rec with that of the
// looped src, window by window (win frames): a measure of whether the
// syllables arrive, tolerant of the small time warps that a playout buffer
// makes and that waveform correlation punishes. For each window with speech
// it takes the best Pearson correlation at any lag; it reports their median.
func envelopeMatch(rec, src []int16, win int) match {
	re, se := envelope(rec), envelope(src)
	n := len(se)
	ext := append(slices.Clone(se), se[:win]...)
	var got []float64
	for off := 0; off+win <= len(re); off += win {
		w := re[off : off+win]
		if slices.Max(w) < 40 { // no speech: below about -50 dBFS
			continue
		}
		best := -1.0
		for k := 0; k < n; k++ {
			if c := pearson(w, ext[k:k+win]); c > best {
				best = c
			}
		}
		got = append(got, best)
	}
	if len(got) == 0 {
		return match{}
	}
	slices.Sort(got)
	return match{Windows: len(got), Median: got[len(got)/2], Min: got[0], Max: got[len(got)-1]}
}

func pearson(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}
