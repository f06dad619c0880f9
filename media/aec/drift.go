package aec

import "math"

// Drift tracking: a proportional-integral loop on the position of the
// filter's largest tap, measured every 0.5 s, steers the rate at which the
// reference is read so that the echo stays still in the filter when the
// loudspeaker's and the microphone's clocks differ (200 ppm moves it
// 1.6 samples a second at 8 kHz).
const (
	driftEvery = 50   // frames between measurements (0.5 s)
	driftShare = 0.15 // least share of the filter's energy in its peak tap
	driftKp    = 0.3  // proportional gain (of the error, spread over the next interval)
	driftKi    = 0.08 // integral gain
	driftClamp = 3.0  // largest error (samples) one measurement may report
	driftLost  = 24.0 // an error past this is an outlier; three in a row, a new echo path
	driftMax   = 1e-3 // largest rate correction: 1000 ppm
	interpHalf = 8    // interpolator taps each side
	interpP    = 256  // interpolator phases
)

// driftLoop holds the read rate correction of the reference.
type driftLoop struct {
	frames   int
	anchor   float64 // peak position to hold, -1 until measured
	integral float64 // rate (samples per sample), integral part
	rate     float64 // current rate correction
	shift    float64 // extra delay of the reference so far, samples
	outliers int     // consecutive measurements past driftLost
}

func newDriftLoop() driftLoop { return driftLoop{anchor: -1} }

// restart forgets the anchor and the shift (the filter restarted) but
// keeps the rate: the clocks still differ.
func (d *driftLoop) restart() {
	d.anchor, d.shift, d.frames, d.outliers = -1, 0, 0, 0
	d.rate = d.integral
}

// measure folds a peak measurement taken after interval samples.
func (d *driftLoop) measure(pos, share float64, interval int) {
	if pos < 0 || share < driftShare {
		return
	}
	if d.anchor < 0 {
		d.anchor = pos
		return
	}
	e := pos - d.anchor
	if math.Abs(e) > driftLost {
		d.outliers++
		if d.outliers >= 3 {
			d.anchor, d.outliers = pos, 0
		}
		return
	}
	d.outliers = 0
	e = min(max(e, -driftClamp), driftClamp)
	n := float64(interval)
	d.integral = min(max(d.integral+driftKi*e/n, -driftMax), driftMax)
	d.rate = min(max(d.integral+driftKp*e/n, -driftMax), driftMax)
}

// interpolator reads the reference at fractional positions with a
// Hann-windowed sinc of 16 taps, in 256 phases (error below -40 dB up to
// 0.45 of the rate).
type interpolator struct {
	table []float32 // phase*2*interpHalf + tap
}

func newInterpolator() interpolator {
	t := make([]float32, (interpP+1)*2*interpHalf)
	for p := 0; p <= interpP; p++ {
		f := float64(p) / interpP
		var sum float64
		row := t[p*2*interpHalf : (p+1)*2*interpHalf]
		for k := range row {
			d := float64(k-interpHalf+1) - f // tap k sits at floor(x)-7+k
			w := 0.5 + 0.5*math.Cos(math.Pi*d/interpHalf)
			v := w
			if d != 0 {
				v *= math.Sin(math.Pi*d) / (math.Pi * d)
			}
			row[k] = float32(v)
			sum += v
		}
		for k := range row {
			row[k] = float32(float64(row[k]) / sum)
		}
	}
	return interpolator{table: t}
}

// read fills dst with the ring's samples at start, start+step, ...
func (ip *interpolator) read(r *refRing, dst []int16, start, step float64) {
	oldest := int64(r.wrote) - int64(len(r.buf))
	for i := range dst {
		x := start + float64(i)*step
		k := int64(math.Floor(x))
		p := int((x-float64(k))*interpP + 0.5)
		row := ip.table[p*2*interpHalf : (p+1)*2*interpHalf]
		var acc float32
		for j, c := range row {
			at := k - interpHalf + 1 + int64(j)
			if at < 0 || at < oldest || at >= int64(r.wrote) {
				continue
			}
			acc += c * float32(r.buf[uint64(at)&r.mask])
		}
		dst[i] = sat(float64(acc))
	}
}
