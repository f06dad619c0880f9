package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// g722Delay is the delay of G.722 encode+decode in 16 kHz samples: the
// 24-tap transmit and receive QMFs with the two-sample polyphase step
// (the same figure FFmpeg's encoder declares).
const g722Delay = 22

var g722Update = flag.Bool("g722.update", false,
	"regenerate testdata/g722 (needs ffmpeg) before comparing")

// g722Vectors are the signals of testdata/g722: name.raw is the input,
// name.g722 FFmpeg's encoding of it, name.dec.raw FFmpeg's decoding of
// name.g722. garbage has no input: garbage.g722 is made by
// g722GarbageStream.
var g722Vectors = []struct {
	name string
	gen  func() []int16
}{
	{"sweep", func() []int16 { return g722Sweep(16000, 50, 7900, 16000) }},
	{"noise", func() []int16 { return g722WhiteNoise(8000, 6000, 7) }},
	{"speech", func() []int16 { return g722Speech(16000, 11) }},
	{"silence", func() []int16 { return make([]int16, 4000) }},
	{"square", func() []int16 { return g722Square(8000, 500) }},
}

const g722Dir = "testdata/g722"

func TestG722Vectors(t *testing.T) {
	if *g722Update {
		writeG722Vectors(t)
	}
	for _, v := range g722Vectors {
		t.Run(v.name, func(t *testing.T) {
			in := g722ReadS16(t, filepath.Join(g722Dir, v.name+".raw"))
			want := g722ReadFile(t, filepath.Join(g722Dir, v.name+".g722"))
			got := g722EncodeFrames(NewG722(PayloadTypeG722), in, 320)
			if i := g722FirstDiff(got, want); i >= 0 {
				t.Fatalf("encode: %d bytes, want %d; first difference at byte %d", len(got), len(want), i)
			}
			checkG722Decode(t, want, g722ReadS16(t, filepath.Join(g722Dir, v.name+".dec.raw")))
		})
	}
	t.Run("garbage", func(t *testing.T) {
		checkG722Decode(t, g722ReadFile(t, filepath.Join(g722Dir, "garbage.g722")),
			g722ReadS16(t, filepath.Join(g722Dir, "garbage.dec.raw")))
	})
}

// checkG722Decode decodes payload in 20 ms packets with a fresh decoder
// and compares with want sample by sample.
func checkG722Decode(t *testing.T, payload []byte, want []int16) {
	t.Helper()
	got := g722DecodePackets(NewG722(PayloadTypeG722), payload, 160)
	if i := g722FirstDiff(got, want); i >= 0 {
		t.Fatalf("decode: %d samples, want %d; first difference at sample %d", len(got), len(want), i)
	}
}

func TestG722Identity(t *testing.T) {
	c, err := ByName("g722", PayloadTypeG722, Options{})
	if err != nil {
		t.Fatalf("ByName(g722): %v", err)
	}
	g, ok := c.(*G722)
	if !ok {
		t.Fatalf("ByName(g722) = %T, want *G722", c)
	}
	if g.Name() != "G722" || g.PayloadType() != 9 || g.ClockRate() != 8000 || g.SampleRate() != 16000 {
		t.Fatalf("identity: %s pt %d clock %d rate %d", g.Name(), g.PayloadType(), g.ClockRate(), g.SampleRate())
	}
	if n := g.Samples(make([]byte, 160)); n != 320 {
		t.Errorf("Samples(160 bytes) = %d, want 320", n)
	}
	if n := SamplesPer(g, 20*time.Millisecond); n != 320 {
		t.Errorf("SamplesPer(20ms) = %d, want 320", n)
	}
	if d, err := ByName("G722", 101, Options{}); err != nil || d.PayloadType() != 101 {
		t.Errorf("ByName(G722, 101) = %v, %v", d, err)
	}
	if !slices.Contains(NewRegistry().Names(), "G722") {
		t.Errorf("Names() = %v, lacks G722", NewRegistry().Names())
	}
}

// An odd last sample is dropped; splitting the input at even boundaries
// does not change the bitstream, nor does splitting the payload change
// the samples.
func TestG722Framing(t *testing.T) {
	in := g722Speech(4000, 3)
	whole := NewG722(9).Encode(nil, in)
	if len(whole) != len(in)/2 {
		t.Fatalf("Encode: %d bytes for %d samples", len(whole), len(in))
	}
	if odd := NewG722(9).Encode(nil, in[:321]); !bytes.Equal(odd, whole[:160]) {
		t.Errorf("Encode of 321 samples = %d bytes, differs from the first 320", len(odd))
	}
	for _, n := range []int{2, 30, 320, 642} {
		if got := g722EncodeFrames(NewG722(9), in, n); !bytes.Equal(got, whole) {
			t.Errorf("Encode in chunks of %d differs from one call", n)
		}
	}
	dec := NewG722(9).Decode(nil, whole)
	for _, n := range []int{1, 7, 160} {
		if got := g722DecodePackets(NewG722(9), whole, n); !slices.Equal(got, dec) {
			t.Errorf("Decode in packets of %d differs from one call", n)
		}
	}
	if got := NewG722(9).Encode([]byte{1}, in[:1]); len(got) != 1 {
		t.Errorf("Encode of one sample appended %d bytes", len(got)-1)
	}
}

func g722EncodeFrames(c *G722, pcm []int16, frame int) []byte {
	var out []byte
	for len(pcm) > 0 {
		n := min(frame, len(pcm))
		out = c.Encode(out, pcm[:n])
		pcm = pcm[n:]
	}
	return out
}

func g722DecodePackets(c *G722, payload []byte, size int) []int16 {
	var out []int16
	for len(payload) > 0 {
		n := min(size, len(payload))
		out = c.Decode(out, payload[:n])
		payload = payload[n:]
	}
	return out
}

// g722FirstDiff is the first index where a and b differ, len of the shorter
// when one is a prefix of the other, -1 when they are equal.
func g722FirstDiff[T comparable](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

func g722ReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("g722ReadFile: %v", err)
	}
	return b
}

func g722ReadS16(t *testing.T, path string) []int16 {
	t.Helper()
	b := g722ReadFile(t, path)
	if len(b)%2 != 0 {
		t.Fatalf("g722ReadS16 %s: odd length %d", path, len(b))
	}
	return g722S16Samples(b)
}

func g722S16Samples(b []byte) []int16 {
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

func g722S16Bytes(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, x := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(x))
	}
	return b
}

// writeG722Vectors regenerates testdata/g722 from this file's generators
// and FFmpeg.
func writeG722Vectors(t *testing.T) {
	if err := os.MkdirAll(g722Dir, 0o755); err != nil {
		t.Fatalf("writeG722Vectors: %v", err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(g722Dir, name), b, 0o644); err != nil {
			t.Fatalf("writeG722Vectors: %v", err)
		}
	}
	for _, v := range g722Vectors {
		in := v.gen()
		enc := ffmpegG722Encode(t, in)
		write(v.name+".raw", g722S16Bytes(in))
		write(v.name+".g722", enc)
		write(v.name+".dec.raw", g722S16Bytes(ffmpegG722Decode(t, enc)))
	}
	garbage := g722GarbageStream(5)
	write("garbage.g722", garbage)
	write("garbage.dec.raw", g722S16Bytes(ffmpegG722Decode(t, garbage)))
	if _, err := os.Stat(filepath.Join(g722Dir, "README.md")); errors.Is(err, os.ErrNotExist) {
		t.Errorf("writeG722Vectors: %s/README.md is missing", g722Dir)
	}
}
