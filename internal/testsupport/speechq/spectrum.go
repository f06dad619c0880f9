package speechq

import (
	"github.com/skoip/skoip/internal/testsupport/fft"

	"fmt"
	"math"
)

// lsdFrame is the spectral frame: 32 ms, Hann window, 50% overlap.
const lsdFrame = 0.032 // seconds

// framing cuts a signal into Hann-windowed frames of 32 ms with 50%
// overlap and takes their power spectra with a zero-padded FFT.
type framing struct {
	n, hop, m int // frame, hop and FFT lengths in samples
	rate      int
	win       []float64
	re, im    []float64
}

func newFraming(rate int) *framing {
	n := max(2, int(math.Round(lsdFrame*float64(rate))))
	m := fft.NextPow2(n)
	return &framing{n: n, hop: n / 2, m: m, rate: rate, win: hann(n), re: make([]float64, m), im: make([]float64, m)}
}

// count is how many whole frames a signal of l samples holds.
func (fr *framing) count(l int) int {
	if l < fr.n {
		return 0
	}
	return (l-fr.n)/fr.hop + 1
}

// energy is the windowed energy of frame f of x.
func (fr *framing) energy(x []float64, f int) float64 {
	var e float64
	for i, w := range fr.win {
		v := w * x[f*fr.hop+i]
		e += v * v
	}
	return e
}

// power writes |X[k]|² of frame f of x for the bins k0..k1 into out.
func (fr *framing) power(x []float64, f, k0, k1 int, out []float64) {
	clear(fr.im)
	clear(fr.re[fr.n:])
	for i, w := range fr.win {
		fr.re[i] = w * x[f*fr.hop+i]
	}
	fft.Transform(fr.re, fr.im, false)
	for k := k0; k <= k1; k++ {
		out[k-k0] = fr.re[k]*fr.re[k] + fr.im[k]*fr.im[k]
	}
}

// bins returns the FFT bins k0..k1 whose frequencies lie in [loHz, hiHz],
// or ErrBand.
func (fr *framing) bins(fn string, loHz, hiHz float64) (int, int, error) {
	nyq := float64(fr.rate) / 2
	bad := func() (int, int, error) {
		return 0, 0, fmt.Errorf("speechq.%s: %g-%g Hz at %d Hz: %w", fn, loHz, hiHz, fr.rate, ErrBand)
	}
	if math.IsNaN(loHz) || math.IsNaN(hiHz) || loHz < 0 || hiHz <= loHz || hiHz > nyq {
		return bad()
	}
	binHz := float64(fr.rate) / float64(fr.m)
	k0, k1 := int(math.Ceil(loHz/binHz)), int(math.Floor(hiHz/binHz))
	if k1 < k0 {
		return bad()
	}
	return k0, k1, nil
}
