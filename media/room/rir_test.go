package room

import (
	"math"
	"testing"
	"time"
)

// TestDirectPath: in an anechoic room the response passes 500 Hz, 1 kHz
// and 2 kHz with gain EchoGainDB (±0.5 dB) and a group delay of Delay +
// distance/c (±0.5 sample). With no bulk delay the pulse's leading taps
// are cut, and the gain may be off by up to 1 dB.
func TestDirectPath(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		for _, c := range []Config{
			{Rate: rate, Delay: 37 * time.Millisecond, EchoGainDB: -6, Seed: 1},
			{Rate: rate, Delay: 0, EchoGainDB: 10, Seed: 2},
			{Rate: rate, Delay: 150 * time.Millisecond, EchoGainDB: -40, Seed: 3},
			{Rate: rate, Delay: 500 * time.Millisecond, EchoGainDB: 20, Seed: 4},
		} {
			tol := 0.5
			if c.Delay == 0 {
				tol = 1
			}
			r, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			h := r.Response()
			want := (c.Delay.Seconds() + newGeometry(c.Seed, 0).distance()/soundSpeed) * float64(rate)
			for _, f := range []float64{500, 1000, 2000} {
				gain, delay := gainAndDelay(h, f/float64(rate))
				if g := 20 * math.Log10(gain); math.Abs(g-c.EchoGainDB) > tol {
					t.Errorf("%d Hz, gain %g dB: %g Hz passes at %.2f dB", rate, c.EchoGainDB, f, g)
				}
				if math.Abs(delay-want) > 0.5 {
					t.Errorf("%d Hz, delay %v: %g Hz delayed %.2f taps, want %.2f", rate, c.Delay, f, delay, want)
				}
			}
		}
	}
}

// gainAndDelay is the magnitude and the group delay (in taps) of h at f
// (a fraction of the rate).
func gainAndDelay(h []float32, f float64) (float64, float64) {
	at := func(f float64) complex128 {
		var s complex128
		for k, v := range h {
			sn, cs := math.Sincos(-2 * math.Pi * f * float64(k))
			s += complex(float64(v)*cs, float64(v)*sn)
		}
		return s
	}
	const df = 1e-5
	lo, mid, hi := at(f-df), at(f), at(f+df)
	dphi := math.Atan2(imag(hi*cmplxConj(lo)), real(hi*cmplxConj(lo)))
	return math.Hypot(real(mid), imag(mid)), -dphi / (2 * math.Pi * 2 * df)
}

func cmplxConj(z complex128) complex128 { return complex(real(z), -imag(z)) }

// TestDirectPathInReverberantRoom: with reflections, the response's
// largest value is the direct path's, at Delay + distance/c.
func TestDirectPathInReverberantRoom(t *testing.T) {
	c := Config{Rate: 48000, Delay: 20 * time.Millisecond, T60: 300 * time.Millisecond, Seed: 4}
	r, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	h := r.Response()
	peak := 0
	for i, v := range h {
		if math.Abs(float64(v)) > math.Abs(float64(h[peak])) {
			peak = i
		}
	}
	want := (c.Delay.Seconds() + newGeometry(c.Seed, 0).distance()/soundSpeed) * 48000
	if math.Abs(float64(peak)-want) > 1 {
		t.Errorf("peak at tap %d, want %.1f", peak, want)
	}
	if g := 20 * math.Log10(math.Abs(float64(h[peak]))); g > 0.1 || g < -4 {
		t.Errorf("peak %.2f dB, want 0 dB (less the fraction of a sample)", g)
	}
}

// TestT60: the reverberation time read from the Schroeder energy decay
// curve (a line fitted from -5 to -25 dB, times 3) is within 20% of T60.
func TestT60(t *testing.T) {
	t.Parallel()
	for i, t60 := range []time.Duration{300 * time.Millisecond, 600 * time.Millisecond} {
		for _, seed := range []uint64{uint64(i), uint64(i) + 7} {
			g := newGeometry(seed, 0)
			h, pre := g.response(8000, t60.Seconds())
			got := schroederT60(h[pre+40:], 8000) // from 5 ms on: the reverberation
			t.Logf("T60 %v, seed %d: measured %.3f s", t60, seed, got)
			if d := got/t60.Seconds() - 1; math.Abs(d) > 0.2 {
				t.Errorf("T60 %v, seed %d: measured %.3f s (%+.0f%%)", t60, seed, got, 100*d)
			}
		}
	}
}

// schroederT60 integrates the energy backwards and fits the decay from
// -5 to -25 dB by least squares.
func schroederT60(h []float32, rate int) float64 {
	edc := make([]float64, len(h))
	var s float64
	for i := len(h) - 1; i >= 0; i-- {
		s += float64(h[i]) * float64(h[i])
		edc[i] = s
	}
	var n, sx, sy, sxx, sxy float64
	for i, e := range edc {
		d := 10 * math.Log10(e/edc[0])
		if d > -5 || d < -25 {
			continue
		}
		x := float64(i) / float64(rate)
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+d, sxx+x*x, sxy+x*d
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx) // dB per second
	return -60 / slope
}

// TestRoomsDiffer: another seed is another room.
func TestRoomsDiffer(t *testing.T) {
	a, b := newGeometry(1, 0), newGeometry(2, 0)
	if a == b || a.size == b.size {
		t.Fatalf("seeds 1 and 2 give the same room %+v", a)
	}
	if c := newGeometry(1, 1); c.size != a.size || c.spk == a.spk {
		t.Errorf("the changed path should keep the room and move the box: %+v then %+v", a, c)
	}
	for seed := range uint64(50) {
		g := newGeometry(seed, 0)
		if d := g.distance(); d < 0.05-1e-9 || d > 0.08+1e-9 {
			t.Errorf("seed %d: loudspeaker %.3f m from the microphone", seed, d)
		}
	}
}

// TestResponseLength: the response lasts Delay plus T60 (at most 800 ms),
// plus the direct path's 0.25 ms at most and the sinc's 10 taps, and has
// decayed by then: its last 10% holds less than -45 dB of its
// energy.
func TestResponseLength(t *testing.T) {
	for _, c := range []Config{
		{Rate: 8000, Delay: 50 * time.Millisecond, T60: 100 * time.Millisecond},
		{Rate: 44100, Delay: 10 * time.Millisecond, T60: 100 * time.Millisecond},
		{Rate: 8000, Delay: 0, T60: time.Second},
	} {
		h := mustNew(t, c).Response()
		want := (c.Delay + min(c.T60, 800*time.Millisecond)).Seconds() * float64(c.Rate)
		if d := float64(len(h)) - want; d < 0 || d > 0.00025*float64(c.Rate)+11 {
			t.Errorf("%d Hz, delay %v, T60 %v: %d taps, want %.0f (+0.25 ms and 10 taps)", c.Rate, c.Delay, c.T60, len(h), want)
		}
		var all, last float64
		for i, v := range h {
			all += float64(v) * float64(v)
			if i >= len(h)*9/10 {
				last += float64(v) * float64(v)
			}
		}
		if r := 10 * math.Log10(last/all); r > -45 {
			t.Errorf("%d Hz, T60 %v: the last 10%% holds %.1f dB of the energy", c.Rate, c.T60, r)
		}
	}
}
