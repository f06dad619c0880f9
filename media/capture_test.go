package media

import (
	"math"
	"testing"

	"github.com/skoip/skoip/media/dsp"
)

// withDC is a 1 kHz tone of peak amp on a DC offset.
func withDC(amp, dc float64, n int) []int16 {
	s := tone(1000, amp, n)
	for i := range s {
		s[i] = int16(float64(s[i]) + dc)
	}
	return s
}

// received is what B plays of A's microphone mic after steps periods, with
// A's capture configured by cfgA and B's by cfgB; the first 200 ms (filter
// and gain settling) are dropped.
func received(t *testing.T, cfgA, cfgB Config, mic []int16, steps int) []int16 {
	t.Helper()
	l := newLink(t, cfgA, cfgB, mic, nil, linkParams())
	l.step(steps)
	return l.devB.Played()[1600:]
}

func TestCaptureHighPassAndGain(t *testing.T) {
	mic := withDC(2000, 3000, 8000)
	plain := received(t, Config{}, Config{}, mic, 100)
	if m, a := mean(plain), toneAmp(plain, 1000); math.Abs(m-3000) > 150 || math.Abs(a-2000) > 100 {
		t.Fatalf("no DSP: mean %.0f, tone %.0f; want the microphone's 3000 and 2000", m, a)
	}
	got := received(t, Config{HighPass: true, CaptureGain: 2}, Config{}, mic, 100)
	if m := mean(got); math.Abs(m) > 50 {
		t.Fatalf("high-pass: mean %.0f, want the DC offset removed", m)
	}
	if a := toneAmp(got, 1000); math.Abs(a-4000) > 200 {
		t.Fatalf("CaptureGain 2: tone %.0f, want 4000", a)
	}
	half := received(t, Config{}, Config{PlaybackGain: 0.5}, tone(1000, 4000, 8000), 50)
	if a := toneAmp(half, 1000); math.Abs(a-2000) > 100 {
		t.Fatalf("PlaybackGain 0.5 at B: tone %.0f, want 2000", a)
	}
}

func TestCaptureAGC(t *testing.T) {
	quiet := tone(1000, 600, 8000) // -37.5 dBov
	plain := received(t, Config{}, Config{}, quiet, 300)
	got := received(t, Config{AGC: true}, Config{}, quiet, 300)
	lp, la := dsp.LevelDB(plain[len(plain)-800:]), dsp.LevelDB(got[len(got)-800:])
	t.Logf("quiet talker: %.1f dBov without AGC, %.1f with", lp, la)
	if lp > -36 || la < -23 || la > -17 {
		t.Fatalf("AGC: %.1f dBov -> %.1f, want it raised to near the -20 dBov target", lp, la)
	}
}

func TestCaptureNoiseGate(t *testing.T) {
	hiss := tone(1000, 40, 8000) // -61 dBov, below the -50 dBov threshold
	plain := received(t, Config{}, Config{}, hiss, 100)
	got := received(t, Config{NoiseGate: true}, Config{}, hiss, 100)
	lp, lg := dsp.LevelDB(plain), dsp.LevelDB(got)
	t.Logf("hiss: %.1f dBov without gate, %.1f with", lp, lg)
	if lp < -63 || lg > lp-20 {
		t.Fatalf("gate: %.1f dBov -> %.1f, want at least 20 dB less", lp, lg)
	}
}
