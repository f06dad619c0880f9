package media

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/skoip/skoip/hw/hwtest"
)

// link is two engines on fake devices stepped in lockstep, without real
// time: a step of A, then, once every packet A sent has reached B's stream,
// a step of B, and the same for B's packets before A's next step. What
// comes out is therefore the same on every run.
type link struct {
	t          *testing.T
	devA, devB *hwtest.Audio
	engA, engB *Engine
	strA, strB *Stream
	rxA, rxB   chan struct{}
	atB        []wirePkt // what B received, in order
}

// wirePkt is what a test checks of a received packet.
type wirePkt struct {
	pt      uint8
	marker  bool
	ts      uint32
	payload []byte
}

// linkParams is the call both sides use: PCMU, 20 ms, telephone-event 101.
func linkParams() Params {
	return Params{PayloadType: 0, Codec: "PCMU", ClockRate: 8000, DTMFType: 101, PTime: 20 * time.Millisecond}
}

// newLink builds A (capturing micA) and B (capturing micB) at 8 kHz with a
// 10 ms period; p is the call's parameters for both.
func newLink(t *testing.T, cfgA, cfgB Config, micA, micB []int16, p Params) *link {
	return newLinkAt(t, 8000, cfgA, cfgB, micA, micB, p)
}

func newLinkAt(t *testing.T, rate int, cfgA, cfgB Config, micA, micB []int16, p Params) *link {
	t.Helper()
	l := &link{t: t, rxA: make(chan struct{}, 64), rxB: make(chan struct{}, 64)}
	l.devA = newDevice(rate, rate/100, micA)
	l.devB = newDevice(rate, rate/100, micB)
	var err error
	l.engA, err = NewEngine(cfgA, l.devA)
	must(t, err)
	t.Cleanup(func() { _ = l.engA.Close() })
	l.engB, err = NewEngine(cfgB, l.devB)
	must(t, err)
	t.Cleanup(func() { _ = l.engB.Close() })
	l.strA, err = l.engA.NewStream(loopback)
	must(t, err)
	t.Cleanup(func() { _ = l.strA.Close() })
	l.strB, err = l.engB.NewStream(loopback)
	must(t, err)
	t.Cleanup(func() { _ = l.strB.Close() })
	l.strA.rxHook = func(*rtp.Packet) { l.rxA <- struct{}{} }
	l.strB.rxHook = func(p *rtp.Packet) {
		l.atB = append(l.atB, wirePkt{p.PayloadType, p.Marker, p.Timestamp, append([]byte(nil), p.Payload...)})
		l.rxB <- struct{}{}
	}
	pa, pb := p, p
	pa.Remote = addrOf(l.strB)
	pb.Remote = addrOf(l.strA)
	must(t, l.strA.Start(pa, nil))
	must(t, l.strB.Start(pb, nil))
	return l
}

func addrOf(s *Stream) netip.AddrPort { return netip.AddrPortFrom(loopback, uint16(s.LocalPort())) }

// step runs n periods on both sides.
func (l *link) step(n int) {
	l.t.Helper()
	for range n {
		sent := l.strA.sess.Stats().RTPTx
		l.devA.Step()
		l.await(l.strB, l.rxB, l.strA.sess.Stats().RTPTx-sent)
		sent = l.strB.sess.Stats().RTPTx
		l.devB.Step()
		l.await(l.strA, l.rxA, l.strB.sess.Stats().RTPTx-sent)
	}
}

// await polls s (as its device's next period would) until n packets have
// been handled by it.
func (l *link) await(s *Stream, rx chan struct{}, n uint64) {
	l.t.Helper()
	end := time.Now().Add(5 * time.Second)
	for got := uint64(0); got < n; {
		s.poll()
		select {
		case <-rx:
			got++
			continue
		default:
		}
		if time.Now().After(end) {
			l.t.Fatal("a packet sent over loopback did not arrive in 5 s")
		}
		time.Sleep(100 * time.Microsecond) // for loopback delivery
	}
}

// tone returns n samples of a sine at f Hz with peak amp, at 8 kHz.
func tone(f, amp float64, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*f*float64(i)/8000)))
	}
	return s
}

// toneAmp estimates the peak amplitude of the f Hz component of x (8 kHz)
// by correlation with a complex exponential.
func toneAmp(x []int16, f float64) float64 {
	var re, im float64
	for i, v := range x {
		w := 2 * math.Pi * f * float64(i) / 8000
		re += float64(v) * math.Cos(w)
		im += float64(v) * math.Sin(w)
	}
	return 2 * math.Hypot(re, im) / float64(len(x))
}

// blocks splits x into 10 ms blocks at 8 kHz and maps each through fn.
func blocks(x []int16, fn func([]int16) float64) []float64 {
	var out []float64
	for i := 0; i+80 <= len(x); i += 80 {
		out = append(out, fn(x[i:i+80]))
	}
	return out
}

func mean(x []int16) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s / float64(len(x))
}
