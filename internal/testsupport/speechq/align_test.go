package speechq

import (
	"math"
	"testing"
	"time"
)

func TestAlignDelayedCopy(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 4, 1)
	for _, lag := range []int{0, 1, 37, 800, 4321, -160} {
		y := delayed(x, lag)
		got, c := Align(x, y, rate, 500*time.Millisecond)
		if got != lag || c < 0.999 {
			t.Errorf("copy %d samples late: Align = %d (corr %.4f), want %d and corr 1", lag, got, c, lag)
		}
		got, c = Align(x, withNoise(scaled(y, 0.2), 0, 5), rate, 500*time.Millisecond)
		if got != lag || c < 0.5 || c > 0.8 {
			t.Errorf("copy %d samples late at -14 dB under noise at 0 dB SNR: Align = %d (corr %.3f), want %d and corr about 0.7", lag, got, c, lag)
		}
	}
}

// A copy inside a longer recording (silence, another signal, the copy,
// silence) is found, even where the other signal is louder.
func TestAlignInRecording(t *testing.T) {
	const rate = 8000
	x := speechLike(rate, 3, 2)
	other := scaled(speechLike(rate, 2, 3), 4)
	rec := append(append(make([]float64, 3000), other...), scaled(x, 0.5)...)
	rec = append(rec, make([]float64, 5000)...)
	want := 3000 + len(other)
	if got, c := Align(x, rec, rate, 10*time.Second); got != want || c < 0.999 {
		t.Errorf("Align = %d (corr %.4f), want %d", got, c, want)
	}
	// Bounded: the copy beyond maxLag is not found.
	if got, _ := Align(x, rec, rate, time.Second); got < -rate || got > rate {
		t.Errorf("Align = %d outside the ±%d searched", got, rate)
	}
}

func TestAlignDegenerate(t *testing.T) {
	if l, c := Align(nil, []float64{1}, 8000, time.Second); l != 0 || c != 0 {
		t.Errorf("empty clean: %d %g", l, c)
	}
	if l, c := Align([]float64{1}, []float64{1}, 0, time.Second); l != 0 || c != 0 {
		t.Errorf("rate 0: %d %g", l, c)
	}
	if l, c := Align(make([]float64, 100), make([]float64, 100), 8000, time.Second); math.IsNaN(c) || c != 0 || l != 0 {
		t.Errorf("silence: %d %g", l, c)
	}
}

// A recording whose delay grows by 20 ms (a frame inserted) half way is
// lined up again segment by segment; aligned once, its second half is off.
func TestPiecewise(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 6, 4)
	lag, jump := 500, 320
	cut := 3 * rate
	rec := append(make([]float64, lag), x[:cut]...)
	rec = append(rec, make([]float64, jump)...)
	rec = append(rec, x[cut:]...)
	global, _ := Align(x, rec, rate, time.Second)
	if global != lag && global != lag+jump {
		t.Fatalf("Align = %d, want %d or %d", global, lag, lag+jump)
	}
	once := window(rec, global, global+len(x))
	y, lags := Piecewise(x, rec, rate, global, 500*time.Millisecond, 60*time.Millisecond)
	whole, err := SegSNR(x, once, rate)
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := SegSNR(x, y, rate)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SegSNR aligned once %.1f dB, piecewise %.1f dB; lags %v", whole, pieces, lags)
	if pieces < 30 || whole > 25 {
		t.Errorf("SegSNR aligned once %.1f dB, piecewise %.1f dB: want under 25 and over 30", whole, pieces)
	}
	for k, l := range lags { // segments of rate/2 samples; the jump is at a boundary
		want := lag
		if k*rate/2 >= cut {
			want = lag + jump
		}
		if l != want {
			t.Errorf("segment %d: lag %d, want %d", k, l, want)
		}
	}
}

// A recording that loses 20 ms every second (a receiver that drops the
// frames it does not conceal) drifts 20 ms earlier at each: Piecewise
// follows it segment by segment, well beyond its ±maxShift.
func TestPiecewiseDrift(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 8, 5)
	drop := rate / 50
	rec := make([]float64, 1000)
	for s := 0; s < len(x); s += rate {
		rec = append(rec, x[s:min(s+rate-drop, len(x))]...)
	}
	start, _ := Align(x[:rate], rec, rate, time.Second)
	if start != 1000 {
		t.Fatalf("the first second found at %d, want 1000", start)
	}
	y, lags := Piecewise(x, rec, rate, start, 250*time.Millisecond, 30*time.Millisecond)
	got, err := SegSNR(x, y, rate)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SegSNR %.1f dB; lags %v", got, lags)
	if last := lags[len(lags)-1]; last != 1000-7*drop {
		t.Errorf("last segment's lag %d, want %d (7 frames dropped before it)", last, 1000-7*drop)
	}
	// One segment in four holds a drop: about 3/4 of the frames are exact.
	if got < 20 {
		t.Errorf("SegSNR %.1f dB after following the drift, want > 20", got)
	}
}

// A delay that jumps by 300 ms at once (a receiver that threw away a
// stretch of late frames), beyond the ±60 ms searched segment by segment,
// is found again.
func TestPiecewiseJump(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 6, 6)
	cut, jump := 3*rate, rate*3/10
	rec := append(make([]float64, 2000), x[:cut]...)
	rec = append(rec, x[cut+jump:]...) // 300 ms of speech lost: the rest comes 300 ms early
	y, lags := Piecewise(x, rec, rate, 2000, 500*time.Millisecond, 60*time.Millisecond)
	for k, l := range lags {
		want := 2000
		if k*rate/2 >= cut+jump {
			want = 2000 - jump
		}
		if k*rate/2 >= cut && k*rate/2 < cut+jump {
			continue // the segment whose speech was lost
		}
		if l != want {
			t.Errorf("segment %d: lag %d, want %d; lags %v", k, l, want, lags)
		}
	}
	if got, err := SegSNR(x, y, rate); err != nil || got < 15 {
		t.Errorf("SegSNR after the jump %.1f dB (%v), want > 15 (about 3 without finding the jump)", got, err)
	}
}
