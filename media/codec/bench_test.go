package codec

import (
	"math"
	"testing"
)

func benchFrame() []int16 {
	pcm := make([]int16, 160) // 20 ms at 8 kHz
	for i := range pcm {
		pcm[i] = int16(12000 * math.Sin(2*math.Pi*440*float64(i)/8000))
	}
	return pcm
}

func benchCodec(b *testing.B, c Codec) {
	pcm := benchFrame()
	payload := make([]byte, 0, 2*len(pcm))
	out := make([]int16, 0, len(pcm))
	b.ReportAllocs()
	for b.Loop() {
		payload = c.Encode(payload[:0], pcm)
		out = c.Decode(out[:0], payload)
	}
}

// Each op is one 20 ms frame encoded and decoded.
func BenchmarkPCMUFrame(b *testing.B) { benchCodec(b, NewPCMU()) }
func BenchmarkPCMAFrame(b *testing.B) { benchCodec(b, NewPCMA()) }
func BenchmarkL16Frame(b *testing.B)  { benchCodec(b, NewL16(96)) }
