package cn

import (
	"math"
	"testing"

	"github.com/skoip/skoip/media/dsp"
)

func TestGeneratorLevel(t *testing.T) {
	g := NewGenerator(7)
	buf := make([]int16, 8000)
	for _, level := range []uint8{20, 40, 60, 70} {
		g.SetLevel(level)
		g.Fill(buf)
		got := dsp.LevelDB(buf)
		if math.Abs(got+float64(level)) > 0.5 {
			t.Fatalf("level %d: generated %.2f dBov", level, got)
		}
		// white: neighbouring samples are uncorrelated
		var ab, aa float64
		for i := 1; i < len(buf); i++ {
			ab += float64(buf[i]) * float64(buf[i-1])
			aa += float64(buf[i]) * float64(buf[i])
		}
		if r := ab / aa; math.Abs(r) > 0.05 {
			t.Fatalf("level %d: lag-1 correlation %.3f, not white", level, r)
		}
	}
	g.SetLevel(MaxLevel)
	g.Fill(buf)
	if dsp.LevelDB(buf) != dsp.SilenceDB {
		t.Fatal("-127 dBov is not digital silence")
	}
}

func BenchmarkGeneratorFill(b *testing.B) {
	g := NewGenerator(1)
	g.SetLevel(50)
	buf := make([]int16, 160)
	b.ReportAllocs()
	for range b.N {
		g.Fill(buf)
	}
}
