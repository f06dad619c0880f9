package jitter

import (
	"encoding/binary"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// decodeL16 is the test codec: big-endian int16 samples.
func decodeL16(dst []int16, p []byte) []int16 {
	for i := 0; i+1 < len(p); i += 2 {
		dst = append(dst, int16(binary.BigEndian.Uint16(p[i:])))
	}
	return dst
}

// ramp is the test signal: sample n has value n mod 30000 + 1, so order and
// continuity can be checked sample by sample.
func ramp(n int64) int16 { return int16(n%30000 + 1) }

// schedule describes a synthetic call: packet k is sent at k*frame (sender
// clock), arrives after delay(k) (or is lost), the device pulls period
// samples every period of its own clock, which runs at (1+drift) speed.
type schedule struct {
	frames   int     // packets sent
	frame    int     // samples per packet
	period   int     // samples per pull
	chunk    int     // if set, each pull is made of period/chunk reads at one instant
	tsBase   uint32  // first RTP timestamp
	drift    float64 // device clock rate error (+ = device fast)
	delay    func(k int) (time.Duration, bool)
	dup      func(k int) bool
	duration time.Duration // how long to pull (default: frames*frame + 1s)
	// pullLate, if set, delays pull i (a device callback that runs late on
	// a busy machine; later pulls keep their own times).
	pullLate func(i int) time.Duration
}

type event struct {
	at   time.Duration
	pkt  int // -1 = pull
	dup  bool
	pull int
}

// simResult is what the simulated device played and saw.
type simResult struct {
	out    []int16
	delays []time.Duration // Stats().Delay after each second
	stats  Stats
}

func run(t testing.TB, cfg Config, s schedule) simResult {
	t.Helper()
	cfg.Decode = decodeL16
	b := New(cfg)
	var evs []event
	pkt := make([]byte, 2*s.frame)
	for k := range s.frames {
		d, ok := s.delay(k)
		if !ok {
			continue
		}
		at := time.Duration(k*s.frame) * time.Second / 8000
		evs = append(evs, event{at: at + d, pkt: k})
		if s.dup != nil && s.dup(k) {
			evs = append(evs, event{at: at + d + time.Millisecond, pkt: k, dup: true})
		}
	}
	total := s.duration
	if total == 0 {
		total = time.Duration(s.frames*s.frame)*time.Second/8000 + time.Second
	}
	periodDur := time.Duration(float64(time.Duration(s.period)*time.Second/8000) / (1 + s.drift))
	for i := 0; time.Duration(i)*periodDur < total; i++ {
		late := time.Duration(0)
		if s.pullLate != nil {
			late = s.pullLate(i)
		}
		evs = append(evs, event{at: time.Duration(i)*periodDur + 100*time.Microsecond + late, pkt: -1, pull: i})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at < evs[j].at })
	var r simResult
	t0 := time.Unix(1700000000, 0)
	buf := make([]int16, s.period)
	nextStats := time.Second
	for _, e := range evs {
		if e.pkt < 0 {
			pull(b, buf, s.chunk, t0.Add(e.at))
			r.out = append(r.out, buf...)
			if e.at >= nextStats {
				r.delays = append(r.delays, b.Stats().Delay)
				nextStats += time.Second
			}
			continue
		}
		for i := range s.frame {
			binary.BigEndian.PutUint16(pkt[2*i:], uint16(ramp(int64(e.pkt*s.frame+i))))
		}
		b.Put(s.tsBase+uint32(e.pkt*s.frame), pkt, t0.Add(e.at))
	}
	r.stats = b.Stats()
	return r
}

// pull reads buf from b at now, in chunks of chunk samples if chunk > 0
// (as the engine reads one device period in 5 ms pieces).
func pull(b *Buffer, buf []int16, chunk int, now time.Time) {
	if chunk <= 0 {
		b.Read(buf, now)
		return
	}
	for i := 0; i < len(buf); i += chunk {
		b.Read(buf[i:min(i+chunk, len(buf))], now)
	}
}

// breaks counts samples that are not the successor of the one before (after
// the first non-zero sample, until the last sample sent), skipping zeros.
func breaks(out []int16, frames, frame int) int {
	n, prev, last := 0, int16(0), ramp(int64(frames*frame-1))
	for _, v := range out {
		if prev == last {
			break
		}
		if v == 0 {
			continue
		}
		// varispeed changes the slope by 1/32 at most: a step of 0..2
		if d := int(v) - int(prev); prev != 0 && (d < 0 || d > 2) && !(prev >= 29998 && v <= 2) {
			n++
		}
		prev = v
	}
	return n
}

func constDelay(d time.Duration) func(int) (time.Duration, bool) {
	return func(int) (time.Duration, bool) { return d, true }
}

func uniformJitter(seed uint64, base, spread time.Duration, loss float64) func(int) (time.Duration, bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	return func(int) (time.Duration, bool) {
		d := base + time.Duration(rng.Int64N(int64(spread)+1))
		return d, rng.Float64() >= loss
	}
}
