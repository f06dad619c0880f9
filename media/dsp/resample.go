package dsp

import (
	"fmt"
	"math"
	"time"
)

// Resampler design constants: stopband attenuation and the transition band
// as a fraction of the lower of the two rates (1200 Hz when one side is
// 8 kHz: flat to 3.4 kHz, 80 dB down from 4.6 kHz).
const (
	resampleStopbandDB = 80
	resampleTransition = 0.15
	maxCoefficients    = 1 << 17
)

// Resampler converts a stream of mono int16 samples from one rate to
// another with a polyphase Kaiser-windowed sinc filter. It keeps its
// history between calls, so a stream may be fed in chunks of any size.
type Resampler struct {
	inRate, outRate int
	l, m            int       // interpolate by l, decimate by m
	taps            int       // coefficients per phase
	coef            []float32 // l phases of taps, time-reversed
	buf             []float32 // taps-1 samples of history, then new input
	t               int       // next output's time, in 1/l input samples from buf[0]
}

// NewResampler returns a Resampler from inRate to outRate (Hz, 4000 to
// 192000 each). Equal rates give a pass-through copy.
func NewResampler(inRate, outRate int) (*Resampler, error) {
	if inRate < 4000 || inRate > 192000 || outRate < 4000 || outRate > 192000 {
		return nil, fmt.Errorf("dsp.NewResampler %d->%d Hz: %w", inRate, outRate, ErrRate)
	}
	g := gcd(inRate, outRate)
	r := &Resampler{inRate: inRate, outRate: outRate, l: outRate / g, m: inRate / g}
	if r.l == 1 && r.m == 1 {
		r.taps = 1
		return r, nil
	}
	minRate := float64(min(inRate, outRate))
	tw := resampleTransition * minRate
	// Kaiser's estimate of the length, per phase (the prototype runs at l*inRate).
	r.taps = int(math.Ceil((resampleStopbandDB-8)*float64(inRate)/(2.285*2*math.Pi*tw))) | 1
	if r.taps*r.l > maxCoefficients {
		return nil, fmt.Errorf("dsp.NewResampler %d->%d Hz: filter of %d taps too long: %w",
			inRate, outRate, r.taps*r.l, ErrRate)
	}
	r.design(minRate / 2 / float64(inRate*r.l))
	r.Reset()
	return r, nil
}

func (r *Resampler) design(fc float64) {
	beta := 0.1102 * (resampleStopbandDB - 8.7)
	h := lowPass(r.taps*r.l, fc, beta, float64(r.l))
	r.coef = make([]float32, len(h))
	for p := 0; p < r.l; p++ {
		for k := 0; k < r.taps; k++ {
			r.coef[p*r.taps+r.taps-1-k] = float32(h[p+k*r.l])
		}
	}
}

// Reset forgets the history, as at the start of a new stream.
func (r *Resampler) Reset() {
	if r.buf == nil {
		r.buf = make([]float32, 0, r.taps-1+4096)
	}
	r.buf = r.buf[:r.taps-1]
	clear(r.buf)
	r.t = (r.taps - 1) * r.l
}

// InRate returns the input sample rate.
func (r *Resampler) InRate() int { return r.inRate }

// OutRate returns the output sample rate.
func (r *Resampler) OutRate() int { return r.outRate }

// MaxOut returns the most samples Process can produce from n input samples.
func (r *Resampler) MaxOut(n int) int { return n*r.l/r.m + 1 }

// Delay returns the filter's group delay (the latency it adds).
func (r *Resampler) Delay() time.Duration {
	half := float64(r.taps*r.l-1) / 2
	return time.Duration(half / float64(r.inRate*r.l) * float64(time.Second))
}

// Process appends to dst the output samples that src completes and returns
// the extended slice. It allocates only if dst lacks capacity or src is
// larger than any chunk seen before.
func (r *Resampler) Process(dst, src []int16) []int16 {
	if r.l == 1 && r.m == 1 {
		return append(dst, src...)
	}
	for _, x := range src {
		r.buf = append(r.buf, float32(x))
	}
	for {
		i := r.t / r.l
		if i >= len(r.buf) {
			break
		}
		p := r.t - i*r.l
		dst = append(dst, saturate(Dot(r.coef[p*r.taps:(p+1)*r.taps], r.buf[i+1-r.taps:i+1])))
		r.t += r.m
	}
	drop := len(r.buf) - (r.taps - 1)
	copy(r.buf, r.buf[drop:])
	r.buf = r.buf[:r.taps-1]
	r.t -= drop * r.l
	return dst
}

// Dot is the inner product of a and b[:len(a)], summed in four lanes.
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
