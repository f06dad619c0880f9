package media

import (
	"math"
	"math/rand/v2"

	"github.com/skoip/skoip/internal/testsupport/speechq"
)

// speechLike is a deterministic test signal at 8 kHz: voiced syllables (a
// harmonic series on a gliding pitch, shaped by two formant-like peaks) of
// 150-350 ms separated by short pauses, with a little noise.
func speechLike(n int, seed uint64) []int16 {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]int16, n)
	phase := 0.0
	env, target := 0.0, 0.0
	next := 0
	for i := range out {
		if i >= next {
			if target > 0 {
				target, next = 0, i+400+rng.IntN(400)
			} else {
				target, next = 0.6+0.4*rng.Float64(), i+1200+rng.IntN(1600)
			}
		}
		env += (target - env) * 0.005
		f0 := 140 + 60*math.Sin(2*math.Pi*float64(i)/5000)
		phase += 2 * math.Pi * f0 / 8000
		v := 0.0
		for h := 1; h <= 20; h++ {
			f := f0 * float64(h)
			if f > 3600 {
				break
			}
			w := math.Exp(-math.Pow((f-700)/300, 2)) + 0.6*math.Exp(-math.Pow((f-1800)/400, 2)) + 0.05
			v += w * math.Sin(float64(h)*phase)
		}
		x := 6000*env*v + 30*rng.NormFloat64()
		out[i] = int16(max(min(x, 32767), -32768))
	}
	return out
}

// bestLag finds the lag (0..maxLag) at which out best matches src, over the
// samples from start to end of src.
func bestLag(src, out []int16, start, end, maxLag int) int {
	best, bestC := 0, math.Inf(-1)
	for lag := 0; lag <= maxLag; lag++ {
		if end+lag > len(out) {
			break
		}
		if c := speechq.NCC(src[start:end], out[start+lag:end+lag]); c > bestC {
			best, bestC = lag, c
		}
	}
	return best
}

// quality compares out with src frame by frame (20 ms) after aligning each
// frame within +/-search samples of lag: it returns the mean per-frame
// correlation and SNR (dB) over frames where src is voiced, and the share of
// frames with correlation above 0.9.
func quality(src, out []int16, lag, from, to, search int) (corr, snr, good float64) {
	const frame = 160
	var n, ok int
	for i := from; i+frame <= to; i += frame {
		s := src[i : i+frame]
		if rms(s) < 300 {
			continue
		}
		bc, bl := -2.0, lag
		for l := max(lag-search, 0); l <= lag+search; l++ {
			if i+l+frame > len(out) {
				break
			}
			if c := speechq.NCC(s, out[i+l:i+l+frame]); c > bc {
				bc, bl = c, l
			}
		}
		o := out[i+bl : i+bl+frame]
		var es, ee float64
		for k := range s {
			d := float64(s[k]) - float64(o[k])
			es += float64(s[k]) * float64(s[k])
			ee += d * d
		}
		snr += 10 * math.Log10(es/max(ee, 1))
		corr += bc
		if bc > 0.9 {
			ok++
		}
		n++
	}
	if n == 0 {
		return 0, 0, 0
	}
	return corr / float64(n), snr / float64(n), float64(ok) / float64(n)
}

func rms(x []int16) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

// codecRate is the engine rate most tests run at (Config.Rate's default).
const codecRate = narrowRate
