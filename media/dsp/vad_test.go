package dsp

import (
	"errors"
	"testing"
	"time"
)

const frame8k = 160 // 20 ms at 8 kHz

func vadRun(v *VAD, x []int16) []bool {
	var out []bool
	for i := 0; i+frame8k <= len(x); i += frame8k {
		out = append(out, v.Process(x[i:i+frame8k]))
	}
	return out
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func TestVADSpeechBurstsWithHangover(t *testing.T) {
	cfg := DefaultVADConfig() // 9 dB margin, -55 dBFS minimum, 300 ms hangover
	v, err := NewVAD(8000, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var x []int16
	x = append(x, noise(1, 30, 8000)...)          // 1 s of -61 dBFS background: 50 frames
	x = append(x, tone(8000, 700, 2000, 4000)...) // 500 ms of tone at -27 dBFS: 25 frames
	x = append(x, noise(2, 30, 8000)...)          // 1 s of background again: 50 frames
	d := vadRun(v, x)

	if n := count(d[:50]); n > 0 {
		t.Errorf("%d of 50 background frames taken as speech", n)
	}
	if n := count(d[50:75]); n != 25 {
		t.Errorf("%d of 25 tone frames taken as speech", n)
	}
	hang := int(cfg.Hangover / (20 * time.Millisecond))
	for i := 75; i < 75+hang; i++ {
		if !d[i] {
			t.Fatalf("frame %d, %d ms after the tone: hangover ended early", i, (i-74)*20)
		}
	}
	if n := count(d[75+hang:]); n > 0 {
		t.Errorf("%d background frames after the hangover taken as speech", n)
	}
	if f := v.NoiseFloorDB(); f < -65 || f > -58 {
		t.Errorf("noise floor %.1f dBFS, want near -61", f)
	}
}

func TestVADMinLevel(t *testing.T) {
	v, _ := NewVAD(8000, DefaultVADConfig())
	x := append(make([]int16, 8000), noise(3, 8, 4000)...) // digital silence, then -72 dBFS
	if n := count(vadRun(v, x)); n > 0 {
		t.Errorf("%d frames below MinLevelDB taken as speech", n)
	}
}

// A lasting rise of the background (a door opens onto the street) is at
// first taken as speech, then the floor climbs to it and the VAD goes quiet;
// a drop back is followed within a few frames.
func TestVADRecalibrates(t *testing.T) {
	v, _ := NewVAD(8000, DefaultVADConfig())
	vadRun(v, noise(4, 30, 2*8000)) // -61 dBFS
	d := vadRun(v, noise(5, 300, 12*8000))
	if !d[0] {
		t.Error("a 20 dB rise in background not noticed at first")
	}
	settled := -1
	for i := len(d) - 1; i >= 0 && !d[i]; i-- {
		settled = i
	}
	t.Logf("recalibrated after %d ms; floor %.1f dBFS", settled*20, v.NoiseFloorDB())
	if settled < 0 || settled*20 > 8000 {
		t.Errorf("still speech %d ms after the rise", len(d)*20)
	}
	if f := v.NoiseFloorDB(); f < -44 || f > -40 {
		t.Errorf("floor %.1f dBFS after recalibration, want near -41", f)
	}
	vadRun(v, noise(6, 30, 8000/5)) // 200 ms back at -61 dBFS
	if f := v.NoiseFloorDB(); f > -58 {
		t.Errorf("floor %.1f dBFS 200 ms after the background dropped, want near -61", f)
	}
}

func TestVADDisabledPassesAll(t *testing.T) {
	cfg := DefaultVADConfig()
	cfg.Enabled = false
	v, _ := NewVAD(8000, cfg)
	if n := count(vadRun(v, make([]int16, 8000))); n != 50 {
		t.Errorf("disabled VAD passed %d of 50 frames", n)
	}
	if _, err := NewVAD(8000, VADConfig{ThresholdDB: -1}); !errors.Is(err, ErrConfig) {
		t.Errorf("negative margin: err = %v, want ErrConfig", err)
	}
}
