package aec

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/stoi"
	"github.com/skoip/skoip/media/dsp"
	simroom "github.com/skoip/skoip/media/room"
)

// scene is one simulated door box of the measurement suite.
type scene struct {
	rate       int
	delay, t60 time.Duration
	far, near  string // talkers
	seed       uint64
}

func (s scene) String() string {
	return fmt.Sprintf("%dk/%v/T60 %v/%s", s.rate/1000, s.delay, s.t60, s.far)
}

// scenes are the rooms whose medians the targets are held to: bulk delays
// 40-150 ms, T60 0.3-0.8 s, both talkers at both ends, 8 and 16 kHz.
var scenes = []scene{
	{8000, 40 * time.Millisecond, 300 * time.Millisecond, "door", "inside", 1},
	{8000, 100 * time.Millisecond, 500 * time.Millisecond, "inside", "door", 2},
	{8000, 150 * time.Millisecond, 800 * time.Millisecond, "door", "inside", 3},
	{16000, 60 * time.Millisecond, 500 * time.Millisecond, "inside", "door", 4},
}

// parts are a run's output and the room's components at the microphone.
type parts struct {
	out               []int16
	echo, near, noise []float64
}

// runScene plays far through the room of rc into a processor built from
// cfg, in 20 ms periods captured before they are played (the engine's
// order), and returns the output and the parts.
func runScene(t *testing.T, rc simroom.Config, cfg Config, far []int16) parts {
	t.Helper()
	r, err := simroom.New(rc)
	if err != nil {
		t.Fatal(err)
	}
	p := mustNew(t, cfg)
	n, period := len(far), rc.Rate/50
	res := parts{out: make([]int16, n), echo: make([]float64, n), near: make([]float64, n), noise: make([]float64, n)}
	e, s, z := make([]float32, period), make([]float32, period), make([]float32, period)
	for i := 0; i+period <= n; i += period {
		r.StepParts(far[i:i+period], res.out[i:i+period], e, s, z)
		for j := range period {
			res.echo[i+j], res.near[i+j], res.noise[i+j] = float64(e[j]), float64(s[j]), float64(z[j])
		}
		p.Capture(res.out[i : i+period])
		p.Playback(far[i : i+period])
	}
	return res
}

// delayed is x with d samples of silence in front, cut to n.
func delayed(x []int16, d, n int) []int16 {
	y := make([]int16, n)
	copy(y[d:], x)
	return y
}

// alignedSTOI is the STOI of out against clean over [from, to), out read at
// the lag (0-30 ms) where it holds most of clean.
func alignedSTOI(t *testing.T, out []int16, clean []float64, from, to, rate int) float64 {
	t.Helper()
	_, lag := nearGainDB(out, clean, from, to, rate)
	c, o := make([]int16, 0, to-from), make([]int16, 0, to-from)
	for i := from; i < to-lag; i++ {
		c, o = append(c, sat(clean[i])), append(o, out[i+lag])
	}
	d, err := stoi.Int16(c, o, rate)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// figures collects one figure per scene and reports the median.
type figures map[string][]float64

func (f figures) add(name string, v float64) { f[name] = append(f[name], v) }

func (f figures) median(name string) float64 {
	v := slices.Clone(f[name])
	slices.Sort(v)
	return v[len(v)/2]
}

// TestTargets measures the canceller as hands-free terminals are measured,
// in media/room's rooms (the echo's direct path as loud as what was
// played), with the shipped noise suppression (18 dB), and compares the
// medians over the scenes with these targets:
//
//   - TCL (the far end's level over the echo left in the sent signal) in
//     single talk after convergence, 4-12 s: >= 45 dB; in the second
//     after the first second of far-end speech: >= 30 dB; in the second
//     after the echo path changed (another response, at 8 s): >= 30 dB.
//   - Double talk: the far end talks from 0 s, the near end from 6 s at the
//     echo's level; over 7-20 s the near end keeps >= -3 dB of its level,
//     and its STOI is >= 0.90 and within 0.03 of the same talker through
//     the same processor with no echo at all.
//   - Noise: the near end alone in pink noise at 5 dB SNR: the output's SNR
//     (speech frames over pauses, both after the chain's 100 Hz high-pass)
//     is >= 10 dB better and its STOI not lower.
//
// Met: the early TCL, the TCL after a path change and the noise targets.
// Not met, and held to floors below: the TCL after convergence and double
// talk (the speex filter converges slowly in reverberant rooms: alone it
// reaches 16 dB at 2-6 s and 30 dB at 12-20 s, and the residual echo
// suppressor that makes up for it also takes from the near end). The
// figures are logged per scene, for the README.
func TestTargets(t *testing.T) {
	measurement(t)
	f := figures{}
	var table strings.Builder
	for _, sc := range scenes {
		rate, n := sc.rate, 20*sc.rate
		far := speech(t, sc.far, rate, n)
		near := speech(t, sc.near, rate, n)
		cfg := Config{Rate: rate, EchoCancel: true, NoiseSuppress: 18}
		rc := simroom.Config{Rate: rate, Delay: sc.delay, T60: sc.t60, Seed: sc.seed}

		single := runScene(t, rc, cfg, far)
		tcl, early := ratioDB(far, single.out, 4*rate, 12*rate), ratioDB(far, single.out, rate, 2*rate)

		ch := rc
		ch.ChangeAt, ch.ChangeGainDB = 8*time.Second, 0
		changed := runScene(t, ch, cfg, far)
		after := ratioDB(far, changed.out, 9*rate, 10*rate)

		dt := rc
		dt.Talker = delayed(near, 6*rate, n)
		double := runScene(t, dt, cfg, far)
		echoNear := ratioDB(double.echo, double.near, 7*rate, n)
		keep, _ := nearGainDB(double.out, double.near, 7*rate, n, rate)
		dtSTOI := alignedSTOI(t, double.out, double.near, 7*rate, n, rate)
		alone := runScene(t, dt, cfg, make([]int16, n)) // the same talker, no far end: no echo
		aloneSTOI := alignedSTOI(t, alone.out, alone.near, 7*rate, n, rate)

		nz := simroom.Config{Rate: rate, Talker: near, Noise: simroom.NoisePink, SNR: 5, Seed: sc.seed}
		noisy := runScene(t, nz, cfg, make([]int16, n))
		in := make([]int16, n)
		for i := range in {
			in[i] = sat(noisy.near[i] + noisy.noise[i])
		}
		// The shipped chain high-passes at 100 Hz after this stage: both
		// sides are measured through the same high-pass.
		highPass(t, in, rate)
		highPass(t, noisy.out, rate)
		_, lag := nearGainDB(noisy.out, noisy.near, 2*rate, n, rate)
		gain := segSNR(noisy.out[lag:], noisy.near, 2*rate, n-lag, rate) - segSNR(in, noisy.near, 2*rate, n-lag, rate)
		stoiIn := alignedSTOI(t, in, noisy.near, 2*rate, n, rate)
		stoiOut := alignedSTOI(t, noisy.out, noisy.near, 2*rate, n, rate)

		f.add("tcl", tcl)
		f.add("early", early)
		f.add("after", after)
		f.add("keep", keep)
		f.add("dtSTOI", dtSTOI)
		f.add("dtLoss", aloneSTOI-dtSTOI)
		f.add("snrGain", gain)
		f.add("noiseSTOI", stoiOut-stoiIn)
		fmt.Fprintf(&table, "| %-28s | %5.1f | %5.1f | %5.1f | %+5.1f (echo %+.1f) | %.3f / %.3f | %+5.1f | %.3f / %.3f |\n",
			sc, tcl, early, after, keep, echoNear, dtSTOI, aloneSTOI, gain, stoiOut, stoiIn)
	}
	t.Logf("\n| scene | TCL 4-12 s | TCL 1-2 s | TCL 1 s after change | near end in double talk (dB) | STOI double talk / no echo | SNR gain (dB) | STOI in noise out / in |\n%s", table.String())
	// Each figure against the target and, where the target is not met yet,
	// the floor that this canceller holds (the medians measured: TCL 42.5
	// dB, near end -4.6 dB, STOI 0.73 in double talk, 0.28 under the same
	// talker alone): a regression fails, the gap is logged.
	for _, c := range []struct {
		name, what    string
		target, floor float64
		atLeast       bool
	}{
		{"tcl", "TCL after convergence (dB)", 45, 40, true},
		{"early", "TCL 1-2 s after the far end starts (dB)", 30, 30, true},
		{"after", "TCL 1 s after an echo path change (dB)", 30, 30, true},
		{"keep", "near end in double talk (dB)", -3, -6, true},
		{"dtSTOI", "STOI in double talk", 0.90, 0.70, true},
		{"dtLoss", "STOI lost to double talk", 0.03, 0.30, false},
		{"snrGain", "SNR gain in pink noise at 5 dB (dB)", 10, 10, true},
		{"noiseSTOI", "STOI change in noise", 0, 0, true},
	} {
		got := f.median(c.name)
		below := func(limit float64) bool { return c.atLeast && got < limit || !c.atLeast && got > limit }
		switch {
		case below(c.floor):
			t.Errorf("%s: median %.3f, want %.3f (target %.3f)", c.what, got, c.floor, c.target)
		case below(c.target):
			t.Logf("%s: median %.3f, short of the target %.3f", c.what, got, c.target)
		}
	}
}

// segSNR is the level of x over the 20 ms frames where clean speech is
// active (within 30 dB of its loudest frame) minus its level over the
// frames where clean is silent (more than 45 dB below), in [from, to).
func segSNR(x []int16, clean []float64, from, to, rate int) float64 {
	fr := rate / 50
	loud := 0.0
	for i := from; i+fr <= to; i += fr {
		loud = max(loud, power(clean[i:i+fr]))
	}
	var sp, ns, nsp, nns float64
	for i := from; i+fr <= to && i+fr <= len(x); i += fr {
		c := power(clean[i : i+fr])
		var e float64
		for _, v := range x[i : i+fr] {
			e += float64(v) * float64(v)
		}
		switch {
		case c >= loud/1000:
			sp, nsp = sp+e, nsp+1
		case c < loud/31623:
			ns, nns = ns+e, nns+1
		}
	}
	return 10 * math.Log10((sp/max(nsp, 1))/max(ns/max(nns, 1), 1e-9))
}

func power(x []float64) float64 {
	var e float64
	for _, v := range x {
		e += v * v
	}
	return e / float64(len(x))
}

// highPass filters x in place with the capture chain's 100 Hz high-pass.
func highPass(t *testing.T, x []int16, rate int) {
	t.Helper()
	h, err := dsp.NewHighPass(rate, 100)
	if err != nil {
		t.Fatal(err)
	}
	h.Process(x)
}
