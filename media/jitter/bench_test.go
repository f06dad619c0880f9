package jitter

import (
	"testing"
	"time"
)

// BenchmarkPutRead is the per-frame receive path: one 20 ms packet in, two
// 10 ms pulls out. It must not allocate.
func BenchmarkPutRead(b *testing.B) {
	buf := New(Config{Decode: decodeL16})
	pkt := make([]byte, 320)
	out := make([]int16, 80)
	t0 := time.Unix(1700000000, 0)
	b.ReportAllocs()
	for i := range b.N {
		at := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		buf.Put(uint32(i*160), pkt, at)
		buf.Read(out, at.Add(time.Millisecond))
		buf.Read(out, at.Add(11*time.Millisecond))
	}
}
