package dsp

import (
	"errors"
	"math"
	"testing"
)

// voiced is a speech-like periodic signal: a 150 Hz fundamental with
// falling harmonics, scaled to the given RMS level in dBFS.
func voiced(rate int, levelDB float64, n int) []int16 {
	f := make([]float64, n)
	var sum float64
	for i := range f {
		ph := 2 * math.Pi * 150 * float64(i) / float64(rate)
		for h := 1; h <= 12; h++ {
			f[i] += math.Sin(float64(h)*ph+float64(h)) / float64(h)
		}
		sum += f[i] * f[i]
	}
	scale := 32768 * DBToGain(levelDB) / math.Sqrt(sum/float64(n))
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Max(-32768, math.Min(32767, math.Round(f[i]*scale))))
	}
	return s
}

// runFrames processes x in 20 ms frames and returns the level of each
// output frame.
func runFrames(x []int16, rate int, process func([]int16)) []float64 {
	n := rate / 50
	var levels []float64
	for i := 0; i+n <= len(x); i += n {
		process(x[i : i+n])
		levels = append(levels, LevelDB(x[i:i+n]))
	}
	return levels
}

func TestAGCRaisesQuietSpeech(t *testing.T) {
	const rate = 8000
	agc, err := NewAGC(rate, DefaultAGCConfig())
	if err != nil {
		t.Fatal(err)
	}
	x := voiced(rate, -40, 3*rate)
	levels := runFrames(x, rate, agc.Process)
	t.Logf("level at 0, 100, 500, 1000, 1500 ms: %.1f %.1f %.1f %.1f %.1f dBFS",
		levels[0], levels[5], levels[25], levels[50], levels[75])
	if levels[0] > -39 {
		t.Errorf("first frame %.1f dBFS: the gain must rise gradually", levels[0])
	}
	for i, l := range levels[75:] { // from 1500 ms on
		if l < -22 || l > -18 {
			t.Fatalf("frame at %d ms: %.1f dBFS, want -20 +/- 2", (75+i)*20, l)
		}
	}
}

func TestAGCLimitsLoudSignal(t *testing.T) {
	const rate = 8000
	cfg := DefaultAGCConfig()
	agc, _ := NewAGC(rate, cfg)
	// Two seconds of quiet speech let the gain climb to about +20 dB, then a
	// full-scale burst arrives: the limiter must hold it under the ceiling.
	x := append(voiced(rate, -40, 2*rate), voiced(rate, -1, rate)...)
	levels := runFrames(x, rate, agc.Process)
	limit := int(math.Floor(32767 * DBToGain(cfg.LimitDB)))
	if m := maxAbs(x); m > limit {
		t.Errorf("peak %d exceeds the limit %d", m, limit)
	}
	if agc.GainDB() > -15 {
		t.Errorf("gain %.1f dB after a loud second, want about -19", agc.GainDB())
	}
	for i, l := range levels[100+10:] { // 200 ms after the burst began
		if l < -22 || l > -18 {
			t.Fatalf("frame %d ms into the burst: %.1f dBFS, want -20 +/- 2", (10+i)*20, l)
		}
	}
}

func TestAGCHoldsGainInSilence(t *testing.T) {
	agc, _ := NewAGC(8000, DefaultAGCConfig())
	runFrames(voiced(8000, -30, 8000), 8000, agc.Process)
	g := agc.GainDB()
	runFrames(noise(3, 20, 16000), 8000, agc.Process) // about -64 dBFS
	if d := agc.GainDB() - g; d > 0.01 || d < -0.01 {
		t.Errorf("gain moved by %.2f dB during silence", d)
	}
}

func TestAGCConfig(t *testing.T) {
	cfg := DefaultAGCConfig()
	cfg.LimitDB = 3
	if _, err := NewAGC(8000, cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("limit above full scale: err = %v, want ErrConfig", err)
	}
}
