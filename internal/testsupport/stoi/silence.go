package stoi

import "math"

// hann is the analysis window: a Hann window of frameLen points that
// excludes the zero end points.
var hann = func() []float64 {
	w := make([]float64, frameLen)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i+1)/float64(frameLen+1))
	}
	return w
}()

// numFrames is how many whole frames a signal of n samples holds.
func numFrames(n int) int {
	if n < frameLen {
		return 0
	}
	return (n-frameLen)/hop + 1
}

// removeSilence drops from both signals the frames where the clean signal
// x is more than dynRange dB under its loudest frame, and rebuilds each by
// overlap-adding the windowed frames that are kept. It returns the number
// of frames kept.
func removeSilence(x, y []float64) (xs, ys []float64, kept int) {
	nf := numFrames(len(x))
	energy := make([]float64, nf)
	loudest := math.Inf(-1)
	for f := range energy {
		var e float64
		for i, w := range hann {
			v := w * x[f*hop+i]
			e += v * v
		}
		energy[f] = 10 * math.Log10(e+1e-20)
		loudest = max(loudest, energy[f])
	}
	for _, e := range energy {
		if e > loudest-dynRange {
			kept++
		}
	}
	if kept == 0 {
		return nil, nil, 0
	}
	xs = make([]float64, (kept-1)*hop+frameLen)
	ys = make([]float64, len(xs))
	k := 0
	for f, e := range energy {
		if e <= loudest-dynRange {
			continue
		}
		for i, w := range hann {
			xs[k*hop+i] += w * x[f*hop+i]
			ys[k*hop+i] += w * y[f*hop+i]
		}
		k++
	}
	return xs, ys, kept
}
