package aec

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/skoip/skoip/media/wav"
)

// speech returns the test talker name ("door" or "inside") at rate,
// repeated to n samples.
func speech(t testing.TB, name string, rate, n int) []int16 {
	t.Helper()
	f, err := wav.Open(filepath.Join("..", "..", "testdata", "e2e", name+".wav"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	one, err := f.ReadAll(rate)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int16, n)
	for i := range out {
		out[i] = one[i%len(one)]
	}
	return out
}

// room is a synthetic echo path: a bulk delay, then an impulse response
// of a direct tap and exponentially decaying Gaussian reflections
// (60 dB down after t60), scaled to gainDB of echo over the far end.
type room struct {
	delay int
	ir    []float64
}

func newRoom(rate int, delay, t60 float64, gainDB float64, seed uint64) room {
	return newRoomRefl(rate, delay, t60, gainDB, 0.03, seed)
}

// newRoomRefl is newRoom with reflections of refl times the direct tap.
func newRoomRefl(rate int, delay, t60 float64, gainDB, refl float64, seed uint64) room {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := int(t60 * float64(rate) / 2) // down 30 dB at the end
	ir := make([]float64, n)
	ir[0] = 1
	for k := 1; k < n; k++ {
		ir[k] = refl * rng.NormFloat64() * math.Pow(10, -3*float64(k)/(t60*float64(rate)))
	}
	var e float64
	for _, v := range ir {
		e += v * v
	}
	g := math.Pow(10, gainDB/20) / math.Sqrt(e)
	for k := range ir {
		ir[k] *= g
	}
	return room{delay: int(delay * float64(rate)), ir: ir}
}

// echo convolves far through the room.
func (r room) echo(far []int16) []float64 {
	out := make([]float64, len(far))
	for n := range out {
		var s float64
		for k, h := range r.ir {
			i := n - r.delay - k
			if i < 0 {
				break
			}
			s += h * float64(far[i])
		}
		out[n] = s
	}
	return out
}

// mix sums signals into int16, saturating.
func mix(n int, parts ...[]float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		var s float64
		for _, p := range parts {
			if p != nil {
				s += p[i]
			}
		}
		out[i] = sat(s)
	}
	return out
}

func floats(s []int16, gain float64) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v) * gain
	}
	return out
}

// drive runs far (the loudspeaker) and mic through p in periods of
// period samples, Playback first, and returns the output.
func drive(p *Processor, far, mic []int16, period int) []int16 {
	out := append([]int16(nil), mic...)
	for i := 0; i < len(out); i += period {
		j := min(i+period, len(out))
		if far != nil {
			p.Playback(far[i:j])
		}
		p.Capture(out[i:j])
	}
	return out
}

// ratioDB is 10 log10 of the energy of a over b in [from, to).
func ratioDB[A, B int16 | float64](a []A, b []B, from, to int) float64 {
	var ea, eb float64
	for i := from; i < to; i++ {
		ea += float64(a[i]) * float64(a[i])
		eb += float64(b[i]) * float64(b[i])
	}
	return 10 * math.Log10(max(ea, 1e-9)/max(eb, 1e-9))
}

// projGainDB is the gain of ref within out (least squares) in dB over
// [from, to): how much of the near-end voice the output keeps. The output
// is read lag samples late (the speex preprocessor delays by 10 ms).
func projGainDB(out []int16, ref []float64, from, to, lag int) float64 {
	var xy, yy float64
	for i := from; i < to-lag; i++ {
		xy += float64(out[i+lag]) * ref[i]
		yy += ref[i] * ref[i]
	}
	return 20 * math.Log10(max(xy/yy, 1e-9))
}

func mustNew(t testing.TB, cfg Config) *Processor {
	t.Helper()
	p, err := New(cfg)
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// nearGainDB is projGainDB at the lag (0..30 ms) where it is largest, and
// that lag.
func nearGainDB(out []int16, near []float64, from, to, rate int) (float64, int) {
	best, at := -200.0, 0
	for lag := range 3 * rate / 100 {
		if g := projGainDB(out, near, from, to, lag); g > best {
			best, at = g, lag
		}
	}
	return best, at
}

// measurement marks a test that measures the canceller over seconds of
// simulated rooms. Under the race detector those take 5 minutes of CPU
// that the real-time tests running beside them need, and the detector has
// nothing to find in them that the other tests do not exercise (one
// goroutine, the same code paths): `make test` runs them without it, in
// its measure step.
func measurement(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("measurement: run without -race by `make measure` (part of `make test`)")
	}
}
