package room

import "math"

// resyncTime is how far the drifting capture clock may slip from the
// playback clock before the delay line jumps back by as much, as a real
// device's driver resynchronises after an xrun: 20 ms.
const resyncTime = 0.020

// minLag is the smallest lag, in samples, that the cubic interpolation of
// a drifting read can use (it needs the sample after the one it reads).
const minLag = 2

// delayLine delays the loudspeaker's signal by the bulk delay and reads it
// with the capture clock: with drift ε (DriftPPM·1e-6) the capture runs
// 1+ε times as fast as the playback, so each capture sample reads the
// played signal 1/(1+ε) samples further on and the lag grows by ε/(1+ε)
// per sample. A tone of f Hz thus comes back at f/(1+ε). The slip is kept
// within [lo, hi]: ±20 ms about the bulk delay, except that the lag never
// falls below 2 samples (with a bulk delay under 2 samples the window is
// [2-base, 2-base+20ms] and the read starts at lag 2). When it leaves the
// window the slip jumps by 20 ms back into it.
type delayLine struct {
	buf  []float32 // power of two
	mask int
	w    int     // samples written
	base int     // bulk delay, samples
	slip float64 // lag - base, samples
	lo   float64 // slip window
	hi   float64
	step float64 // slip added per sample
	jump float64 // 20 ms in samples
}

func newDelayLine(base, rate int, ppm float64) *delayLine {
	eps := ppm * 1e-6
	d := &delayLine{base: base, step: eps / (1 + eps), jump: resyncTime * float64(rate)}
	d.lo = max(-d.jump, minLag-float64(base))
	d.hi = max(d.jump, d.lo+d.jump)
	if d.step != 0 {
		d.slip = max(0, d.lo)
	}
	n := 1
	for n < base+int(d.hi)+8 {
		n *= 2
	}
	d.buf, d.mask = make([]float32, n), n-1
	return d
}

// process writes x and returns the capture's sample of this instant.
func (d *delayLine) process(x float32) float32 {
	n := d.w
	d.buf[n&d.mask] = x
	d.w++
	if d.step == 0 {
		return d.buf[(n-d.base)&d.mask]
	}
	d.slip += d.step
	switch {
	case d.slip > d.hi:
		d.slip -= d.jump
	case d.slip < d.lo:
		d.slip += d.jump
	}
	p := float64(n-d.base) - d.slip
	i := int(math.Floor(p))
	c := lagrange3(p - float64(i))
	return float32(c[0]*float64(d.buf[(i-1)&d.mask]) + c[1]*float64(d.buf[i&d.mask]) +
		c[2]*float64(d.buf[(i+1)&d.mask]) + c[3]*float64(d.buf[(i+2)&d.mask]))
}
