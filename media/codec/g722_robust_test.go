package codec

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkG722Band reports the first state variable of b outside the limits
// that G.722 saturates it to. sz may leave 16 bits on streams that repeat
// one code for long (see g722Band), so its bound is the structural one
// unless strict asks for 16 bits.
func checkG722Band(b *g722Band, kind g722BandKind, strict bool) error {
	in16 := func(x int32) bool { return x >= -32768 && x <= 32767 }
	logMax, detMin := int32(g722LowLogMax), int32(8)
	if kind == g722HighBand {
		logMax, detMin = g722HighLogMax, 2
	}
	szMax := int32(6 * 32768)
	if strict {
		szMax = 32767
	}
	switch {
	case b.logDet < 0 || b.logDet > logMax:
		return fmt.Errorf("log scale factor %d outside [0, %d]", b.logDet, logMax)
	case b.det < detMin || b.det > 8016:
		return fmt.Errorf("scale factor %d outside [%d, 8016]", b.det, detMin)
	case b.a[1] < -12288 || b.a[1] > 12288:
		return fmt.Errorf("a2 %d outside ±12288", b.a[1])
	case b.a[0] < -(15360-b.a[1]) || b.a[0] > 15360-b.a[1]:
		return fmt.Errorf("a1 %d outside ±(15360 - a2 %d)", b.a[0], b.a[1])
	case !in16(b.s) || !in16(b.r1):
		return fmt.Errorf("estimate %d or reconstruction %d outside 16 bits", b.s, b.r1)
	case b.sz < -szMax || b.sz > szMax:
		return fmt.Errorf("zero section %d outside ±%d", b.sz, szMax)
	}
	for i := range b.b {
		if !in16(b.b[i]) || !in16(b.dq[i]) {
			return fmt.Errorf("b%d %d or d%d %d outside 16 bits", i+1, b.b[i], i+1, b.dq[i])
		}
	}
	return nil
}

func checkG722(c *G722, strict bool) error {
	for _, b := range []struct {
		name string
		band *g722Band
		kind g722BandKind
	}{
		{"encoder low", &c.enc.low, g722LowBand}, {"encoder high", &c.enc.high, g722HighBand},
		{"decoder low", &c.dec.low, g722LowBand}, {"decoder high", &c.dec.high, g722HighBand},
	} {
		if err := checkG722Band(b.band, b.kind, strict); err != nil {
			return fmt.Errorf("%s band: %w", b.name, err)
		}
	}
	return nil
}

// Ten minutes of full-scale white noise through the encoder, and its
// bitstream through the decoder, keep every state variable within the
// ITU limits, the zero section included; checked after every 20 ms. The
// race detector slows this one-goroutine loop twentyfold and has nothing
// to find in it, so under -race it runs 30 seconds.
func TestG722StateLimits(t *testing.T) {
	frames := 10 * 60 * 50
	if g722RaceDetector {
		frames = 30 * 50
	}
	r := rand.New(rand.NewPCG(10, 60))
	enc, dec := NewG722(9), NewG722(9)
	pcm := make([]int16, 320)
	payload := make([]byte, 0, 160)
	out := make([]int16, 0, 320)
	for f := range frames {
		for i := 0; i < len(pcm); i += 4 {
			u := r.Uint64()
			pcm[i], pcm[i+1], pcm[i+2], pcm[i+3] = int16(u), int16(u>>16), int16(u>>32), int16(u>>48)
		}
		payload = enc.Encode(payload[:0], pcm)
		out = dec.Decode(out[:0], payload)
		if err := checkG722(enc, true); err != nil {
			t.Fatalf("frame %d: %v", f, err)
		}
		if err := checkG722(dec, true); err != nil {
			t.Fatalf("frame %d: %v", f, err)
		}
	}
}

func TestG722NoAllocs(t *testing.T) {
	c := NewG722(9)
	pcm := g722Speech(320, 1)
	payload := make([]byte, 1, 161)
	out := make([]int16, 1, 321)
	if a := testing.AllocsPerRun(100, func() { payload = c.Encode(payload[:1], pcm) }); a != 0 {
		t.Errorf("Encode: %v allocations per frame", a)
	}
	if a := testing.AllocsPerRun(100, func() { out = c.Decode(out[:1], payload[1:]) }); a != 0 {
		t.Errorf("Decode: %v allocations per frame", a)
	}
	if len(payload) != 161 || len(out) != 321 {
		t.Errorf("appended %d bytes and %d samples, want 160 and 320", len(payload)-1, len(out)-1)
	}
}

func FuzzG722Decode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 3, 0x3C, 0x3D, 0x3E, 0x3F, 0xFF})
	f.Add(g722GarbageStream(1))
	f.Fuzz(func(t *testing.T, payload []byte) {
		c := NewG722(9)
		out := c.Decode(nil, payload)
		if len(out) != 2*len(payload) || c.Samples(payload) != len(out) {
			t.Fatalf("Decode of %d bytes gave %d samples, Samples says %d", len(payload), len(out), c.Samples(payload))
		}
		h := len(payload) / 2
		d := NewG722(9)
		if split := d.Decode(d.Decode(nil, payload[:h]), payload[h:]); !slices.Equal(split, out) {
			t.Fatal("Decode in two calls differs from one")
		}
		if err := checkG722(c, false); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzG722RoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add(g722S16Bytes(g722Square(64, 1000)))
	f.Add(g722S16Bytes(g722Speech(400, 2)))
	f.Fuzz(func(t *testing.T, data []byte) {
		pcm := g722S16Samples(data) // a trailing odd byte is ignored
		c := NewG722(9)
		payload := c.Encode(nil, pcm)
		if len(payload) != len(pcm)/2 {
			t.Fatalf("Encode of %d samples gave %d bytes", len(pcm), len(payload))
		}
		if out := c.Decode(nil, payload); len(out) != len(pcm)&^1 {
			t.Fatalf("Decode of %d bytes gave %d samples", len(payload), len(out))
		}
		if err := checkG722(c, false); err != nil {
			t.Fatal(err)
		}
	})
}

// Each op is one 20 ms frame (320 samples, 160 bytes).
func BenchmarkG722Encode(b *testing.B) {
	c := NewG722(9)
	pcm := g722Speech(320, 1)
	payload := make([]byte, 0, 160)
	b.ReportAllocs()
	for b.Loop() {
		payload = c.Encode(payload[:0], pcm)
	}
}

func BenchmarkG722Decode(b *testing.B) {
	c := NewG722(9)
	payload := c.Encode(nil, g722Speech(320, 1))
	out := make([]int16, 0, 320)
	b.ReportAllocs()
	for b.Loop() {
		out = c.Decode(out[:0], payload)
	}
}
