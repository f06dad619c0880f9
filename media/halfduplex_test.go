package media

import (
	"math"
	"testing"

	"github.com/skoip/skoip/media/dsp"
)

// levelTone is n samples of a 440 Hz sine at level dBFS (RMS) from sample phase.
func levelTone(n int, level float64, phase int) []int16 {
	a := math.Sqrt2 * 32768 * dsp.DBToGain(level)
	f := make([]int16, n)
	for i := range f {
		f[i] = int16(a * math.Sin(2*math.Pi*440*float64(phase+i)/codecRate))
	}
	return f
}

// duplexRun plays far (dBFS, or none below -100) and captures its echo
// (couplingDB below it) plus near for frames of 20 ms (the speaker in 5 ms
// chunks), and returns the gains that the last frame and chunk got.
func duplexRun(h *halfDuplex, frames int, far, couplingDB, near float64) (mic, spk float64) {
	for k := 0; k < frames; k++ {
		for c := 0; c < 4; c++ { // played first: its echo reaches the microphone after it
			ch := make([]int16, 40)
			if far > -100 {
				ch = levelTone(40, far, k*160+40*c)
			}
			lvl := dsp.LevelDB(ch)
			h.speaker(ch)
			spk = dsp.LevelDB(ch) - lvl
		}
		f := make([]int16, 160)
		if far > -100 {
			copy(f, levelTone(160, far+couplingDB, k*160))
		}
		if near > -100 {
			dsp.MixInto(f, levelTone(160, near, k*160+37), 1)
		}
		in := dsp.LevelDB(f)
		h.mic(f)
		mic = dsp.LevelDB(f) - in
	}
	return mic, spk
}

func TestHalfDuplexDucksTheMicrophoneWhileTheFarEndTalks(t *testing.T) {
	h := newHalfDuplex(narrowRate)
	mic, spk := duplexRun(h, 25, -20, 0, -200) // 0.5 s of far-end speech and its echo
	if mic > -duckDB+0.5 || spk < -0.1 {
		t.Errorf("far end talking: microphone %+.1f dB, speaker %+.1f dB; want %.0f dB and 0 dB", mic, spk, -duckDB)
	}
	duplexRun(h, 10, -200, 0, -200) // 200 ms after the far end stops: the hangover
	if h.state != duplexFar {
		t.Errorf("within the hangover the far end lost the line (state %d)", h.state)
	}
	mic, _ = duplexRun(h, 25, -200, 0, -20) // the visitor talks
	if mic < -0.1 || h.state != duplexNear {
		t.Errorf("visitor talking after the far end stopped: microphone %+.1f dB (state %d), want 0 dB", mic, h.state)
	}
	_, spk = duplexRun(h, 5, -20, 0, -20) // the far end starts while the visitor holds the line
	if spk > -duckDB+0.5 {
		t.Errorf("far end over a talking visitor: speaker %+.1f dB, want %.0f dB", spk, -duckDB)
	}
}

func TestHalfDuplexVisitorBreaksInWhenLouderThanTheEcho(t *testing.T) {
	h := newHalfDuplex(narrowRate)
	duplexRun(h, 25, -30, -6, -200) // learns an echo 6 dB below the speaker
	if h.state != duplexFar || math.Abs(h.coupling-(-6)) > 1 {
		t.Fatalf("state %d, coupling %.1f dB after far-end speech; want far and -6 dB", h.state, h.coupling)
	}
	duplexRun(h, 5, -30, -6, -33) // a visitor no louder than the echo: the far end keeps the line
	if h.state != duplexFar {
		t.Errorf("a quiet visitor took the line from the far end")
	}
	mic, _ := duplexRun(h, 10, -30, -6, -15) // 21 dB above the echo
	if h.state != duplexNear || mic < -0.1 {
		t.Errorf("a loud visitor over the far end: state %d, microphone %+.1f dB; want near and 0 dB", h.state, mic)
	}
}

func TestHalfDuplexRampsWithoutClicks(t *testing.T) {
	h := newHalfDuplex(narrowRate)
	prev := float64(h.micGain)
	for k := 0; k < 20; k++ {
		duplexRun(h, 1, -20, 0, -200)
		if step := dsp.GainToDB(float64(h.micGain)) - dsp.GainToDB(prev); step < -rampDB-0.01 {
			t.Fatalf("frame %d: gain fell %.1f dB at once, more than %v dB", k, step, rampDB)
		}
		prev = float64(h.micGain)
	}
}
