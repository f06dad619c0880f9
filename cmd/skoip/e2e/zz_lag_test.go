package e2e

import (
	"os"
	"testing"
)

func TestZZLagTrace(t *testing.T) {
	rp, sp := os.Getenv("REC"), os.Getenv("SRC")
	if rp == "" {
		t.Skip()
	}
	_, rec, _ := readWAV(rp)
	_, src, _ := readWAV(sp)
	W := 800
	s := newSource(src, W)
	for off := 0; off+W <= len(rec); off += W {
		w := make([]float64, W)
		e := 0.0
		for i := range w {
			w[i] = float64(rec[off+i])
			e += w[i] * w[i]
		}
		if e/float64(W) < 327*327 {
			t.Logf("%5d ms silent", off/8)
			continue
		}
		c, lag := s.best(w)
		t.Logf("%5d ms corr %.3f delay %d", off/8, c, ((lag-off)%s.n+s.n)%s.n)
	}
}

func TestZZEnv(t *testing.T) {
	rp, sp, op := os.Getenv("REC"), os.Getenv("SRC"), os.Getenv("OWN")
	if rp == "" {
		t.Skip()
	}
	_, rec, _ := readWAV(rp)
	_, src, _ := readWAV(sp)
	_, own, _ := readWAV(op)
	for _, w := range []int{50, 100, 200} {
		t.Logf("win %d far %v own %v", w, envelopeMatch(rec, src, w), envelopeMatch(rec, own, w))
	}
}

func TestZZWave(t *testing.T) {
	rp, sp, op := os.Getenv("REC"), os.Getenv("SRC"), os.Getenv("OWN")
	if rp == "" {
		t.Skip()
	}
	_, rec, _ := readWAV(rp)
	_, src, _ := readWAV(sp)
	_, own, _ := readWAV(op)
	for _, w := range []int{800, 1600, 2400, 4000} {
		f, o := correlate(rec, src, w, 200), correlate(rec, own, w, 200)
		f.Lags, o.Lags = nil, nil
		t.Logf("win %d far %v own %v", w, f, o)
	}
}
