package room

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// parts is what a room captured, whole and by component.
type parts struct {
	mic               []int16
	echo, near, noise []float32
}

// run plays played through r in periods of n samples.
func run(r *Room, played []int16, n int) parts {
	p := parts{mic: make([]int16, len(played)), echo: make([]float32, len(played)),
		near: make([]float32, len(played)), noise: make([]float32, len(played))}
	for i := 0; i < len(played); i += n {
		j := min(i+n, len(played))
		r.StepParts(played[i:j], p.mic[i:j], p.echo[i:j], p.near[i:j], p.noise[i:j])
	}
	return p
}

func mustNew(t testing.TB, c Config) *Room {
	t.Helper()
	r, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func randomSignal(seed uint64, n int, amp float64) []int16 {
	r := rand.New(rand.NewPCG(seed, 9))
	x := make([]int16, n)
	for i := range x {
		x[i] = int16(max(-32768, min(32767, r.NormFloat64()*amp)))
	}
	return x
}

func tone(n, rate int, f, amp float64) []int16 {
	x := make([]int16, n)
	for i := range x {
		x[i] = int16(math.Round(amp * math.Sin(2*math.Pi*f*float64(i)/float64(rate))))
	}
	return x
}

// convolve is the direct convolution of x with h.
func convolve(x []int16, h []float32) []float64 {
	y := make([]float64, len(x))
	for i := range y {
		for k := 0; k < len(h) && k <= i; k++ {
			y[i] += float64(h[k]) * float64(x[i-k])
		}
	}
	return y
}

// TestSilenceIsExactZero: with nothing played, no talker and no noise
// the capture is exactly zero, through clipping, drift, reverberation
// and a path change.
func TestSilenceIsExactZero(t *testing.T) {
	r := mustNew(t, Config{Rate: 16000, Delay: 30 * time.Millisecond, T60: 400 * time.Millisecond,
		Clip: 3, DriftPPM: 150, ChangeAt: 200 * time.Millisecond, Seed: 7})
	p := run(r, make([]int16, 16000), 160)
	for i := range p.mic {
		if p.mic[i] != 0 || p.echo[i] != 0 || p.near[i] != 0 || p.noise[i] != 0 {
			t.Fatalf("sample %d: mic %d, echo %g, near %g, noise %g", i, p.mic[i], p.echo[i], p.near[i], p.noise[i])
		}
	}
}

// TestEchoIsPlayedThroughResponse: the echo is what was played convolved
// with Response, and mic is the rounded sum of the parts.
func TestEchoIsPlayedThroughResponse(t *testing.T) {
	t.Parallel()
	c := Config{Rate: 8000, Delay: 25 * time.Millisecond, T60: 200 * time.Millisecond, EchoGainDB: -3,
		Talker: randomSignal(2, 3000, 2000), TalkerLoop: true, Noise: NoisePink, SNR: 20, Seed: 3}
	r := mustNew(t, c)
	played := randomSignal(1, 5000, 3000)
	want := convolve(played, r.Response())
	p := run(r, played, 80)
	for i := range played {
		if d := math.Abs(float64(p.echo[i]) - want[i]); d > 0.05 {
			t.Fatalf("sample %d: echo %g, want %g", i, p.echo[i], want[i])
		}
		if s := float64(p.echo[i]) + float64(p.near[i]) + float64(p.noise[i]); math.Abs(float64(p.mic[i])-s) > 0.5 {
			t.Fatalf("sample %d: mic %d, parts sum to %g", i, p.mic[i], s)
		}
		if w := float32(c.Talker[i%3000]) * float32(db(c.TalkerGainDB)); p.near[i] != w {
			t.Fatalf("sample %d: near %g, want the talker's %g", i, p.near[i], w)
		}
	}
}

// TestPathChange: before ChangeAt the echo goes through the first
// response, from ChangeAt plus the 5 ms crossfade through the second,
// which is another one and ChangeGainDB louder.
func TestPathChange(t *testing.T) {
	t.Parallel()
	c := Config{Rate: 8000, Delay: 10 * time.Millisecond, T60: 200 * time.Millisecond,
		ChangeAt: 300 * time.Millisecond, ChangeGainDB: 6, Seed: 5}
	r := mustNew(t, c)
	played := randomSignal(4, 4800, 3000)
	before := r.Response()
	p := run(r, played[:2400], 80)
	after := r.Response()
	p2 := run(r, played[2400:], 80)
	echo := append(p.echo, p2.echo...)
	if slices.Equal(before, after) {
		t.Fatal("Response did not change at ChangeAt")
	}
	if g := 20 * math.Log10(rms(after)/rms(before)); math.Abs(g-6) > 3 {
		t.Errorf("the new path is %.1f dB louder, want about 6", g)
	}
	wantBefore, wantAfter := convolve(played, before), convolve(played, after)
	for i := range echo {
		switch {
		case i < 2400:
			if math.Abs(float64(echo[i])-wantBefore[i]) > 0.05 {
				t.Fatalf("sample %d (before the change): echo %g, want %g", i, echo[i], wantBefore[i])
			}
		case i >= 2440:
			if math.Abs(float64(echo[i])-wantAfter[i]) > 0.05 {
				t.Fatalf("sample %d (after the change): echo %g, want %g", i, echo[i], wantAfter[i])
			}
		default:
			lo, hi := min(wantBefore[i], wantAfter[i]), max(wantBefore[i], wantAfter[i])
			if float64(echo[i]) < lo-0.05 || float64(echo[i]) > hi+0.05 {
				t.Fatalf("sample %d (crossfade): echo %g outside [%g, %g]", i, echo[i], lo, hi)
			}
		}
	}
}

// TestDeterministic: the same Seed gives the same capture; another seed
// another room and another noise.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	c := Config{Rate: 8000, Delay: 20 * time.Millisecond, T60: 200 * time.Millisecond, DriftPPM: 50,
		Noise: NoiseBabble, SNR: 10, Seed: 11}
	played := randomSignal(6, 4000, 3000)
	a, b := run(mustNew(t, c), played, 80), run(mustNew(t, c), played, 160)
	if !slices.Equal(a.mic, b.mic) {
		t.Fatal("same seed, different captures")
	}
	c.Seed = 12
	d := run(mustNew(t, c), played, 80)
	if slices.Equal(a.echo, d.echo) || slices.Equal(a.noise, d.noise) {
		t.Fatal("another seed gave the same echo or noise")
	}
}

// TestClip: the loudspeaker passes quiet sounds at unity gain and caps
// loud ones at full scale / Clip.
func TestClip(t *testing.T) {
	c := Config{Rate: 8000, Delay: 5 * time.Millisecond, Clip: 4, Seed: 1}
	quiet := tone(4000, 8000, 500, 300)
	loud := tone(4000, 8000, 500, 32000)
	pq := run(mustNew(t, c), quiet, 80)
	pl := run(mustNew(t, c), loud, 80)
	if g := 20 * math.Log10(rms(pq.echo[1000:])/rms(toFloat(quiet[1000:]))); math.Abs(g) > 0.1 {
		t.Errorf("quiet tone echoed at %.2f dB, want 0", g)
	}
	peak := 0.0
	for _, v := range pl.echo[1000:] {
		peak = max(peak, math.Abs(float64(v)))
	}
	if want := 32768 * math.Tanh(4*32000.0/32768) / 4; math.Abs(peak-want) > 0.05*want {
		t.Errorf("loud tone peaks at %.0f, want about %.0f", peak, want)
	}
}

func toFloat(x []int16) []float32 { return scaled(x, 1) }

// TestDrift: a 1 kHz tone through a room whose capture clock runs 200 ppm
// fast comes back at 1000/(1+200e-6) Hz: its phase against the played
// tone slips by 2π·f·ε/(1+ε) per second.
func TestDrift(t *testing.T) {
	for _, ppm := range []float64{200, -200} {
		const rate, f = 16000, 1000.0
		r := mustNew(t, Config{Rate: rate, Delay: 40 * time.Millisecond, DriftPPM: ppm, Seed: 2})
		p := run(r, tone(3*rate, rate, f, 10000), 160)
		phase := func(from int) float64 { // of the echo at from, against the played tone
			var s complex128
			for i := from; i < from+rate/2; i++ {
				sn, cs := math.Sincos(2 * math.Pi * f * float64(i) / rate)
				s += complex(float64(p.echo[i])*sn, float64(p.echo[i])*cs)
			}
			return math.Atan2(imag(s), real(s))
		}
		slip := phase(2*rate) - phase(rate/2)
		slip = math.Remainder(slip, 2*math.Pi)
		eps := ppm * 1e-6
		want := -2 * math.Pi * f * eps / (1 + eps) * 1.5
		if math.Abs(slip-want) > 0.02*math.Abs(want) {
			t.Errorf("%g ppm: phase moved %.4f rad in 1.5 s, want %.4f", ppm, slip, want)
		}
	}
}

// TestDriftResync: the slip grows by ε/(1+ε) per sample and jumps back by
// 20 ms when it passes ±20 ms; the lag never falls below 2 samples.
func TestDriftResync(t *testing.T) {
	for _, c := range []struct {
		base     int
		ppm      float64
		lo, hi   float64 // slip window, samples
		maxJumps int
	}{{800, 1000, -160, 160, 1}, {800, -1000, -160, 160, 1}, {0, -1000, 2, 162, 2}, {0, 1000, 2, 162, 1}, {100, 1000, -98, 160, 1}} {
		d := newDelayLine(c.base, 8000, c.ppm)
		step := c.ppm * 1e-6 / (1 + c.ppm*1e-6)
		prev, jumps := d.slip, 0
		for i := range 200000 {
			d.process(float32(i % 7))
			switch delta := d.slip - prev; {
			case math.Abs(delta-step) < 1e-9:
			case math.Abs(math.Abs(delta)-160) < 0.01:
				jumps++
			default:
				t.Fatalf("base %d, %g ppm, sample %d: slip moved by %g, want %g or a jump of 160", c.base, c.ppm, i, delta, step)
			}
			prev = d.slip
			if d.slip < c.lo || d.slip > c.hi {
				t.Fatalf("base %d, %g ppm, sample %d: slip %g outside [%g, %g]", c.base, c.ppm, i, d.slip, c.lo, c.hi)
			}
		}
		if jumps < 1 || jumps > c.maxJumps {
			t.Errorf("base %d, %g ppm: %d jumps for 200 samples of slip, want 1 to %d", c.base, c.ppm, jumps, c.maxJumps)
		}
	}
}
