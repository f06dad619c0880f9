package stoi

import (
	"github.com/skoip/skoip/internal/testsupport/fft"
	"math"
)

// band is a one-third-octave band as a range of FFT bins [lo, hi).
type band struct{ lo, hi int }

// bands are the 15 one-third-octave bands with centres 150*2^(k/3) Hz,
// each edge rounded to the nearest bin of the 512-point FFT at 10 kHz.
var bands = func() []band {
	bs := make([]band, numBands)
	binHz := float64(rate) / fftLen
	for k := range bs {
		lo := minFreq * math.Pow(2, float64(2*k-1)/6)
		hi := minFreq * math.Pow(2, float64(2*k+1)/6)
		bs[k] = band{int(math.Round(lo / binHz)), int(math.Round(hi / binHz))}
	}
	return bs
}()

// bandEnvelopes returns, for each band, the magnitude of each frame of x
// (Hann window, 50% overlap, 512-point FFT): the square root of the energy
// of the band's bins. The result is indexed [band][frame].
func bandEnvelopes(x []float64) [][]float64 {
	nf := numFrames(len(x))
	env := make([][]float64, numBands)
	for k := range env {
		env[k] = make([]float64, nf)
	}
	re, im := make([]float64, fftLen), make([]float64, fftLen)
	for f := range nf {
		clear(im)
		clear(re[frameLen:])
		for i, w := range hann {
			re[i] = w * x[f*hop+i]
		}
		fft.Transform(re, im, false)
		for k, b := range bands {
			var e float64
			for i := b.lo; i < b.hi; i++ {
				e += re[i]*re[i] + im[i]*im[i]
			}
			env[k][f] = math.Sqrt(e)
		}
	}
	return env
}
