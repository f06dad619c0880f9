package media

import (
	"math"
	"slices"
	"testing"

	"github.com/skoip/skoip/media/dsp"
)

// oneShot is convertRate as it was before it fed the signal in chunks: the
// whole signal through one Process call.
func oneShot(t *testing.T, s []int16, from, to int) []int16 {
	t.Helper()
	r, err := dsp.NewResampler(from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := int((int64(len(s))*int64(to) + int64(from) - 1) / int64(from))
	lead := int(math.Round(r.Delay().Seconds() * float64(to)))
	out := r.Process(nil, s)
	for len(out) < want+lead {
		out = r.Process(out, make([]int16, from/100+1))
	}
	return out[lead : want+lead]
}

// TestConvertRateChunks: a prompt is resampled convertChunk samples at a
// time into a slice of its own length; the samples are those of one pass
// over the whole signal, for lengths around the chunk's edges.
func TestConvertRateChunks(t *testing.T) {
	for _, rates := range [][2]int{{8000, 16000}, {16000, 8000}, {44100, 16000}, {8000, 48000}} {
		for _, n := range []int{1, 160, convertChunk - 1, convertChunk, convertChunk + 1, 3*convertChunk + 17} {
			s := make([]int16, n)
			for i := range s {
				s[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rates[0])))
			}
			got, err := convertRate(s, rates[0], rates[1])
			if err != nil {
				t.Fatal(err)
			}
			if want := oneShot(t, s, rates[0], rates[1]); !slices.Equal(got, want) {
				t.Errorf("%d -> %d Hz, %d samples: differs from one pass (%d vs %d samples)", rates[0], rates[1], n, len(got), len(want))
			}
			if cap(got) != len(got) {
				t.Errorf("%d -> %d Hz, %d samples: cap %d for %d samples", rates[0], rates[1], n, cap(got), len(got))
			}
		}
	}
}

// TestConvertRateAllocates: one allocation for the output, none for the
// resampler's history, however long the prompt (fed whole, the built-in
// prompts grew it through 1.4 MB of float32).
func TestConvertRateAllocates(t *testing.T) {
	s := make([]int16, 4*8000)
	var got []int16
	allocs := testing.AllocsPerRun(5, func() {
		got, _ = convertRate(s, 8000, 16000)
	})
	// The resampler, its filter (designed, then its coefficients), its
	// buffer, the flush's zeros and the output.
	if allocs > 6 {
		t.Errorf("convertRate of 4 s: %.0f allocations, want at most 6", allocs)
	}
	if len(got) != 2*len(s) || cap(got) != len(got) {
		t.Errorf("4 s at 8 kHz -> %d samples, cap %d; want %d", len(got), cap(got), 2*len(s))
	}
}
