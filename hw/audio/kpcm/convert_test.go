//go:build linux

package kpcm

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// Every int16 survives FromMono then ToMono unchanged, in every format,
// mono and stereo: the wider formats carry the sample in their top 16 bits.
func TestMonoRoundTripEveryValue(t *testing.T) {
	src := make([]int16, 0, 1<<16)
	for v := math.MinInt16; v <= math.MaxInt16; v++ {
		src = append(src, int16(v))
	}
	for _, f := range formatOrder {
		for _, ch := range []int{1, 2} {
			b := FromMono(nil, src, f, ch)
			if len(b) != len(src)*f.Bytes()*ch {
				t.Fatalf("%v × %d: %d bytes for %d samples", f, ch, len(b), len(src))
			}
			got := ToMono(nil, b, f, ch)
			for i := range src {
				if got[i] != src[i] {
					t.Fatalf("%v × %d: %d came back as %d", f, ch, src[i], got[i])
				}
			}
		}
	}
}

// The bytes of a few samples in each format, as the kernel's drivers
// expect them (little-endian; S24_LE sign-extended into its top byte).
func TestFromMonoBytes(t *testing.T) {
	for _, c := range []struct {
		f    Format
		v    int16
		want []byte
	}{
		{S16LE, 0x1234, []byte{0x34, 0x12}},
		{S16LE, -2, []byte{0xfe, 0xff}},
		{S32LE, 0x1234, []byte{0, 0, 0x34, 0x12}},
		{S32LE, math.MinInt16, []byte{0, 0, 0x00, 0x80}},
		{S24LE, 0x1234, []byte{0, 0x34, 0x12, 0x00}},
		{S24LE, -1, []byte{0, 0xff, 0xff, 0xff}},
		{S24LE, math.MinInt16, []byte{0, 0x00, 0x80, 0xff}},
		{S24LE, math.MaxInt16, []byte{0, 0xff, 0x7f, 0x00}},
		{S243LE, 0x1234, []byte{0, 0x34, 0x12}},
		{S243LE, math.MinInt16, []byte{0, 0x00, 0x80}},
		{FloatLE, math.MinInt16, []byte{0x00, 0x00, 0x80, 0xbf}}, // -1.0
		{FloatLE, 16384, []byte{0x00, 0x00, 0x00, 0x3f}},         // 0.5
	} {
		if got := FromMono(nil, []int16{c.v}, c.f, 1); !bytes.Equal(got, c.want) {
			t.Errorf("%v %d = % x, want % x", c.f, c.v, got, c.want)
		}
		if got := FromMono(nil, []int16{c.v}, c.f, 2); !bytes.Equal(got, append(c.want, c.want...)) {
			t.Errorf("%v %d stereo = % x, want the sample twice", c.f, c.v, got)
		}
	}
}

// ToMono reads the top 16 bits of the wider formats whatever the rest
// holds: the low bits of S32_LE, and the top byte of S24_LE, which some
// drivers leave at zero for a negative sample.
func TestToMonoWideFormats(t *testing.T) {
	for _, c := range []struct {
		f    Format
		b    []byte
		want int16
	}{
		{S32LE, []byte{0xff, 0xff, 0xff, 0x7f}, math.MaxInt16},
		{S32LE, []byte{0x00, 0x00, 0x00, 0x80}, math.MinInt16},
		{S32LE, []byte{0xff, 0xff, 0xfe, 0xff}, -2},
		{S24LE, []byte{0x00, 0x00, 0x80, 0xff}, math.MinInt16},
		{S24LE, []byte{0x00, 0x00, 0x80, 0x00}, math.MinInt16},
		{S24LE, []byte{0xff, 0x34, 0x12, 0xff}, 0x1234},
		{S243LE, []byte{0xff, 0xff, 0x7f}, math.MaxInt16},
		{S243LE, []byte{0x00, 0x01, 0x80}, math.MinInt16 + 1},
	} {
		if got := ToMono(nil, c.b, c.f, 1); len(got) != 1 || got[0] != c.want {
			t.Errorf("%v % x = %v, want [%d]", c.f, c.b, got, c.want)
		}
	}
}

func float32LE(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

// Floats are scaled by 32768 and rounded; NaN is silence and what lies
// beyond ±1 is clipped.
func TestToMonoFloat(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	in := []float32{0, 0.5, -0.5, 1, -1, 1.5, -1.5, nan, inf, -inf, 1e30, 1.0 / 65536, -1.0 / 65536, 1.0 / 131072}
	want := []int16{0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 32767, -32768, 32767, 1, -1, 0}
	got := ToMono(nil, float32LE(in...), FloatLE, 1)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%g = %d, want %d", in[i], got[i], want[i])
		}
	}
}

// Stereo frames become the mean of their two samples (truncated toward
// zero), in every format.
func TestToMonoAveragesChannels(t *testing.T) {
	pairs := [][2]int16{{1000, 3000}, {-1000, 1000}, {32767, 32767}, {-32768, -32768}, {-32768, 32767}, {-3, 0}, {3, 0}, {100, -301}}
	want := []int16{2000, 0, 32767, -32768, 0, -1, 1, -100}
	for _, f := range formatOrder {
		var b []byte
		for _, p := range pairs {
			b = append(b, FromMono(nil, p[:1], f, 1)...)
			b = append(b, FromMono(nil, p[1:], f, 1)...)
		}
		got := ToMono(nil, b, f, 2)
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%v: mean of %v = %d, want %d", f, pairs[i], got[i], want[i])
			}
		}
	}
	// Eight channels: the sum of eight full-scale samples does not overflow.
	b := FromMono(nil, []int16{math.MinInt16, math.MaxInt16}, S32LE, 8)
	if got := ToMono(nil, b, S32LE, 8); got[0] != math.MinInt16 || got[1] != math.MaxInt16 {
		t.Errorf("eight channels: %v", got)
	}
}

// A trailing partial frame is left for the next read; ToMono and FromMono
// append to what dst holds.
func TestPartialFramesAndAppend(t *testing.T) {
	for _, c := range []struct {
		f          Format
		ch, n, out int
	}{{S16LE, 2, 5, 1}, {S16LE, 1, 3, 1}, {S243LE, 1, 7, 2}, {S243LE, 2, 5, 0}, {S32LE, 2, 15, 1}, {FloatLE, 1, 3, 0}} {
		if got := ToMono(nil, make([]byte, c.n), c.f, c.ch); len(got) != c.out {
			t.Errorf("%v × %d, %d bytes: %d samples, want %d", c.f, c.ch, c.n, len(got), c.out)
		}
	}
	got := ToMono([]int16{7}, []byte{1, 0, 2, 0}, S16LE, 1)
	if len(got) != 3 || got[0] != 7 || got[1] != 1 || got[2] != 2 {
		t.Errorf("appended to [7]: %v", got)
	}
	if b := FromMono([]byte{9}, []int16{1}, S16LE, 1); !bytes.Equal(b, []byte{9, 1, 0}) {
		t.Errorf("appended to [9]: % x", b)
	}
}

// The conversions are on the per-period path: with room in dst they
// allocate nothing.
func TestConvertAllocatesNothing(t *testing.T) {
	mono := make([]int16, 480)
	for i := range mono {
		mono[i] = int16(i * 67)
	}
	for _, f := range formatOrder {
		raw := make([]byte, 0, len(mono)*f.Bytes()*2)
		out := make([]int16, 0, len(mono))
		if n := testing.AllocsPerRun(50, func() { raw = FromMono(raw[:0], mono, f, 2) }); n != 0 {
			t.Errorf("FromMono %v: %v allocations", f, n)
		}
		if n := testing.AllocsPerRun(50, func() { out = ToMono(out[:0], raw, f, 2) }); n != 0 {
			t.Errorf("ToMono %v: %v allocations", f, n)
		}
	}
}

func TestFormatNamesAndSizes(t *testing.T) {
	for _, c := range []struct {
		f     Format
		name  string
		bytes int
	}{{S16LE, "S16_LE", 2}, {S24LE, "S24_LE", 4}, {S32LE, "S32_LE", 4}, {FloatLE, "FLOAT_LE", 4}, {S243LE, "S24_3LE", 3}, {Format(1), "format 1", 4}} {
		if c.f.String() != c.name || c.f.Bytes() != c.bytes {
			t.Errorf("format %d: %q, %d bytes; want %q, %d", int(c.f), c.f.String(), c.f.Bytes(), c.name, c.bytes)
		}
	}
	if fb := (Params{Format: S243LE, Channels: 2}).FrameBytes(); fb != 6 {
		t.Errorf("S24_3LE stereo frame: %d bytes, want 6", fb)
	}
}

func BenchmarkToMonoS32Stereo(b *testing.B) {
	raw := FromMono(nil, make([]int16, 480), S32LE, 2)
	out := make([]int16, 0, 480)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		out = ToMono(out[:0], raw, S32LE, 2)
	}
}

// Any bytes in any format the package converts, 1 to 8 channels: one
// sample per whole frame, and the samples survive FromMono then ToMono.
func FuzzToMono(f *testing.F) {
	f.Add([]byte{}, uint8(0), uint8(1))
	f.Add([]byte{0x34, 0x12, 0xcd, 0xab, 0x01}, uint8(0), uint8(2))
	f.Add(float32LE(float32(math.NaN()), 2, -2, 0.25), uint8(4), uint8(1))
	f.Add([]byte{0, 0, 0x80, 0, 0, 0x80, 0xff}, uint8(3), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, fi, ch uint8) {
		format, channels := formatOrder[int(fi)%len(formatOrder)], 1+int(ch)%8
		got := ToMono(nil, b, format, channels)
		if want := len(b) / (format.Bytes() * channels); len(got) != want {
			t.Fatalf("%v × %d, %d bytes: %d samples, want %d", format, channels, len(b), len(got), want)
		}
		back := ToMono(nil, FromMono(nil, got, format, channels), format, channels)
		for i := range got {
			if back[i] != got[i] {
				t.Fatalf("%v × %d: sample %d = %d came back as %d", format, channels, i, got[i], back[i])
			}
		}
	})
}

// No channels is no frames, not a division by zero.
func TestToMonoNoChannels(t *testing.T) {
	if got := ToMono(nil, []byte{1, 2, 3, 4}, S16LE, 0); len(got) != 0 {
		t.Errorf("ToMono with 0 channels = %v, want nothing", got)
	}
}
