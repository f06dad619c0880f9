package room

import "math"

// biquad is a second-order IIR filter (direct form I).
type biquad struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

// butterworth is a second-order Butterworth low-pass (or high-pass) at fc
// Hz for rate fs, designed by the bilinear transform.
func butterworth(fc, fs float64, high bool) biquad {
	k := math.Tan(math.Pi * fc / fs)
	norm := 1 / (1 + math.Sqrt2*k + k*k)
	f := biquad{a1: 2 * (k*k - 1) * norm, a2: (1 - math.Sqrt2*k + k*k) * norm}
	if high {
		f.b0, f.b1, f.b2 = norm, -2*norm, norm
	} else {
		f.b0, f.b1, f.b2 = k*k*norm, 2*k*k*norm, k*k*norm
	}
	return f
}

func (f *biquad) step(x float64) float64 {
	y := f.b0*x + f.b1*f.x1 + f.b2*f.x2 - f.a1*f.y1 - f.a2*f.y2
	f.x2, f.x1, f.y2, f.y1 = f.x1, x, f.y1, y
	return y
}

// onePole is a one-pole low-pass filter: y += a·(x - y).
type onePole struct{ a, y float64 }

func newOnePole(fc, fs float64) onePole { return onePole{a: 1 - math.Exp(-2*math.Pi*fc/fs)} }

func (f *onePole) step(x float64) float64 {
	f.y += f.a * (x - f.y)
	return f.y
}
