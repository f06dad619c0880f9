package dsp

import (
	"errors"
	"fmt"
	"testing"
)

// resampleChunks runs src through r in chunks of the given size.
func resampleChunks(r *Resampler, src []int16, chunk int) []int16 {
	var out []int16
	for len(src) > 0 {
		n := min(chunk, len(src))
		out = r.Process(out, src[:n])
		src = src[n:]
	}
	return out
}

// gainDB is the level of freq after resampling, relative to the input
// amplitude, measured on the second half of one second of output.
func gainDB(t *testing.T, in, out int, freq float64) float64 {
	t.Helper()
	r, err := NewResampler(in, out)
	if err != nil {
		t.Fatal(err)
	}
	const amp = 10000
	y := resampleChunks(r, tone(in, freq, amp, in), in/100) // 10 ms device periods
	if n := len(y); n < out-2 || n > out+1 {
		t.Fatalf("%d->%d: %d samples out of %d in", in, out, n, in)
	}
	y = y[out/2 : out/2+out/4] // whole cycles of any integer frequency
	return db(rms(y) * 1.41421356 / amp)
}

func TestResamplerPassband(t *testing.T) {
	for _, c := range [][2]int{{48000, 8000}, {44100, 8000}, {16000, 8000}, {8000, 48000}, {8000, 44100}, {8000, 16000}, {8000, 8000}} {
		for _, f := range []float64{300, 1000, 3000} {
			g := gainDB(t, c[0], c[1], f)
			t.Logf("%d->%d %4.0f Hz: %+.2f dB", c[0], c[1], f, g)
			if g < -1 || g > 1 {
				t.Errorf("%d->%d: %v Hz tone changed by %.2f dB, want within 1 dB", c[0], c[1], f, g)
			}
		}
	}
}

func TestResamplerStopband(t *testing.T) {
	for _, c := range []struct {
		in, out int
		f       float64
	}{{48000, 8000, 6000}, {48000, 8000, 5000}, {48000, 8000, 12000}, {44100, 8000, 6000}, {16000, 8000, 6000}} {
		g := gainDB(t, c.in, c.out, c.f)
		t.Logf("%d->%d %5.0f Hz: %+.1f dB", c.in, c.out, c.f, g)
		if g > -40 {
			t.Errorf("%d->%d: %v Hz tone aliased at %.1f dB, want <= -40 dB", c.in, c.out, c.f, g)
		}
	}
}

// Upsampling must not leave images: 1 kHz at 8 kHz has its first image at 7 kHz.
func TestResamplerImages(t *testing.T) {
	for _, out := range []int{16000, 48000, 44100} {
		r, err := NewResampler(8000, out)
		if err != nil {
			t.Fatal(err)
		}
		y := resampleChunks(r, tone(8000, 1000, 10000, 8000), 160)
		y = y[out/2 : out/2+out/4]
		sig, img := amplitudeAt(y, out, 1000), amplitudeAt(y, out, 7000)
		t.Logf("8000->%d: 1 kHz %.0f, 7 kHz image %.1f dB", out, sig, db(img/sig))
		if db(img/sig) > -40 {
			t.Errorf("8000->%d: image at 7 kHz only %.1f dB down", out, db(img/sig))
		}
	}
}

// The output does not depend on how the input is cut into chunks.
func TestResamplerChunkingInvariant(t *testing.T) {
	src := noise(7, 4000, 4410)
	r1, _ := NewResampler(44100, 8000)
	whole := r1.Process(nil, src)
	for _, chunk := range []int{1, 7, 441, 1000} {
		r2, _ := NewResampler(44100, 8000)
		got := resampleChunks(r2, src, chunk)
		if fmt.Sprint(got) != fmt.Sprint(whole) {
			t.Errorf("chunk %d: output differs from one-shot", chunk)
		}
	}
	r1.Reset()
	if again := r1.Process(nil, src); fmt.Sprint(again) != fmt.Sprint(whole) {
		t.Error("after Reset the output differs")
	}
}

func TestResamplerRates(t *testing.T) {
	if _, err := NewResampler(1000, 8000); !errors.Is(err, ErrRate) {
		t.Errorf("1000 Hz: err = %v, want ErrRate", err)
	}
	if _, err := NewResampler(44101, 8000); !errors.Is(err, ErrRate) {
		t.Errorf("44101 Hz: err = %v, want ErrRate (filter too long)", err)
	}
	r, err := NewResampler(48000, 8000)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Delay(); d <= 0 || d.Milliseconds() > 5 {
		t.Errorf("48k->8k delay %v, want (0, 5ms]", d)
	}
	if r.InRate() != 48000 || r.OutRate() != 8000 || r.MaxOut(960) < 160 {
		t.Errorf("rates %d %d maxout %d", r.InRate(), r.OutRate(), r.MaxOut(960))
	}
}

func TestResamplerNoAllocs(t *testing.T) {
	r, _ := NewResampler(48000, 8000)
	in := tone(48000, 1000, 8000, 960)
	out := make([]int16, 0, r.MaxOut(len(in)))
	if a := testing.AllocsPerRun(50, func() { out = r.Process(out[:0], in) }); a != 0 {
		t.Errorf("Process allocates %v per frame", a)
	}
}
