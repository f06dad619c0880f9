package jitter

import (
	"encoding/binary"
	"slices"
	"strconv"
	"testing"
	"time"
)

// statefulCodec is a test codec like G.722 or Opus: payload = 2-byte
// sequence number + FEC flag byte; each packet decodes to frame samples of
// value seq+1. It records the order of decoder calls, which a stateful
// codec needs to be stream order.
type statefulCodec struct {
	frame int
	calls []string // "d<seq>", "c<n>" (conceal), "f<seq>:<n>" (FEC)
}

const (
	concealValue = -1
	fecValue     = -2
)

func (c *statefulCodec) samples(p []byte) int {
	if len(p) != 3 {
		return 0
	}
	return c.frame
}

func (c *statefulCodec) decode(dst []int16, p []byte) []int16 {
	seq := binary.BigEndian.Uint16(p)
	c.calls = append(c.calls, "d"+itoa(int(seq)))
	for range c.frame {
		dst = append(dst, int16(seq)+1)
	}
	return dst
}

func (c *statefulCodec) conceal(dst []int16, n int) []int16 {
	c.calls = append(c.calls, "c"+itoa(n))
	for range n {
		dst = append(dst, concealValue)
	}
	return dst
}

func (c *statefulCodec) fec(dst []int16, p []byte, n int) ([]int16, bool) {
	if p[2] == 0 {
		return dst, false
	}
	c.calls = append(c.calls, "f"+itoa(int(binary.BigEndian.Uint16(p)))+":"+itoa(n))
	for range n {
		dst = append(dst, fecValue)
	}
	return dst, true
}

func itoa(n int) string { return strconv.Itoa(n) }

// playDeferred sends packets 0..count-1 (skipping lost, swapping each pair
// in swapped) one per 20 ms and reads 20 ms after each in 5 ms pieces; it
// returns what was played.
func playDeferred(t *testing.T, c *statefulCodec, cfg Config, tsStep uint32, count int, lost, swapped map[int]bool) ([]int16, *Buffer) {
	t.Helper()
	cfg.Decode, cfg.Samples, cfg.Conceal, cfg.DecodeFEC = c.decode, c.samples, c.conceal, c.fec
	b := New(cfg)
	t0 := time.Unix(1000, 0)
	order := make([]int, 0, count)
	for i := range count {
		order = append(order, i)
	}
	for i := range order {
		if swapped[i] && i+1 < len(order) {
			order[i], order[i+1] = order[i+1], order[i]
		}
	}
	var out []int16
	chunk := make([]int16, c.frame/4)
	for k, i := range order {
		if !lost[i] {
			b.Put(0x1000+uint32(i)*tsStep, []byte{byte(i >> 8), byte(i), 1}, t0.Add(time.Duration(k)*20*time.Millisecond))
		}
		now := t0.Add(time.Duration(k)*20*time.Millisecond + time.Millisecond)
		for range 4 {
			b.Read(chunk, now)
			out = append(out, chunk...)
		}
	}
	return out, b
}

func TestDeferredDecodeInStreamOrder(t *testing.T) {
	c := &statefulCodec{frame: 320}
	// G.722: 8000 Hz RTP clock, 16 kHz audio.
	out, _ := playDeferred(t, c, Config{ClockRate: 16000, TSNum: 2, TSDen: 1, Min: 40 * time.Millisecond}, 160, 50, nil, map[int]bool{5: true, 20: true})
	var decoded []string
	for _, call := range c.calls {
		if call[0] == 'd' {
			decoded = append(decoded, call)
		}
	}
	want := make([]string, 0, 50)
	for i := range 50 {
		want = append(want, "d"+itoa(i))
	}
	// Playout stops before the last packets are played; every decode is in order.
	if len(decoded) < 45 || !slices.Equal(decoded, want[:len(decoded)]) {
		t.Fatalf("decoder calls %v, want stream order", decoded)
	}
	// The played values step through 1, 2, 3... without a gap.
	prev := int16(0)
	for _, v := range out {
		if v == 0 {
			continue
		}
		if v != prev && v != prev+1 {
			t.Fatalf("played %d after %d", v, prev)
		}
		prev = v
	}
}

func TestDeferredFECFillsTheGap(t *testing.T) {
	c := &statefulCodec{frame: 960 / 3}
	// Opus: 48000 Hz RTP clock, decoded at 16 kHz; two packets of delay,
	// so that the one after a loss is there when the loss is played.
	cfg := Config{ClockRate: 16000, TSNum: 1, TSDen: 3, Min: 40 * time.Millisecond}
	out, b := playDeferred(t, c, cfg, 960, 40, map[int]bool{12: true}, nil)
	if !slices.Contains(c.calls, "f13:320") {
		t.Fatalf("no FEC decode of packet 13 for 320 samples: %v", c.calls)
	}
	i := slices.Index(c.calls, "f13:320")
	if c.calls[i-1] != "d11" || c.calls[i+1] != "d13" {
		t.Fatalf("FEC out of stream order: %v", c.calls[i-1:i+2])
	}
	if n := count(out, fecValue); n != 320 {
		t.Fatalf("%d FEC samples played, want 320", n)
	}
	if n := count(out, concealValue); n != 0 {
		t.Fatalf("%d concealed samples played, want 0", n)
	}
	if st := b.Stats(); st.Concealed != 1 || st.Recovered != 1 {
		t.Fatalf("Concealed = %d, Recovered = %d, want 1 and 1", st.Concealed, st.Recovered)
	}
}

func TestDeferredConcealWithoutFEC(t *testing.T) {
	c := &statefulCodec{frame: 320}
	cfg := Config{ClockRate: 16000, TSNum: 2, TSDen: 1}
	cfg.Decode, cfg.Samples, cfg.Conceal = c.decode, c.samples, c.conceal
	b := New(cfg)
	t0 := time.Unix(1000, 0)
	chunk := make([]int16, 80)
	var out []int16
	for i := range 30 {
		if i != 10 && i != 11 {
			b.Put(uint32(i)*160, []byte{0, byte(i), 1}, t0.Add(time.Duration(i)*20*time.Millisecond))
		}
		for range 4 {
			b.Read(chunk, t0.Add(time.Duration(i)*20*time.Millisecond+time.Millisecond))
			out = append(out, chunk...)
		}
	}
	if n := count(out, concealValue); n < 640 {
		t.Fatalf("%d concealed samples, want the 640 of two lost packets", n)
	}
	if slices.ContainsFunc(c.calls, func(s string) bool { return s[0] == 'f' }) {
		t.Fatalf("FEC used without DecodeFEC: %v", c.calls)
	}
}

func TestDeferredDropsMalformed(t *testing.T) {
	c := &statefulCodec{frame: 320}
	b := New(Config{ClockRate: 16000, Decode: c.decode, Samples: c.samples})
	t0 := time.Unix(1000, 0)
	b.Put(0, []byte{1, 2}, t0)         // Samples 0
	b.Put(160, make([]byte, 1600), t0) // Samples 0 and over MaxPayload
	b.Put(320, []byte{0, 1, 0}, t0)    // fine
	if st := b.Stats(); st.Discarded != 2 {
		t.Fatalf("Discarded = %d, want 2", st.Discarded)
	}
	if len(c.calls) != 0 {
		t.Fatalf("decoded on arrival: %v", c.calls)
	}
}

func count(x []int16, v int16) int {
	n := 0
	for _, s := range x {
		if s == v {
			n++
		}
	}
	return n
}

func TestCloseStopsDecoding(t *testing.T) {
	c := &statefulCodec{frame: 320}
	b := New(Config{ClockRate: 16000, Decode: c.decode, Samples: c.samples, Conceal: c.conceal})
	t0 := time.Unix(1000, 0)
	b.Put(0, []byte{0, 0, 0}, t0)
	b.Close()
	b.Put(160, []byte{0, 1, 0}, t0)
	out := []int16{5, 5, 5}
	if n := b.Read(out, t0.Add(time.Second)); n != 0 || !slices.Equal(out, []int16{0, 0, 0}) {
		t.Fatalf("Read after Close = %d %v", n, out)
	}
	if len(c.calls) != 0 {
		t.Fatalf("codec called after Close: %v", c.calls)
	}
}
