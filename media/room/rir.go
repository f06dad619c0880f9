package room

import "math"

const (
	// sincHalf is the half-width, in taps, of the Blackman-windowed sinc
	// that places the direct path and the early images at their
	// fractional delays; the response starts sincHalf taps early.
	sincHalf = 8
	// earlyTime: images arriving more than 50 ms after the direct path
	// (60 per millisecond at 50 ms, 2000 at 300 ms) get a 4-tap cubic Lagrange
	// kernel instead, 4 times cheaper, whose gentle high-frequency loss
	// stands in for air absorption.
	earlyTime = 0.050
	// maxTail caps the response: it ends T60 after the direct path (60 dB
	// down), or 800 ms after it for a T60 above 800 ms.
	maxTail = 0.8
	// lowCut: the reflections are high-passed at 100 Hz (second-order
	// Butterworth), as Allen and Berkley high-passed theirs. The images
	// all have positive amplitudes, and late in the response hundreds of
	// them land on each sample: without the high-pass they sum to a slowly
	// varying positive offset, which is no sound, that outweighs the
	// reverberation and decays too slowly. The direct path is left as is.
	lowCut = 100.0
)

// response is the image-method (Allen and Berkley) impulse response from
// the loudspeaker to the microphone at rate Hz for a reverberation time
// t60 (s; 0 = the direct path alone). It is normalised so that the direct
// path has gain 1; tap k is at time (k-pre)/rate after the sound left the
// loudspeaker.
func (g geometry) response(rate int, t60 float64) (h []float32, pre int) {
	fs, r0 := float64(rate), g.distance()
	tail := min(t60, maxTail)
	n := sincHalf + int(math.Ceil((r0/soundSpeed+tail)*fs)) + sincHalf + 2
	acc := make([]float64, n)
	if t60 == 0 {
		addSinc(acc, sincHalf+r0/soundSpeed*fs, 1)
		return toFloat32(acc), sincHalf
	}
	beta := g.reflection(t60)
	rmax := r0 + soundSpeed*tail
	xs := axisImages(g.spk[0], g.mic[0], g.size[0], rmax)
	ys := axisImages(g.spk[1], g.mic[1], g.size[1], rmax)
	zs := axisImages(g.spk[2], g.mic[2], g.size[2], rmax)
	pow := make([]float64, maxOrder(xs)+maxOrder(ys)+maxOrder(zs)+1)
	for i := range pow {
		pow[i] = math.Pow(beta, float64(i))
	}
	early, r2max := r0+soundSpeed*earlyTime, rmax*rmax
	direct := make([]float64, n)
	addSinc(direct, sincHalf+r0/soundSpeed*fs, 1)
	for _, x := range xs {
		dx2 := x.d * x.d
		if dx2 > r2max {
			break
		}
		for _, y := range ys {
			dxy2 := dx2 + y.d*y.d
			if dxy2 > r2max {
				break
			}
			for _, z := range zs {
				r2 := dxy2 + z.d*z.d
				if r2 > r2max {
					break
				}
				order := x.order + y.order + z.order
				if order == 0 {
					continue // the direct path
				}
				r := math.Sqrt(r2)
				a, t := r0/r*pow[order], sincHalf+r/soundSpeed*fs
				if r <= early {
					addSinc(acc, t, a)
				} else {
					addLagrange(acc, t, a)
				}
			}
		}
	}
	highPass(acc, lowCut, fs)
	for i, v := range direct {
		acc[i] += v
	}
	return toFloat32(acc), sincHalf
}

func maxOrder(images []image) int {
	m := 0
	for _, im := range images {
		m = max(m, im.order)
	}
	return m
}

// highPass filters x in place by a second-order Butterworth high-pass at
// fc Hz for rate fs.
func highPass(x []float64, fc, fs float64) {
	f := butterworth(fc, fs, true)
	for i, v := range x {
		x[i] = f.step(v)
	}
}

// addSinc adds a pulse of amplitude a at fractional tap t: a sinc
// windowed by a Blackman window of sincHalf taps each side.
func addSinc(h []float64, t, a float64) {
	i0 := int(math.Floor(t))
	sinPiT := math.Sin(math.Pi * (t - float64(i0))) // sin(π(k-t)) = ±sinPiT
	for k := i0 - sincHalf + 1; k <= i0+sincHalf; k++ {
		if k < 0 || k >= len(h) {
			continue
		}
		x := float64(k) - t
		if x == 0 {
			h[k] += a
			continue
		}
		s := sinPiT / (math.Pi * x)
		if (k-i0)%2 == 0 { // sin(π(k-t)) = (-1)^(k-i0+1)·sin(π(t-i0))
			s = -s
		}
		w := 0.42 + 0.5*math.Cos(math.Pi*x/sincHalf) + 0.08*math.Cos(2*math.Pi*x/sincHalf)
		h[k] += a * s * w
	}
}

// addLagrange adds a pulse of amplitude a at fractional tap t with the
// cubic Lagrange interpolator's 4 taps.
func addLagrange(h []float64, t, a float64) {
	i := int(t)
	if i < 1 || i+2 >= len(h) {
		return
	}
	f := t - float64(i)
	c := lagrange3(f)
	h[i-1] += a * c[0]
	h[i] += a * c[1]
	h[i+1] += a * c[2]
	h[i+2] += a * c[3]
}

// lagrange3 is the cubic Lagrange interpolator's weights for the points
// -1, 0, 1, 2 at fraction f.
func lagrange3(f float64) [4]float64 {
	return [4]float64{
		-f * (f - 1) * (f - 2) / 6,
		(f + 1) * (f - 1) * (f - 2) / 2,
		-(f + 1) * f * (f - 2) / 2,
		(f + 1) * f * (f - 1) / 6,
	}
}

func toFloat32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}
