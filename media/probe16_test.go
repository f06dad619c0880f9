package media

import "testing"

// A 16 kHz engine's probe measures the same echo path as an 8 kHz one: the
// conversions of the signal and of the recording take their filters'
// delay out.
func TestProbeWidebandEngine(t *testing.T) {
	for _, delay := range []int{0, 74, 600} { // 16 kHz samples
		dev := newEchoDevice(16000, 320, delay)
		eng, err := NewEngine(Config{Rate: 16000}, dev)
		must(t, err)
		sig := speechLike(8000, 3)
		rec := stepProbe(t, dev, eng, sig, 1000)
		if len(rec) != 9000 {
			t.Fatalf("delay %d: recorded %d samples, want 9000", delay, len(rec))
		}
		best, bestLag := 0.0, -1
		for lag := 0; lag < 1000; lag++ {
			var c float64
			for i := 0; i+lag < len(rec) && i < len(sig); i++ {
				c += float64(sig[i]) * float64(rec[i+lag])
			}
			if c > best {
				best, bestLag = c, lag
			}
		}
		want := delay/2 + 160 // the echo path and one device period, at 8 kHz
		if bestLag < want-1 || bestLag > want+1 {
			t.Errorf("delay %d (16 kHz): the recording lags %d samples at 8 kHz, want %d", delay, bestLag, want)
		}
		must(t, eng.Close())
	}
}
