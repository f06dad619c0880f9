package jitter

import (
	"testing"
	"time"
)

func TestInOrderSteady(t *testing.T) {
	r := run(t, Config{}, schedule{frames: 500, frame: 160, period: 80, tsBase: 1234, delay: constDelay(5 * time.Millisecond)})
	if n := breaks(r.out, 500, 160); n != 0 {
		t.Fatalf("%d discontinuities", n)
	}
	if r.stats.Concealed != 0 || r.stats.Underruns != 0 || r.stats.Late != 0 {
		t.Fatalf("stats %+v", r.stats)
	}
	// level before a 10 ms pull alternates 20/10 ms (+ start offset)
	if d := r.delays[5]; d < 10*time.Millisecond || d > 35*time.Millisecond {
		t.Fatalf("delay %v", d)
	}
}

func TestReorderAndDuplicates(t *testing.T) {
	delay := func(k int) (time.Duration, bool) {
		if k%10 == 3 { // every tenth packet overtaken by its successor
			return 35 * time.Millisecond, true
		}
		return 5 * time.Millisecond, true
	}
	r := run(t, Config{Min: 60 * time.Millisecond}, schedule{frames: 300, frame: 160, period: 160,
		delay: delay, dup: func(k int) bool { return k%7 == 0 }})
	if n := breaks(r.out, 300, 160); n != 0 {
		t.Fatalf("%d discontinuities", n)
	}
	if r.stats.Discarded != 43 || r.stats.Concealed != 0 || r.stats.Late != 0 {
		t.Fatalf("stats %+v (want 43 duplicates discarded)", r.stats)
	}
}

func TestLossConcealedWithFade(t *testing.T) {
	delay := func(k int) (time.Duration, bool) { return 5 * time.Millisecond, k != 100 }
	r := run(t, Config{}, schedule{frames: 300, frame: 160, period: 160, delay: delay})
	if r.stats.Concealed != 1 {
		t.Fatalf("concealed %d frames, want 1 (%+v)", r.stats.Concealed, r.stats)
	}
	// the hole is the first discontinuity of the ramp
	at, prev := -1, int16(0)
	for i, v := range r.out {
		if d := int(v) - int(prev); prev != 0 && (d < 0 || d > 2) {
			at = i
			break
		}
		prev = v
	}
	if at < 160 || at+170 > len(r.out) {
		t.Fatalf("no hole found (at %d)", at)
	}
	// concealment repeats the last frame played with a fade: full level at
	// its start, half at its end, then packet 101 continues
	if v := r.out[at]; v < ramp(99*160) || v > ramp(100*160-1) {
		t.Fatalf("concealment starts with %d, want a sample of packet 99", v)
	}
	if v := int(r.out[at+159]); v < int(ramp(99*160))*161/320-2 || v > int(ramp(100*160-1))*161/320+2 {
		t.Fatalf("concealment ends with %d, want about half of packet 99", v)
	}
	if d := int(r.out[at+160]) - int(ramp(101*160)); d < -3 || d > 3 {
		t.Fatalf("after the hole %d, want packet 101 (%d)", r.out[at+160], ramp(101*160))
	}
}

func TestLatePacketDropped(t *testing.T) {
	delay := func(k int) (time.Duration, bool) {
		if k == 50 {
			return 400 * time.Millisecond, true
		}
		return 5 * time.Millisecond, true
	}
	r := run(t, Config{}, schedule{frames: 200, frame: 160, period: 160, delay: delay})
	if r.stats.Late != 1 {
		t.Fatalf("late %d, want 1 (%+v)", r.stats.Late, r.stats)
	}
}

func TestTimestampWrap(t *testing.T) {
	r := run(t, Config{}, schedule{frames: 200, frame: 160, period: 80, tsBase: 0xffffffff - 160*50,
		delay: constDelay(3 * time.Millisecond)})
	if n := breaks(r.out, 200, 160); n != 0 || r.stats.Concealed != 0 {
		t.Fatalf("%d discontinuities, stats %+v", n, r.stats)
	}
}

func TestUnderrunGrowsDelay(t *testing.T) {
	// from packet 100 on, every packet is 45 ms later than before
	delay := func(k int) (time.Duration, bool) {
		if k >= 100 {
			return 50 * time.Millisecond, true
		}
		return 5 * time.Millisecond, true
	}
	r := run(t, Config{}, schedule{frames: 400, frame: 160, period: 80, delay: delay})
	if r.stats.Underruns != 1 || r.stats.Late != 0 {
		t.Fatalf("stats %+v, want exactly one underrun and nothing late", r.stats)
	}
	if n := breaks(r.out, 400, 160); n != 0 {
		t.Fatalf("%d discontinuities: the late packet should have been waited for", n)
	}
}

func TestSilenceGapRestarts(t *testing.T) {
	// packets 100..199 never sent (sender silent 2 s), timestamps continue
	delay := func(k int) (time.Duration, bool) { return 5 * time.Millisecond, k < 100 || k >= 200 }
	r := run(t, Config{}, schedule{frames: 300, frame: 160, period: 80, delay: delay})
	if r.stats.Late != 0 || r.delays[len(r.delays)-2] > 40*time.Millisecond {
		t.Fatalf("after silence: delay %v stats %+v", r.delays, r.stats)
	}
	// concealment stops after the fade: far fewer than 100 frames concealed
	if r.stats.Concealed > 15 {
		t.Fatalf("concealed %d frames across a silence", r.stats.Concealed)
	}
}

func TestMaxCap(t *testing.T) {
	// the first 30 packets are held back and arrive in one burst
	delay := func(k int) (time.Duration, bool) {
		if k < 30 {
			return time.Duration(600-20*k) * time.Millisecond, true
		}
		return 5 * time.Millisecond, true
	}
	r := run(t, Config{}, schedule{frames: 300, frame: 160, period: 160, delay: delay})
	for i, d := range r.delays {
		if d > 220*time.Millisecond {
			t.Fatalf("delay %v above max at %ds", d, i+1)
		}
	}
	if r.stats.Discarded == 0 {
		t.Fatalf("nothing trimmed: %+v", r.stats)
	}
}

func TestVarispeed(t *testing.T) {
	in := []int16{0, 100, 200, 300, 400}
	out := make([]int16, 3)
	varispeed(in, out)
	if out[0] != 0 || out[1] != 200 || out[2] != 400 {
		t.Fatalf("shorten: %v", out)
	}
	out = make([]int16, 9)
	varispeed(in, out)
	if out[1] != 50 || out[8] != 400 {
		t.Fatalf("stretch: %v", out)
	}
}

func TestReadCountsAudio(t *testing.T) {
	b := New(Config{Decode: decodeL16})
	t0 := time.Unix(1700000000, 0)
	buf := make([]int16, 40)
	if n := b.Read(buf, t0); n != 0 {
		t.Fatalf("empty buffer gave %d audio samples", n)
	}
	pkt := make([]byte, 320)
	for i := range 160 {
		pkt[2*i+1] = 1
	}
	b.Put(1000, pkt, t0)
	for k := range 4 { // the packet's 160 samples, in 40-sample pulls
		if n := b.Read(buf, t0.Add(time.Duration(k)*5*time.Millisecond)); n != 40 {
			t.Fatalf("pull %d: %d audio samples, want 40", k, n)
		}
	}
	if n := b.Read(buf, t0.Add(20*time.Millisecond)); n != 0 {
		t.Fatalf("after the packet: %d audio samples, want 0 (concealed)", n)
	}
}
