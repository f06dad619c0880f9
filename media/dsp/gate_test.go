package dsp

import "testing"

func TestGateAttenuatesNoise(t *testing.T) {
	const rate = 8000
	g, err := NewGate(rate, DefaultGateConfig())
	if err != nil {
		t.Fatal(err)
	}
	x := noise(1, 30, 2*rate) // about -61 dBFS, under the -50 threshold
	in := LevelDB(x[rate:])
	runFrames(x, rate, g.Process)
	out := LevelDB(x[rate:]) // the second second: closed
	t.Logf("noise %.1f dBFS in, %.1f dBFS out", in, out)
	if d := in - out; d < 29 || d > 31 {
		t.Errorf("noise attenuated by %.1f dB, want 30", d)
	}
	if g.Open() {
		t.Error("gate open on noise")
	}
}

func TestGatePassesSpeechAndHolds(t *testing.T) {
	const rate = 8000
	cfg := DefaultGateConfig()
	g, _ := NewGate(rate, cfg)
	quiet := noise(2, 30, rate/2)
	loud := tone(rate, 500, 3000, rate/2) // about -23 dBFS
	x := append(append(append([]int16{}, quiet...), loud...), noise(3, 30, 2*rate)...)
	runFrames(x, rate, g.Process)

	mid := x[rate/2+rate/10 : rate] // tone, after the attack
	if d := db(amplitudeAt(mid, rate, 500) / 3000); d < -0.1 {
		t.Errorf("tone attenuated by %.2f dB while gate open", -d)
	}
	hold := x[rate : rate+rate/4] // the 250 ms after the tone: held open
	if d := LevelDB(hold) - LevelDB(quiet); d < -1 {
		t.Errorf("noise right after speech cut by %.1f dB, want held open", -d)
	}
	after := x[len(x)-rate/5:] // last 200 ms: closed again
	if d := LevelDB(quiet) - LevelDB(after); d < 25 {
		t.Errorf("noise after the hold cut by only %.1f dB", d)
	}
}

// The gate starts closed, so noise before the first word is cut from the
// first frame on, and a word's onset still opens it within the 2 ms
// attack.
func TestGateStartsClosed(t *testing.T) {
	const rate = 8000
	g, _ := NewGate(rate, DefaultGateConfig())
	hiss := noise(4, 30, rate/10)
	in := LevelDB(hiss)
	runFrames(hiss, rate, g.Process)
	if d := in - LevelDB(hiss); d < 29 {
		t.Errorf("first 100 ms of noise cut by %.1f dB, want 30", d)
	}
	word := tone(rate, 500, 3000, rate/10)
	runFrames(word, rate, g.Process)
	if d := db(amplitudeAt(word[rate/100:rate/50], rate, 500) / 3000); d < -0.1 {
		t.Errorf("10-20 ms into a word: cut by %.2f dB, want open", -d)
	}
}
