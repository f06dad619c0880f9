package e2e

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"sort"
)

// match is how well a recording matches a looped source: the best
// normalised cross-correlation of each voiced window of the recording with
// the source at any lag.
type match struct {
	Windows int
	Median  float64
	Min     float64
	Max     float64
	Good    float64 // fraction of windows at >= goodCorr: a match that chance does not make
	Lags    []int   // per window: source position minus recording position (samples, mod source length)
}

func (m match) String() string {
	return fmt.Sprintf("median %.3f (min %.3f, max %.3f, %.0f%% of %d windows >= %.2f; lags %v)",
		m.Median, m.Min, m.Max, 100*m.Good, m.Windows, goodCorr, m.Lags)
}

// goodCorr is a window correlation that speech other than the source does
// not reach (measured: at most 0.86 for 200 ms windows of the other WAV).
const goodCorr = 0.9

// source is a looped WAV prepared for correlation with windows of win samples.
type source struct {
	win    int
	n      int
	spec   []complex128 // FFT of the source extended by win samples (circular)
	energy []float64    // prefix sums of squares of the extended source
	raw    []float64    // the source
}

func newSource(s []int16, win int) *source {
	n := len(s)
	ext := make([]float64, n+win)
	for i := range ext {
		ext[i] = float64(s[i%n])
	}
	energy := make([]float64, len(ext)+1)
	for i, v := range ext {
		energy[i+1] = energy[i] + v*v
	}
	size := 1
	for size < len(ext)+win {
		size <<= 1
	}
	spec := make([]complex128, size)
	for i, v := range ext {
		spec[i] = complex(v, 0)
	}
	fft(spec, false)
	return &source{win: win, n: n, spec: spec, energy: energy, raw: ext[:n]}
}

// best is the highest normalised correlation of w (len win) with the
// source, and the lag in the source where it is found.
func (s *source) best(w []float64) (float64, int) {
	buf := make([]complex128, len(s.spec))
	var ww float64
	for i, v := range w {
		buf[i] = complex(v, 0)
		ww += v * v
	}
	fft(buf, false)
	for i := range buf {
		buf[i] = cmplx.Conj(buf[i]) * s.spec[i]
	}
	fft(buf, true)
	// A floor on the source energy keeps near-silent stretches of the source
	// from matching anything.
	floor := ww * 0.05
	best, lag := 0.0, 0
	for k := 0; k < s.n; k++ {
		es := s.energy[k+s.win] - s.energy[k]
		c := real(buf[k]) / float64(len(buf)) / math.Sqrt(ww*math.Max(es, floor))
		if c > best {
			best, lag = c, k
		}
	}
	return best, lag
}

// correlate matches rec against src with windows of win samples, using at
// most maxWin voiced windows spread evenly over rec. Silent windows (RMS
// below 1% of full scale) are skipped.
func correlate(rec, src []int16, win, maxWin int) match {
	s := newSource(src, win)
	var voiced [][]float64
	var offs []int
	for off := 0; off+win <= len(rec); off += win {
		w := make([]float64, win)
		var e float64
		for i := range w {
			w[i] = float64(rec[off+i])
			e += w[i] * w[i]
		}
		if math.Sqrt(e/float64(win)) >= 327 {
			voiced = append(voiced, w)
			offs = append(offs, off)
		}
	}
	if len(voiced) == 0 {
		return match{}
	}
	step := 1
	if len(voiced) > maxWin {
		step = len(voiced) / maxWin
	}
	var got []float64
	var delays []int
	var sel [][]float64
	var selOffs []int
	for i := 0; i < len(voiced) && len(got) < maxWin; i += step {
		c, lag := s.best(voiced[i])
		got = append(got, c)
		sel, selOffs = append(sel, voiced[i]), append(selOffs, offs[i])
		// The position in the source minus the position in the recording:
		// constant while the playout delay is.
		delays = append(delays, ((lag-offs[i])%s.n+s.n)%s.n)
	}
	s.retryVarispeed(got, delays, sel, selOffs)
	slices.Sort(got)
	good := len(got) - sort.SearchFloat64s(got, goodCorr)
	return match{Windows: len(got), Median: got[len(got)/2], Min: got[0], Max: got[len(got)-1],
		Good: float64(good) / float64(len(got)), Lags: delays}
}

// fft is an in-place iterative radix-2 FFT (len(a) a power of two); inverse
// leaves the result unscaled.
func fft(a []complex128, inverse bool) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		w := cmplx.Rect(1, sign*2*math.Pi/float64(size))
		for start := 0; start < n; start += size {
			wk := complex(1, 0)
			for k := 0; k < size/2; k++ {
				u, v := a[start+k], a[start+k+size/2]*wk
				a[start+k], a[start+k+size/2] = u+v, u-v
				wk *= w
			}
		}
	}
}

// maxSpeedStep is the playout's largest speed change in 1/256ths: the
// jitter buffer shortens or stretches what it plays by at most 1/32 while
// it adjusts its delay (after a stall of the machine, say).
const maxSpeedStep = 8

// retryVarispeed gives the windows below goodCorr a second chance as the
// source played at a constant speed within +-1/32 (steps of 1/256): while
// the playout delay is being adjusted, a window is the source slightly sped
// up or slowed down, which a single lag cannot match. The delays tried are
// near the window's own first match (within 1/32 of a window plus 16
// samples) and near the delay of the closest good window before and after
// it (within 1/32 of the distance plus 16 samples, at most 200), those
// first, until one matches at 0.97; windows are taken forward, then
// backward, so that a window matched this way anchors the next. A recording with no good window gets no second chance, so speech
// other than the source is judged as before. got and delays are updated in
// place; offs are the windows' positions in the recording.
func (s *source) retryVarispeed(got []float64, delays []int, windows [][]float64, offs []int) {
	if !slices.ContainsFunc(got, func(c float64) bool { return c >= goodCorr }) {
		return
	}
	nearestGood := func(i, dir int) int {
		for j := i + dir; j >= 0 && j < len(got); j += dir {
			if got[j] >= goodCorr {
				return j
			}
		}
		return -1
	}
	for pass := 0; pass < 2; pass++ {
		for n := range got {
			i := n
			if pass == 1 {
				i = len(got) - 1 - n
			}
			if got[i] >= goodCorr {
				continue
			}
			type anchor struct{ delay, reach int }
			var anchors []anchor
			for _, dir := range []int{-1, 1} {
				if j := nearestGood(i, dir); j >= 0 {
					anchors = append(anchors, anchor{delays[j], min(abs(offs[i]-offs[j])/32+16, 200)})
				}
			}
			anchors = append(anchors, anchor{delays[i], s.win/32 + 16})
			for _, a := range anchors {
				if got[i] >= 0.97 {
					break // matched: another anchor would not change the verdict
				}
				if c, d := s.searchSpeeds(windows[i], offs[i]+a.delay, a.reach); c > got[i] {
					got[i], delays[i] = c, ((d-offs[i])%s.n+s.n)%s.n
				}
			}
		}
	}
}

// searchSpeeds is the best normalised correlation of w with the source
// played at a speed within +-maxSpeedStep/256 from a position within reach
// of at, and that position (mod the source's length).
func (s *source) searchSpeeds(w []float64, at, reach int) (float64, int) {
	span := len(w) + len(w)*maxSpeedStep/256 + 2
	seg := make([]float64, span+2*reach)
	for i := range seg {
		seg[i] = s.raw[((at-reach+i)%s.n+s.n)%s.n]
	}
	energy := make([]float64, len(seg)+1)
	for i, v := range seg {
		energy[i+1] = energy[i] + v*v
	}
	best, pos := 0.0, at
	wr := make([]float64, 0, span)
	for k := -maxSpeedStep; k <= maxSpeedStep; k++ {
		// the source at this speed is the window resampled by 1/speed
		speed := 1 + float64(k)/256
		wr = wr[:0]
		var ww float64
		for m := 0; float64(m)/speed <= float64(len(w)-1); m++ {
			p := float64(m) / speed
			j := int(p)
			v := w[j]
			if j+1 < len(w) {
				v += (w[j+1] - v) * (p - float64(j))
			}
			wr = append(wr, v)
			ww += v * v
		}
		for l := 0; l+len(wr) <= len(seg) && l <= 2*reach; l++ {
			var wx float64
			for m, v := range wr {
				wx += v * seg[l+m]
			}
			xx := energy[l+len(wr)] - energy[l]
			if c := wx / math.Sqrt(ww*math.Max(xx, ww*0.05)); c > best {
				best, pos = c, at-reach+l
			}
		}
	}
	return best, pos
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
