package media

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/skoip/skoip/hw/hwtest"
	"github.com/skoip/skoip/internal/testsupport/impair"
	"github.com/skoip/skoip/media/codec"
)

// twoTones is 1 kHz and 5.5 kHz at equal level, 16 kHz.
func twoTones(n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		t := float64(i) / 16000
		s[i] = int16(5000*math.Sin(2*math.Pi*1000*t) + 5000*math.Sin(2*math.Pi*5500*t))
	}
	return s
}

// goertzelDB is the level of frequency f in x (rate Hz), dB.
func goertzelDB(x []int16, f float64, rate int) float64 {
	w := 2 * math.Pi * f / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s0 := float64(v) + c*s1 - s2
		s2, s1 = s1, s0
	}
	p := s1*s1 + s2*s2 - c*s1*s2
	return 10 * math.Log10(p/float64(len(x)*len(x))+1e-12)
}

// widePair is two 16 kHz engines with one stream each, A's device
// capturing src, B's recording what it plays; A's RTP to B goes through
// an impairment relay when there is one. Everything is closed at the end
// of the test.
type widePair struct {
	devA, devB *hwtest.Audio
	strA, strB *Stream
	relay      *impair.Pair
}

func newWidePair(t *testing.T, cfg Config, src []int16, imp *impair.Config) *widePair {
	t.Helper()
	w := &widePair{devA: newDevice(16000, 160, src), devB: newDevice(16000, 160, nil)}
	cfg.Rate = 16000
	engA, err := NewEngine(cfg, w.devA)
	must(t, err)
	engB, err := NewEngine(cfg, w.devB)
	must(t, err)
	w.strA, err = engA.NewStream(loopback)
	must(t, err)
	w.strB, err = engB.NewStream(loopback)
	must(t, err)
	if imp != nil {
		w.relay, err = impair.NewPair(*imp, netip.AddrPortFrom(loopback, uint16(w.strB.LocalPort())))
		must(t, err)
	}
	t.Cleanup(func() {
		w.devA.StopTicker()
		for _, c := range []func() error{w.strA.Close, w.strB.Close, engA.Close, engB.Close} {
			if err := c(); err != nil {
				t.Error(err)
			}
		}
		if w.relay != nil {
			must(t, w.relay.Close())
		}
	})
	return w
}

// params are p addressed for A and for B.
func (w *widePair) params(p Params) (pa, pb Params) {
	pa, pb = p, p
	pa.Remote = netip.AddrPortFrom(loopback, uint16(w.strB.LocalPort()))
	pb.Remote = netip.AddrPortFrom(loopback, uint16(w.strA.LocalPort()))
	if w.relay != nil {
		pa.Remote = netip.AddrPortFrom(loopback, uint16(w.relay.ListenPort()))
		pb.Remote = netip.AddrPortFrom(loopback, uint16(w.relay.OutPort()))
	}
	return pa, pb
}

// start starts both streams with p and runs the devices in real time.
func (w *widePair) start(t *testing.T, p Params) {
	t.Helper()
	pa, pb := w.params(p)
	must(t, w.strB.Start(pb, nil))
	must(t, w.strA.Start(pa, nil))
	hwtest.RunTicker(w.devA, w.devB)
}

// wideCall runs A -> B for d on 16 kHz devices and engines with codec p
// and returns what B played and B's stream stats.
func wideCall(t *testing.T, p Params, d time.Duration) ([]int16, Stats) {
	t.Helper()
	w := newWidePair(t, Config{}, twoTones(16000*8), nil)
	w.start(t, p)
	<-time.After(d)
	w.devA.StopTicker()
	return w.devB.Played(), w.strB.Stats()
}

func TestWidebandCodecsKeepTheUpperBand(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time media test")
	}
	cases := []struct {
		p    Params
		wide bool
	}{
		{Params{Codec: "G722", PayloadType: 9, ClockRate: 8000}, true},
		{Params{Codec: "opus", PayloadType: 111, ClockRate: 48000}, true},
		{Params{Codec: "PCMU", PayloadType: 0, ClockRate: 8000}, false},
	}
	for _, tc := range cases {
		t.Run(tc.p.Codec, func(t *testing.T) {
			if _, err := codec.ByName(tc.p.Codec, tc.p.PayloadType, codec.Options{}); err != nil {
				t.Skipf("%s is not in this build (no cgo): %v", tc.p.Codec, err)
			}
			out, st := wideCall(t, tc.p, 2*time.Second)
			if len(out) < 16000 {
				t.Fatalf("played %d samples", len(out))
			}
			tail := out[len(out)-8000:] // the last half second, well into the call
			lo, hi := goertzelDB(tail, 1000, 16000), goertzelDB(tail, 5500, 16000)
			t.Logf("%s: 1 kHz %.1f dB, 5.5 kHz %.1f dB; rx %d lost %d concealed %d delay %v",
				tc.p.Codec, lo, hi, st.RTPRx, st.Lost, st.Concealed, st.PlayoutDelay)
			if lo < -30 {
				t.Fatalf("1 kHz tone at %.1f dB: no audio", lo)
			}
			if tc.wide && hi < lo-6 {
				t.Errorf("5.5 kHz %.1f dB is %.1f dB under 1 kHz: the upper band is lost", hi, lo-hi)
			}
			if !tc.wide && hi > lo-30 {
				t.Errorf("5.5 kHz %.1f dB through narrowband %s: not band-limited", hi, tc.p.Codec)
			}
		})
	}
}

// A re-INVITE that changes the codec mid-call (PCMU to Opus, then to
// G.722): each side starts a fresh codec and playout buffer, and the upper
// band arrives once a wideband codec carries it.
func TestCodecChangeMidCall(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time media test")
	}
	w := newWidePair(t, Config{}, twoTones(16000*8), nil)
	w.start(t, Params{Codec: "PCMU", PayloadType: 0, ClockRate: 8000})
	devB, strA, strB := w.devB, w.strA, w.strB
	steps := []Params{{Codec: "G722", PayloadType: 9, ClockRate: 8000}}
	if codec.OpusAvailable {
		steps = append([]Params{{Codec: "opus", PayloadType: 111, ClockRate: 48000}}, steps...)
	}
	for _, p := range steps {
		<-time.After(time.Second)
		before := len(devB.Played())
		pa, pb := w.params(p)
		must(t, strB.Update(pb))
		must(t, strA.Update(pa))
		<-time.After(time.Second)
		out := devB.Played()
		seg := out[max(before+8000, len(out)-6000):]
		lo, hi := goertzelDB(seg, 1000, 16000), goertzelDB(seg, 5500, 16000)
		st := strB.Stats()
		t.Logf("after the change to %s: 1 kHz %.1f dB, 5.5 kHz %.1f dB, codec rate %d", p.Codec, lo, hi, st.CodecRate)
		if lo < -30 || hi < lo-6 || st.CodecRate != 16000 {
			t.Errorf("after the change to %s: 1 kHz %.1f dB, 5.5 kHz %.1f dB, codec rate %d", p.Codec, lo, hi, st.CodecRate)
		}
	}
}

// With Opus DTX, a silent microphone sends almost nothing: the encoder's
// empty frames are not sent, only its refreshes every 400 ms.
func TestOpusDTXSendsLittleInSilence(t *testing.T) {
	if testing.Short() || !codec.OpusAvailable {
		t.Skip("real-time media test; Opus needs cgo")
	}
	dev := newDevice(16000, 160, make([]int16, 16000*8)) // silence
	e, err := NewEngine(Config{Rate: 16000, Opus: codec.Options{DTX: true}}, dev)
	must(t, err)
	s, err := e.NewStream(loopback)
	must(t, err)
	sink, err := e.NewStream(loopback)
	must(t, err)
	p := Params{Codec: "opus", PayloadType: 111, ClockRate: 48000, PTime: 20 * time.Millisecond}
	p.Remote = netip.AddrPortFrom(loopback, uint16(sink.LocalPort()))
	must(t, s.Start(p, nil))
	hwtest.RunTicker(dev)
	<-time.After(2 * time.Second)
	dev.StopTicker()
	tx := s.Stats().RTPTx
	t.Logf("%d Opus packets in 2 s of silence with DTX", tx)
	if tx == 0 || tx > 20 {
		t.Errorf("%d packets sent in 2 s of silence, want a few refreshes (100 without DTX)", tx)
	}
	must(t, s.Close())
	must(t, sink.Close())
	must(t, e.Close())
}

// Opus at 5 % loss: most lost packets are rebuilt from the next packet's
// in-band FEC, which the three-packet playout delay waits for.
func TestOpusFECRecoversLoss(t *testing.T) {
	if testing.Short() || !codec.OpusAvailable {
		t.Skip("real-time media test; Opus needs cgo")
	}
	src := speechLike(8000*8, 5)
	wide, err := convertRate(src, 8000, 16000)
	must(t, err)
	w := newWidePair(t, Config{Opus: codec.Options{PacketLoss: 5}}, wide, &impair.Config{Seed: 7, Loss: 0.05})
	w.start(t, Params{Codec: "opus", PayloadType: 111, ClockRate: 48000, FMTP: "useinbandfec=1", PTime: 20 * time.Millisecond})
	<-time.After(6 * time.Second)
	w.devA.StopTicker()
	st := w.strB.Stats()
	t.Logf("rx %d lost %d concealed %d recovered by FEC %d underruns %d delay %v", st.RTPRx, st.Lost, st.Concealed,
		st.Recovered, st.Underruns, st.PlayoutDelay)
	if st.Lost < 5 || st.Recovered*2 < uint64(st.Lost) {
		t.Errorf("%d lost, %d recovered by FEC: want most of them", st.Lost, st.Recovered)
	}
}
