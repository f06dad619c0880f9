package speechq

import (
	"github.com/skoip/skoip/internal/testsupport/fft"

	"math"
	"time"
)

// Align returns the delay of degraded against clean, in samples at rate
// Hz, searched within ±maxLag: the lag at which degraded[lag:] best lines
// up with clean (positive: degraded is late), and the normalised
// correlation there. It cross-correlates the signals themselves, not
// their envelopes, with FFTs, so a long recording and a wide search stay
// fast, and a copy through a waveform-preserving path is found to the
// sample.
//
// The lag chosen maximises sum(clean[i]*degraded[i+lag]) divided by the
// square root of the clean signal's whole energy times the degraded
// signal's energy where the two overlap: corr is 1 for a scaled copy of
// all of clean, lower for noise, distortion or a partial overlap, so the
// level of the recording around the lag does not pull the choice. Empty
// signals, a rate that is not positive or a negative maxLag give (0, 0).
func Align(clean, degraded []float64, rate int, maxLag time.Duration) (lag int, corr float64) {
	if len(clean) == 0 || len(degraded) == 0 || rate <= 0 || maxLag < 0 {
		return 0, 0
	}
	m := int(math.Round(maxLag.Seconds() * float64(rate)))
	return bestLag(clean, degraded, -min(m, len(clean)-1), min(m, len(degraded)-1))
}

// bestLag is Align's search over the lags lo..hi.
func bestLag(clean, degraded []float64, lo, hi int) (int, float64) {
	n := fft.NextPow2(len(clean) + len(degraded))
	xc := fft.CrossCorrelation(clean, degraded, n)
	var ec float64
	for _, v := range clean {
		ec += v * v
	}
	pd := make([]float64, len(degraded)+1) // prefix sums of degraded²
	for i, v := range degraded {
		pd[i+1] = pd[i] + v*v
	}
	// An overlap of (near) silence would divide rounding noise by nothing.
	floor := 1e-12*pd[len(degraded)] + 1e-300
	best, bestC := 0, math.Inf(-1)
	for lag := lo; lag <= hi; lag++ {
		// clean[i] meets degraded[i+lag] for i in [max(0,-lag), min(len(clean), len(degraded)-lag)).
		from, to := max(0, -lag)+lag, min(len(clean), len(degraded)-lag)+lag
		ed := 0.0
		if to > from {
			ed = pd[to] - pd[from]
		}
		c := xc[(lag+n)%n] / math.Sqrt(ec*max(ed, floor))
		if c > bestC {
			best, bestC = lag, c
		}
	}
	if math.IsInf(bestC, -1) || math.IsNaN(bestC) {
		return 0, 0
	}
	return best, bestC
}

// Piecewise lines degraded up with clean segment by segment, for a path
// whose delay moved during the recording: a playout buffer that grew or
// shrank, a receiver that dropped or inserted frames (a recording of
// decoded frames without their timing shrinks by a frame at each loss it
// does not conceal). lag is where the speech starts (from Align, on the
// beginning of clean when the delay drifts). The segments of seg of clean
// are taken in order; each one with speech (its energy within 40 dB of
// the loudest segment's) gets the lag within ±maxShift of the current
// lag that correlates best, and when that correlation is at least 0.5 it
// becomes the current lag, so that a drift is followed while a segment
// too damaged to place does not throw the search off; a silent segment
// takes the current lag. A segment that correlates under 0.5 is searched
// again within ±8*maxShift, and placed there if it correlates at least
// 0.5 there: a jump of the delay beyond maxShift (a receiver that threw
// away a stretch of late frames) is found again. It returns a signal as long as clean, made of the
// degraded samples at each segment's lag (zeros where degraded has none),
// and the lag of each segment.
//
// This is the utterance realignment of objective speech quality measures
// (ITU-T P.862 realigns each utterance): a delay that changes in a pause
// is not heard as distortion, and would otherwise make every later frame
// count as an error; one that changes within a segment still costs that
// segment.
func Piecewise(clean, degraded []float64, rate, lag int, seg, maxShift time.Duration) ([]float64, []int) {
	out := make([]float64, len(clean))
	if rate <= 0 || len(clean) == 0 {
		return out, nil
	}
	n := max(1, int(seg.Seconds()*float64(rate)))
	m := max(0, int(math.Round(maxShift.Seconds()*float64(rate))))
	var segE []float64
	loudest := 0.0
	for s := 0; s < len(clean); s += n {
		e := energy(clean[s:min(s+n, len(clean))])
		segE = append(segE, e)
		loudest = max(loudest, e)
	}
	lags := make([]int, len(segE))
	cur := lag
	for k, e := range segE {
		s, end := k*n, min(k*n+n, len(clean))
		l := cur
		if e > 0 && e >= loudest*silentRatio && m > 0 {
			win := window(degraded, s+cur-m, end+cur+m)
			d, c := bestLag(clean[s:end], win, 0, 2*m)
			l = cur - m + d
			if c < trackCorr {
				w := reacquire * m
				if d, c2 := bestLag(clean[s:end], window(degraded, s+cur-w, end+cur+w), 0, 2*w); c2 >= trackCorr {
					l, c = cur-w+d, c2
				}
			}
			if c >= trackCorr {
				cur = l
			}
		}
		lags[k] = l
		copy(out[s:end], window(degraded, s+l, end+l))
	}
	return out, lags
}

// trackCorr is the correlation at which Piecewise trusts a segment's lag
// enough to search the next segments around it; a segment under it is
// searched again reacquire times as wide.
const (
	trackCorr = 0.5
	reacquire = 8
)

// window returns x[from:to], zero-padded where the range leaves x.
func window(x []float64, from, to int) []float64 {
	w := make([]float64, to-from)
	for i := range w {
		if j := from + i; j >= 0 && j < len(x) {
			w[i] = x[j]
		}
	}
	return w
}
