package aec

// Coherence tuning.
const (
	cohSmooth = 0.85 // memory of the smoothed spectra per 10 ms frame (~65 ms)
	cohFrame  = 0.9  // echo share of the microphone under which a frame may hold the near end
	cohMicDB  = -5   // ...if the microphone is also at least this far (dB) from under its echo level
	cohLearn  = 0.5  // echo share of a band under which its levels do not learn, once settled
)

// coherence holds, per bin, smoothed auto- and cross-spectra of the
// microphone M = E + Y and the filter's echo estimate Y. The part of the
// microphone coherent with the estimate, |S_MY|²/S_YY, is echo: near-end
// speech and noise are uncorrelated with the reference, so they add to
// S_MM but not to S_MY.
type coherence struct {
	my     []complex128
	mm, yy []float64
}

func newCoherence(bins int) coherence {
	return coherence{my: make([]complex128, bins), mm: make([]float64, bins), yy: make([]float64, bins)}
}

func (c *coherence) reset() {
	clear(c.my)
	clear(c.mm)
	clear(c.yy)
}

// update folds one frame's spectra (bins 0..n/2) of the output e and the
// estimate y.
func (c *coherence) update(e, y []complex128) {
	const a, b = cohSmooth, 1 - cohSmooth
	for k := range c.mm {
		yk := y[k]
		mk := e[k] + yk
		c.my[k] = complex(a, 0)*c.my[k] + complex(b, 0)*mk*conj(yk)
		c.mm[k] = a*c.mm[k] + b*sq(mk)
		c.yy[k] = a*c.yy[k] + b*sq(yk)
	}
}

// share returns the part of the microphone's power over bins [lo, hi)
// that is coherent with the echo estimate, 0..1.
func (c *coherence) share(lo, hi int) float64 {
	var m, coh float64
	for k := lo; k < hi; k++ {
		coh += sq(c.my[k]) / max(c.yy[k], 1e-3)
		m += c.mm[k]
	}
	return min(coh/max(m, 1e-3), 1)
}
