package speechq

import (
	"fmt"
	"math"
)

const (
	// lsdFloorDB is how far under the clean signal's strongest bin both
	// spectra are floored before their logarithms are taken, so that a
	// band a codec removed counts as that far down, not as -Inf dB.
	lsdFloorDB = 80.0
	// lsdMinFrames is the least number of frames of speech scored
	// (0.18 s).
	lsdMinFrames = 10
)

// LSD returns the log-spectral distance of degraded against clean over
// loHz..hiHz, in dB: for each frame (32 ms, Hann window, 50% overlap) the
// root mean square over the FFT bins in the band of the difference of the
// two power spectra in dB, averaged over the frames where the clean
// signal is not silent (within 40 dB of its loudest frame). An identical
// signal scores 0; a band that is missing scores about the clean
// signal's level there above the floor, 80 dB under the clean signal's
// strongest bin.
//
// It is level-normalised: degraded is scaled so that its energy in the
// band over the scored frames equals the clean signal's, since a call
// changes the level. The caller aligns the signals (Align, Piecewise).
// Lengths are handled as in SegSNR; a band that is empty, negative or
// above rate/2 is ErrBand.
func LSD(clean, degraded []float64, rate int, loHz, hiHz float64) (float64, error) {
	n, err := compared("LSD", clean, degraded, rate)
	if err != nil {
		return 0, err
	}
	fr := newFraming(rate)
	k0, k1, err := fr.bins("LSD", loHz, hiHz)
	if err != nil {
		return 0, err
	}
	nf := fr.count(n)
	fe := make([]float64, nf)
	loudest := 0.0
	for f := range fe {
		fe[f] = fr.energy(clean, f)
		loudest = max(loudest, fe[f])
	}
	nb := k1 - k0 + 1
	var pc, pd [][]float64
	var sc, sd, peak float64
	for f := range nf {
		if fe[f] == 0 || fe[f] < loudest*silentRatio {
			continue
		}
		c, d := make([]float64, nb), make([]float64, nb)
		fr.power(clean, f, k0, k1, c)
		fr.power(degraded, f, k0, k1, d)
		for k := range c {
			sc += c[k]
			sd += d[k]
			peak = max(peak, c[k])
		}
		pc, pd = append(pc, c), append(pd, d)
	}
	if len(pc) < lsdMinFrames {
		return 0, fmt.Errorf("speechq.LSD: %d frames of speech, need %d: %w", len(pc), lsdMinFrames, ErrTooShort)
	}
	g := 1.0
	if sd > 0 {
		g = sc / sd
	}
	floor := peak*math.Pow(10, -lsdFloorDB/10) + 1e-300
	var sum float64
	for f := range pc {
		var s float64
		for k := range pc[f] {
			diff := 10*math.Log10(max(pc[f][k], floor)) - 10*math.Log10(max(g*pd[f][k], floor))
			s += diff * diff
		}
		sum += math.Sqrt(s / float64(nb))
	}
	return sum / float64(len(pc)), nil
}

// BandEnergyDB returns the mean power of x in loHz..hiHz in dB relative to
// a full-scale square wave of amplitude 1 (a sine of amplitude 1 inside
// the band gives -3 dB), estimated from the power spectra of its frames
// (32 ms, Hann window, 50% overlap) over the whole signal, pauses
// included. Compare two signals' bands with it after normalising their
// level, for instance against another band of the same signal:
// BandEnergyDB(x, r, 3400, 7000) - BandEnergyDB(x, r, 50, 3400) is how
// far x's upper band is under its lower one. A rate under 50 Hz, an
// invalid band or a signal shorter than a frame gives NaN; silence gives
// -Inf.
func BandEnergyDB(x []float64, rate int, loHz, hiHz float64) float64 {
	if rate < minRate {
		return math.NaN()
	}
	fr := newFraming(rate)
	k0, k1, err := fr.bins("BandEnergyDB", loHz, hiHz)
	nf := fr.count(len(x))
	if err != nil || nf == 0 {
		return math.NaN()
	}
	p := make([]float64, k1-k0+1)
	var sum float64
	for f := range nf {
		fr.power(x, f, k0, k1, p)
		for k, v := range p {
			if b := k0 + k; b != 0 && 2*b != fr.m {
				v *= 2 // the negative frequency's twin
			}
			sum += v
		}
	}
	// Parseval: sum over all m bins of |X|² = m * sum of (w*x)².
	return 10 * math.Log10(sum/float64(nf)/float64(fr.m)/energy(fr.win))
}
