package media

import (
	"net/netip"
	"testing"
	"time"

	"github.com/skoip/skoip/hw/hwtest"
	"github.com/skoip/skoip/internal/testsupport/impair"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var loopback = netip.MustParseAddr("127.0.0.1")

// call is two engines with fake devices talking through an impairment relay.
type call struct {
	src        []int16
	devA, devB *hwtest.Audio
	engA, engB *Engine
	strA, strB *Stream
	relay      *impair.Pair
	eventsB    chan Event
}

const period = 80 // 10 ms at 8 kHz

func newCall(t *testing.T, imp impair.Config, cfg Config) *call {
	t.Helper()
	c := &call{src: speechLike(8000*8, 1), eventsB: make(chan Event, 16)} // longer than a test runs
	c.devA = newDevice(8000, period, c.src)
	c.devB = newDevice(8000, period, nil)
	var err error
	c.engA, err = NewEngine(cfg, c.devA)
	must(t, err)
	c.engB, err = NewEngine(cfg, c.devB)
	must(t, err)
	c.strA, err = c.engA.NewStream(loopback)
	must(t, err)
	c.strB, err = c.engB.NewStream(loopback)
	must(t, err)
	c.relay, err = impair.NewPair(imp, netip.AddrPortFrom(loopback, uint16(c.strB.LocalPort())))
	must(t, err)
	p := Params{PayloadType: 0, Codec: "PCMU", ClockRate: 8000, DTMFType: 101, PTime: 20 * time.Millisecond}
	pa, pb := p, p
	pa.Remote = netip.AddrPortFrom(loopback, uint16(c.relay.ListenPort()))
	pb.Remote = netip.AddrPortFrom(loopback, uint16(c.relay.OutPort()))
	must(t, c.strB.Start(pb, func(e Event) { c.eventsB <- e }))
	must(t, c.strA.Start(pa, nil))
	t.Cleanup(c.close)
	return c
}

func (c *call) close() {
	c.devA.StopTicker()
	_ = c.strA.Close()
	_ = c.strB.Close()
	_ = c.engA.Close()
	_ = c.engB.Close()
	_ = c.relay.Close()
}

// runFor drives both devices in real time for d.
func (c *call) runFor(d time.Duration) {
	hwtest.RunTicker(c.devA, c.devB)
	<-time.After(d)
	c.devA.StopTicker()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEndToEndQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time media test")
	}
	cases := []struct {
		name    string
		imp     impair.Config
		minGood float64
		maxLag  time.Duration
	}{
		// Thresholds leave room for a shared, loaded CI machine (the devices
		// tick in real time); broken audio scores near 0 on every case.
		{"clean", impair.Config{Seed: 1}, 0.70, 45 * time.Millisecond},
		{"loss5_jitter30", impair.Config{Seed: 2, Loss: 0.05, Delay: 30 * time.Millisecond, Jitter: 10 * time.Millisecond}, 0.50, 130 * time.Millisecond},
		{"loss20_reorder", impair.Config{Seed: 3, Loss: 0.20, Reorder: 0.1, ReorderBy: 30 * time.Millisecond}, 0.40, 130 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCall(t, tc.imp, Config{})
			c.runFor(6 * time.Second)
			out := c.devB.Played()
			n := min(len(out), len(c.src)) - 4000
			lag := bestLag(c.src, out, 8000, n-2000, 2000)
			corr, snr, good := quality(c.src, out, lag, 8000, n-2000, 240)
			st := c.strB.Stats()
			rs := c.relay.RTP.Stats()
			t.Logf("%s: lag %v (+%v device period), mean corr %.3f, mean SNR %.1f dB, good frames %.1f%%, "+
				"rx %d lost %d concealed %d late %d underruns %d discarded %d delay %v jitter %v; relay %+v",
				tc.name, lagDur(lag), lagDur(period), corr, snr, 100*good, st.RTPRx, st.Lost, st.Concealed,
				st.Late, st.Underruns, st.Discarded, st.PlayoutDelay, st.Jitter, rs)
			if good < tc.minGood {
				t.Errorf("good frames %.2f, want >= %.2f", good, tc.minGood)
			}
			if lagDur(lag) > tc.maxLag {
				t.Errorf("capture-to-playout lag %v, want <= %v", lagDur(lag), tc.maxLag)
			}
		})
	}
}

func lagDur(samples int) time.Duration { return time.Duration(samples) * time.Second / 8000 }
