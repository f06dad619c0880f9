package aec

import "math"

// Tuning of the delay estimator (blocks are 2 ms).
const (
	estRing      = 1024 // feature history per stream, in blocks (2 s)
	estMemory    = 400  // correlation memory, in blocks (0.8 s)
	estEvery     = 25   // blocks between decisions (50 ms)
	estMinCorr   = 0.3  // normalised correlation a peak needs
	estPeakRatio = 1.2  // peak over the best lag outside estGuard
	estGuard     = 10   // blocks around the peak left out of the ratio
	estFirst     = 2    // agreeing decisions for the first lock
	estMove      = 4    // agreeing decisions to move a lock
	estBeat      = 1.2  // a move's peak over the correlation at the locked lag
)

// delayEstimator finds the bulk delay between the loudspeaker and the
// microphone by correlating their block envelopes over lags 0..maxDelay.
// It updates only while the far end has been active within the lag range,
// and moves its estimate only after consecutive confident decisions, so
// near-end speech and silence leave it where it is.
type delayEstimator struct {
	ref, mic   envRing
	lags       int
	c, er      []float64 // per lag: smoothed cross products, ref energy
	em         float64   // smoothed mic energy
	done       uint64    // block pairs correlated
	updates    int
	lastActive int64 // last active ref block
	cand       int   // candidate lag (blocks), -1 none
	agree      int
	locked     bool
	delay      float64 // samples
	hint       float64 // samples: the delay measured beforehand (HintDelay), 0 none
}

func newDelayEstimator(blk, lags int) delayEstimator {
	return delayEstimator{
		ref: newEnvRing(blk, estRing), mic: newEnvRing(blk, estRing),
		lags: lags, c: make([]float64, lags), er: make([]float64, lags),
		lastActive: math.MinInt32, cand: -1,
	}
}

// advance correlates every block pair that both streams have completed.
func (d *delayEstimator) advance() {
	for d.done < d.mic.blocks && d.done < d.ref.blocks {
		if d.ref.blocks-d.done > estRing-uint64(d.lags) {
			d.done = d.ref.blocks - (estRing - uint64(d.lags)) // fell behind: skip
			continue
		}
		d.pair(int64(d.done))
		d.done++
		if d.done%estEvery == 0 {
			d.decide()
		}
	}
}

// pair folds mic block b against ref blocks b-lags+1..b.
func (d *delayEstimator) pair(b int64) {
	if d.ref.active[uint64(b)&d.ref.mask] {
		d.lastActive = b
	}
	if b-d.lastActive >= int64(d.lags) {
		return
	}
	d.updates++
	w := max(1/float64(d.updates), 1.0/estMemory)
	m := float64(d.mic.feat[uint64(b)&d.mic.mask])
	d.em += w * (m*m - d.em)
	for l := range d.lags {
		var r float64
		if i := b - int64(l); i >= 0 {
			r = float64(d.ref.feat[uint64(i)&d.ref.mask])
		}
		d.c[l] += w * (m*r - d.c[l])
		d.er[l] += w * (r*r - d.er[l])
	}
}

// decide looks for a confident peak and moves the estimate after enough
// agreeing decisions.
func (d *delayEstimator) decide() {
	best, ok := d.peak()
	if !ok {
		d.agree = 0
		return
	}
	if d.cand >= 0 && abs(best-d.cand) <= 1 {
		d.agree++
	} else {
		d.cand, d.agree = best, 1
	}
	need := estMove
	if !d.locked {
		need = estFirst
	}
	if d.agree >= need && d.locked && abs(best-d.lag()) > 1 && d.norm(best, d.c[best]) < estBeat*d.norm(d.lag(), d.c[d.lag()]) {
		return // not clearly better than the locked lag
	}
	if d.agree >= need {
		d.locked = true
		d.delay = d.refine(best) * float64(d.ref.blk)
	}
}

// lag is the locked delay's nearest lag.
func (d *delayEstimator) lag() int {
	return min(int(d.delay/float64(d.ref.blk)+0.5), d.lags-1)
}

// peak returns the lag of the largest normalised correlation when it
// passes the confidence tests.
func (d *delayEstimator) peak() (int, bool) {
	best, bv := -1, 0.0
	for l, c := range d.c {
		if v := d.norm(l, c); v > bv {
			best, bv = l, v
		}
	}
	if best < 0 || bv < estMinCorr {
		return 0, false
	}
	second := 0.0
	for l, c := range d.c {
		if abs(l-best) > estGuard {
			second = max(second, d.norm(l, c))
		}
	}
	return best, bv >= estPeakRatio*second
}

func (d *delayEstimator) norm(l int, c float64) float64 {
	den := d.er[l] * d.em
	if den <= 0 {
		return 0
	}
	return c / math.Sqrt(den)
}

// refine interpolates the peak at lag l with a parabola, in blocks.
func (d *delayEstimator) refine(l int) float64 {
	if l == 0 || l == d.lags-1 {
		return float64(l)
	}
	a, b, c := d.c[l-1], d.c[l], d.c[l+1]
	den := a - 2*b + c
	if den >= 0 {
		return float64(l)
	}
	return float64(l) + 0.5*(a-c)/den
}

func (d *delayEstimator) reset() {
	d.ref.reset()
	d.mic.reset()
	clear(d.c)
	clear(d.er)
	d.em, d.done, d.updates = 0, 0, 0
	d.lastActive, d.cand, d.agree = math.MinInt32, -1, 0
	d.locked, d.delay = d.hint > 0, d.hint
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
