package stoi

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/skoip/skoip/media/wav"
)

// speech reads a test talker (8 kHz mono) as floats in [-1, 1).
func speech(t *testing.T, name string) []float64 {
	t.Helper()
	f, err := wav.Open(filepath.Join("..", "..", "..", "testdata", "e2e", name))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read-only
	s, err := f.ReadAll(8000)
	if err != nil {
		t.Fatal(err)
	}
	return toFloat(s)
}

// withNoise returns x plus white Gaussian noise at snr dB under x's power.
func withNoise(x []float64, snr float64, seed uint64) []float64 {
	var p float64
	for _, v := range x {
		p += v * v
	}
	sigma := math.Sqrt(p / float64(len(x)) / math.Pow(10, snr/10))
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v + sigma*r.NormFloat64()
	}
	return y
}

func scaled(x []float64, g float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = g * v
	}
	return y
}

func mustSTOI(t *testing.T, x, y []float64) float64 {
	t.Helper()
	d, err := STOI(x, y, 8000)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestIdentical(t *testing.T) {
	for _, name := range []string{"door.wav", "inside.wav"} {
		x := speech(t, name)
		if d := mustSTOI(t, x, x); d < 0.999 {
			t.Errorf("%s against itself: %.4f, want > 0.999", name, d)
		}
	}
}

func TestScaleInvariance(t *testing.T) {
	x := speech(t, "door.wav")
	if d := mustSTOI(t, x, scaled(x, 0.1)); d < 0.999 {
		t.Errorf("copy at -20 dB: %.4f, want > 0.999", d)
	}
}

func TestNoiseLowersScore(t *testing.T) {
	for _, name := range []string{"door.wav", "inside.wav"} {
		x := speech(t, name)
		prev := 1.0
		for _, snr := range []float64{20, 10, 5, 0, -5, -10} {
			d := mustSTOI(t, x, withNoise(x, snr, 7))
			t.Logf("%s, white noise at %+3.0f dB SNR: STOI %.3f", name, snr, d)
			if d >= prev {
				t.Errorf("%s at %+.0f dB: %.3f, not under %.3f at the SNR above", name, snr, d, prev)
			}
			if snr == 10 && d < 0.88 {
				t.Errorf("%s at +10 dB: %.3f, want about 0.9 or more", name, d)
			}
			if snr == -5 && d > 0.7 {
				t.Errorf("%s at -5 dB: %.3f, want under 0.7", name, d)
			}
			prev = d
		}
	}
}

func TestMisaligned(t *testing.T) {
	x := speech(t, "door.wav")
	late := append(make([]float64, 800), x...) // 100 ms late
	d := mustSTOI(t, x, late)
	t.Logf("copy 100 ms late: STOI %.3f", d)
	if d > 0.5 {
		t.Errorf("copy 100 ms late: %.3f, want low (< 0.5)", d)
	}
	lag := Align(x, late, 4000)
	if lag != 800 {
		t.Fatalf("Align = %d, want 800", lag)
	}
	if d := mustSTOI(t, x, late[lag:]); d < 0.999 {
		t.Errorf("realigned copy: %.4f, want > 0.999", d)
	}
}

func TestErrors(t *testing.T) {
	x := speech(t, "door.wav")
	if _, err := STOI(x, x[:len(x)/2], 8000); !errors.Is(err, ErrLength) {
		t.Errorf("half-length degraded: err = %v, want ErrLength", err)
	}
	if _, err := STOI(x[:3000], x[:3000], 8000); !errors.Is(err, ErrTooShort) {
		t.Errorf("375 ms: err = %v, want ErrTooShort", err)
	}
	if _, err := STOI(x, x, 0); !errors.Is(err, ErrRate) {
		t.Errorf("rate 0: err = %v, want ErrRate", err)
	}
	if _, err := STOI(x, append(x, x...), 8000); err != nil {
		t.Errorf("longer degraded: %v, want it cut to length", err)
	}
}
