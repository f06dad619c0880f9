package rtpsess

import (
	"math"
	"testing"
)

func TestSourceSeqWrap(t *testing.T) {
	s := newSource(1, 65533)
	for _, seq := range []uint16{65533, 65534, 65535, 0, 1, 2} {
		if !s.update(seq) {
			t.Fatalf("seq %d dropped", seq)
		}
	}
	if got, want := s.extendedMax(), uint32(1<<16+2); got != want {
		t.Fatalf("extended max = %d, want %d", got, want)
	}
	if lost := s.cumulativeLost(); lost != 0 {
		t.Fatalf("lost = %d, want 0", lost)
	}
}

func TestSourceLossAndReorder(t *testing.T) {
	s := newSource(7, 100)
	s.update(100)
	// 101 lost, 103 arrives before 102, 102 duplicated
	for _, seq := range []uint16{103, 102, 102, 104} {
		s.update(seq)
	}
	// expected 100..104 = 5, received 5 (101 lost, 102 counted twice as
	// A.1 does) -> 0
	if lost := s.cumulativeLost(); lost != 0 {
		t.Fatalf("lost = %d, want 0", lost)
	}
	s2 := newSource(7, 0)
	s2.update(0)
	for seq := uint16(2); seq < 10; seq++ { // 1 lost of 10
		s2.update(seq)
	}
	rb := s2.report(0, 0)
	// fraction = 1/10 * 256 = 25
	if rb.FractionLost != 25 || rb.TotalLost != 1 || rb.LastSequenceNumber != 9 {
		t.Fatalf("report = %+v", rb)
	}
	// next interval with no loss reports fraction 0 but keeps cumulative
	s2.update(10)
	rb = s2.report(0, 0)
	if rb.FractionLost != 0 || rb.TotalLost != 1 {
		t.Fatalf("second report = %+v", rb)
	}
}

func TestSourceLargeJumpNeedsTwo(t *testing.T) {
	s := newSource(1, 10)
	s.update(10)
	if s.update(20000) {
		t.Fatal("first packet after a large jump accepted")
	}
	if !s.update(20001) {
		t.Fatal("second sequential packet after jump rejected")
	}
	if s.extendedMax() != 20001 || s.baseSeq != 20001 {
		t.Fatalf("not restarted: max %d base %d", s.extendedMax(), s.baseSeq)
	}
}

// TestJitterA8 checks the estimator against values computed by hand with
// J += (|D| - J)/16.
func TestJitterA8(t *testing.T) {
	s := newSource(1, 0)
	// packets every 160 units; arrivals deviate by 0, +80, -40, +160, 0
	ts := []uint32{0, 160, 320, 480, 640}
	arr := []int64{1000, 1240, 1320, 1640, 1640}
	// transits: 1000, 1080, 1000, 1160, 1000 -> |D|: 80, 80, 160, 160
	// J1 = 80/16 = 5
	// J2 = 5 + (80-5)/16 = 9.6875
	// J3 = 9.6875 + (160-9.6875)/16 = 19.08203125
	// J4 = 19.08203125 + (160-19.08203125)/16 = 27.889404296875
	want := []float64{0, 5, 9.6875, 19.08203125, 27.889404296875}
	for i := range ts {
		s.updateJitter(arr[i], ts[i])
		if math.Abs(s.jitter-want[i]) > 1e-9 {
			t.Fatalf("after packet %d jitter = %v, want %v", i, s.jitter, want[i])
		}
	}
	if rb := s.report(0, 0); rb.Jitter != 27 {
		t.Fatalf("report jitter = %d, want 27", rb.Jitter)
	}
}

// A key press (RFC 4733: packets every 20 ms, all with the timestamp of
// the press's start) between steady audio leaves the jitter at 0.
func TestJitterIgnoresRepeatedTimestamps(t *testing.T) {
	s := newSource(1, 0)
	at := int64(1000)
	ts := uint32(0)
	for range 10 { // audio
		s.updateJitter(at, ts)
		at, ts = at+160, ts+160
	}
	start := ts
	for range 10 { // one press of 200 ms, then its end sent three times
		s.updateJitter(at, start)
		at, ts = at+160, ts+160
	}
	for range 10 { // audio again
		s.updateJitter(at, ts)
		at, ts = at+160, ts+160
	}
	if s.jitter != 0 {
		t.Fatalf("jitter after a key press = %v RTP units, want 0", s.jitter)
	}
}

func TestJitterTimestampWrap(t *testing.T) {
	s := newSource(1, 0)
	s.updateJitter(1000, math.MaxUint32-79) // wraps 160 later to 80
	s.updateJitter(1160, 80)
	if s.jitter != 0 {
		t.Fatalf("jitter across ts wrap = %v, want 0", s.jitter)
	}
}

func TestClampLostSigned(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want int64
	}{{5, 5}, {-1, -1}, {1 << 30, 0x7fffff}, {-(1 << 30), -0x800000}} {
		if got := signed24(clampLost(c.in)); got != c.want {
			t.Errorf("clamp(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}
