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
	// Two seconds of quiet speech let the gain climb to about +20 dB, then
	// full-scale speech arrives. The gain comes down at the AGC's slow pace
	// (a fast gain would follow syllables and cost intelligibility), so the
	// limiter alone must hold every peak under the ceiling until it has.
	x := append(voiced(rate, -40, 2*rate), voiced(rate, -1, 5*rate)...)
	levels := runFrames(x, rate, agc.Process)
	limit := int(math.Floor(32767 * DBToGain(cfg.LimitDB)))
	if m := maxAbs(x); m > limit {
		t.Errorf("peak %d exceeds the limit %d", m, limit)
	}
	t.Logf("level 0.1, 1, 2, 3, 5 s into the burst: %.1f %.1f %.1f %.1f %.1f dBFS; gain %.1f dB",
		levels[105], levels[150], levels[200], levels[250], levels[349], agc.GainDB())
	if agc.GainDB() > -15 {
		t.Errorf("gain %.1f dB after 5 loud seconds, want about -19", agc.GainDB())
	}
	for i, l := range levels[300:] { // the last second
		if l < -22 || l > -18 {
			t.Fatalf("frame %d ms into the burst: %.1f dBFS, want -20 +/- 2", 4000+i*20, l)
		}
	}
}

// The gain follows the talker's level, not the syllables: speech that
// swings by 30 dB four times a second keeps a steady gain once the level
// is known, so syllables and pauses keep their relative levels; the
// quiet quarters (pauses, more than PauseDB under the speech level) do not
// count in the level.
func TestAGCKeepsEnvelope(t *testing.T) {
	const rate = 8000
	agc, _ := NewAGC(rate, DefaultAGCConfig())
	x := voiced(rate, -30, 6*rate)
	for i := range x { // 125 ms loud, 125 ms 30 dB quieter
		if i/(rate/8)%2 == 1 {
			x[i] /= 32
		}
	}
	var lo, hi float64 = 100, -100
	for i := 0; i+160 <= len(x); i += 160 {
		agc.Process(x[i : i+160])
		if i >= 3*rate {
			lo, hi = min(lo, agc.GainDB()), max(hi, agc.GainDB())
		}
	}
	t.Logf("gain over the last 3 s: %.2f to %.2f dB (level %.1f dBFS)", lo, hi, agc.LevelDB())
	if hi-lo > 0.5 {
		t.Errorf("gain moved by %.2f dB within steady speech, want < 0.5", hi-lo)
	}
	if l := agc.LevelDB(); l < -31.5 || l > -28.5 {
		t.Errorf("speech level %.1f dBFS, want the loud parts' -30 (pauses left out)", l)
	}
}

// A loud talker followed, without a pause, by one 30 dB quieter: the
// quiet one's frames first look like pauses in the loud one's speech, but
// after two level windows (4 s) the level is measured afresh and the gain
// climbs.
func TestAGCFollowsQuieterTalker(t *testing.T) {
	const rate = 8000
	agc, _ := NewAGC(rate, DefaultAGCConfig())
	x := append(voiced(rate, -10, 3*rate), voiced(rate, -40, 9*rate)...)
	levels := runFrames(x, rate, agc.Process)
	t.Logf("gain %.1f dB, level %.1f dBFS at the end", agc.GainDB(), agc.LevelDB())
	for i, l := range levels[len(levels)-50:] { // the last second
		if l < -22 || l > -18 {
			t.Fatalf("frame at %d ms: %.1f dBFS, want -20 +/- 2", 11000+20*i, l)
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
	cfg = DefaultAGCConfig()
	cfg.Window = 0
	if _, err := NewAGC(8000, cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("no level window: err = %v, want ErrConfig", err)
	}
}
