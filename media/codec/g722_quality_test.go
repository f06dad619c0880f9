package codec

import (
	"math"
	"testing"
)

// Tones and noise through encode and decode keep a segmental SNR of at
// least 20 dB, and the 3.4-7 kHz band (what G.722 adds over G.711) keeps
// its energy within 3 dB.
//
// Flat noise up to 7 kHz is the exception for the SNR: nearly half its
// energy lies in the upper band, which G.722 codes with 2 bits a sample
// and cannot predict, so about 13 dB is what the codec (and FFmpeg, which
// it matches bit for bit) gives; that case asserts 10 dB.
func TestG722Quality(t *testing.T) {
	cases := []struct {
		name   string
		pcm    []int16
		minSNR float64
		band   bool // the source has energy in 3.4-7 kHz to compare
	}{
		{"1 kHz tone", g722Tone(g722Rate, 1000, 10000), 20, false},
		{"5 kHz tone", g722Tone(g722Rate, 5000, 10000), 20, true},
		{"300-3400 Hz noise", g722BandNoise(g722Rate, 300, 3400, 5000, 3), 20, false},
		{"50-7000 Hz noise", g722BandNoise(g722Rate, 50, 7000, 5000, 3), 10, true},
	}
	bandpass := g722FIRBandpass(3400, 7000, 255)
	for _, tc := range cases {
		c := NewG722(PayloadTypeG722)
		out := c.Decode(nil, c.Encode(nil, tc.pcm))
		seg, snr := g722SegSNR(tc.pcm, out, g722Delay)
		t.Logf("%s: segmental SNR %.1f dB, overall SNR %.1f dB", tc.name, seg, snr)
		if seg < tc.minSNR {
			t.Errorf("%s: segmental SNR %.1f dB, want >= %g", tc.name, seg, tc.minSNR)
		}
		if !tc.band {
			continue
		}
		db := g722BandEnergyDB(tc.pcm, out, g722Delay, bandpass)
		t.Logf("%s: 3.4-7 kHz energy %+.2f dB against the source", tc.name, db)
		if math.Abs(db) > 3 {
			t.Errorf("%s: 3.4-7 kHz energy off by %+.2f dB, want within 3", tc.name, db)
		}
	}
}

// g722SegSNR compares out, delayed by delay samples, with ref: the mean over
// 20 ms segments of the SNR in dB, each clamped to [-10, 35] as is usual
// so that no single segment dominates, and the SNR over all of them. The
// first 100 ms (the quantisers' start from their smallest step) are left
// out.
func g722SegSNR(ref, out []int16, delay int) (seg, overall float64) {
	const size, skip = 320, 5 * 320
	var sumDB, sigAll, errAll float64
	n := 0
	for start := skip; start+size+delay <= min(len(ref)+delay, len(out)); start += size {
		var sig, noise float64
		for i := start; i < start+size; i++ {
			x := float64(ref[i])
			e := float64(out[i+delay]) - x
			sig += x * x
			noise += e * e
		}
		sigAll += sig
		errAll += noise
		sumDB += max(-10, min(35, 10*math.Log10((sig+1)/(noise+1))))
		n++
	}
	return sumDB / float64(n), 10 * math.Log10(sigAll/errAll)
}

// g722BandEnergyDB is the energy of out (delayed by delay) after the filter
// h, over that of ref after h, in dB, leaving out the filter's and the
// quantisers' start.
func g722BandEnergyDB(ref, out []int16, delay int, h []float64) float64 {
	x := make([]float64, len(ref))
	y := make([]float64, len(ref))
	for i := range ref {
		x[i] = float64(ref[i])
		if i+delay < len(out) {
			y[i] = float64(out[i+delay])
		}
	}
	fx, fy := g722FIRFilter(x, h), g722FIRFilter(y, h)
	var ex, ey float64
	for i := len(h) + 1600; i < len(ref)-delay; i++ {
		ex += fx[i] * fx[i]
		ey += fy[i] * fy[i]
	}
	return 10 * math.Log10(ey/ex)
}

// The output is the input delayed by g722Delay samples: the lag of the
// cross-correlation's peak on noise, which no neighbouring lag comes near.
func TestG722Delay(t *testing.T) {
	in := g722WhiteNoise(g722Rate/2, 3000, 9)
	c := NewG722(PayloadTypeG722)
	out := c.Decode(nil, c.Encode(nil, in))
	corr := func(lag int) float64 {
		var xy, xx, yy float64
		for i := 1600; i+lag < len(out); i++ {
			x, y := float64(in[i]), float64(out[i+lag])
			xy, xx, yy = xy+x*y, xx+x*x, yy+y*y
		}
		return xy / math.Sqrt(xx*yy)
	}
	best := 0
	for lag := range 64 {
		if corr(lag) > corr(best) {
			best = lag
		}
	}
	if best != g722Delay || corr(best) < 0.9 || corr(best-1) > 0.2 || corr(best+1) > 0.2 {
		t.Fatalf("correlation peaks at lag %d (%.3f; neighbours %.3f, %.3f), want %d",
			best, corr(best), corr(best-1), corr(best+1), g722Delay)
	}
}
