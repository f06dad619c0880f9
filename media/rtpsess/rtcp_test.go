package rtpsess

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// fakeClock is an injected clock that tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestIntervalRandomised(t *testing.T) {
	rng := seeded(3)
	var sum time.Duration
	const n = 2000
	lo, hi := time.Hour, time.Duration(0)
	for range n {
		d := nextInterval(rng, false)
		sum += d
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo < 2500*time.Millisecond || hi >= 7500*time.Millisecond {
		t.Fatalf("interval outside [2.5s, 7.5s): %v..%v", lo, hi)
	}
	if lo > 2600*time.Millisecond || hi < 7400*time.Millisecond {
		t.Fatalf("interval not spread over the range: %v..%v", lo, hi)
	}
	if mean := sum / n; mean < 4900*time.Millisecond || mean > 5100*time.Millisecond {
		t.Fatalf("mean interval %v, want about 5s", mean)
	}
	if d := nextInterval(rng, true); d < 1250*time.Millisecond || d >= 3750*time.Millisecond {
		t.Fatalf("first interval %v", d)
	}
}

// reportSession is a session whose receive path is driven by hand, with the
// clock at a known NTP time.
func reportSession(t *testing.T, clk *fakeClock) *Session {
	t.Helper()
	s, err := New(Config{Local: loopback, Now: clk.Now, Rand: seeded(9), CNAME: "door@test"})
	must(t, err)
	t.Cleanup(func() { _ = s.Close() })
	s.peer = Peer{RTP: netip.MustParseAddrPort("127.0.0.1:40000"), Send: true, Recv: true}
	s.rtpDst = s.peer.RTP
	s.started = true
	return s
}

func TestReportContents(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1700000000, 0)}
	s := reportSession(t, clk)
	from := s.peer.RTP
	var pkt rtp.Packet
	// 10 packets, 20 ms apart, seq 1000..1009 with 1003 and 1007 lost; the
	// third one arrives 10 ms late.
	for i := range 10 {
		if i == 3 || i == 7 {
			clk.Add(20 * time.Millisecond)
			continue
		}
		late := time.Duration(0)
		if i == 2 {
			late = 10 * time.Millisecond
		}
		clk.Add(late)
		s.handleRTP(rawRTP(0xabc, uint16(1000+i), uint32(5000+160*i)), from, clk.Now(), &pkt)
		clk.Add(20*time.Millisecond - late)
	}
	// the peer's SR arrives, 250 ms later we report
	sr := &rtcp.SenderReport{SSRC: 0xabc, NTPTime: 0x1122334455667788}
	b, _ := rtcp.Marshal([]rtcp.Packet{sr})
	s.handleRTCP(b, netip.AddrPortFrom(from.Addr(), 40001))
	clk.Add(250 * time.Millisecond)

	out, err := s.buildReport(clk.Now())
	must(t, err)
	pkts, err := rtcp.Unmarshal(out)
	must(t, err)
	if len(pkts) != 2 {
		t.Fatalf("compound of %d packets", len(pkts))
	}
	rr, ok := pkts[0].(*rtcp.ReceiverReport) // we have sent nothing: RR
	if !ok {
		t.Fatalf("first packet %T, want RR", pkts[0])
	}
	sdes := pkts[1].(*rtcp.SourceDescription)
	if sdes.Chunks[0].Items[0].Type != rtcp.SDESCNAME || sdes.Chunks[0].Items[0].Text != "door@test" {
		t.Fatalf("sdes %+v", sdes)
	}
	rb := rr.Reports[0]
	// expected 10, received 8: fraction 2/10*256 = 51
	if rb.SSRC != 0xabc || rb.FractionLost != 51 || rb.TotalLost != 2 || rb.LastSequenceNumber != 1009 {
		t.Fatalf("block %+v", rb)
	}
	// |D| per packet: 0, 80 (late), 80 (back on time), 0, 0, 0, 0 ->
	// J = 0, 5, 9.6875, 9.08, 8.51, 7.98, 7.48 -> 7
	if rb.Jitter != 7 {
		t.Fatalf("jitter %d, want 7", rb.Jitter)
	}
	if rb.LastSenderReport != 0x33445566 || rb.Delay != 250*65536/1000 {
		t.Fatalf("LSR %#x DLSR %d", rb.LastSenderReport, rb.Delay)
	}
}

func TestSenderReportWhileSending(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1700000000, 0)}
	s := reportSession(t, clk)
	s.send.init(s.ssrc, 1, 1000)
	for i := range 5 {
		_, _ = s.send.packet(0, i == 0, uint32(i*160), make([]byte, 160))
		s.send.packets++
		s.send.octets += 160
		s.send.lastAt = clk.Now()
		clk.Add(20 * time.Millisecond)
	}
	out, err := s.buildReport(clk.Now())
	must(t, err)
	pkts, _ := rtcp.Unmarshal(out)
	sr, ok := pkts[0].(*rtcp.SenderReport)
	if !ok {
		t.Fatalf("first packet %T, want SR", pkts[0])
	}
	// last packet ts 1000+640, 20 ms (160 units) before now
	if sr.PacketCount != 5 || sr.OctetCount != 800 || sr.RTPTime != 1000+640+160 ||
		sr.NTPTime != toNTP(clk.Now()) || len(sr.Reports) != 0 {
		t.Fatalf("sr %+v", sr)
	}
	// after two silent intervals it is an RR again
	clk.Add(2 * ReportInterval)
	out, _ = s.buildReport(clk.Now())
	pkts, _ = rtcp.Unmarshal(out)
	if _, ok := pkts[0].(*rtcp.ReceiverReport); !ok {
		t.Fatalf("after silence %T, want RR", pkts[0])
	}
}

func TestRTTFromReportBlock(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1700000000, 0)}
	s := reportSession(t, clk)
	// we sent an SR at t0; the peer held it 100 ms; now is t0+130 ms
	t0 := clk.Now()
	clk.Add(130 * time.Millisecond)
	rr := &rtcp.ReceiverReport{SSRC: 5, Reports: []rtcp.ReceptionReport{{
		SSRC: s.ssrc, LastSenderReport: ntpMiddle(toNTP(t0)), Delay: toNTPShort(100 * time.Millisecond),
		FractionLost: 64, TotalLost: 0xffffff, Jitter: 80,
	}}}
	b, _ := rtcp.Marshal([]rtcp.Packet{rr})
	s.handleRTCP(b, netip.MustParseAddrPort("127.0.0.1:40001"))
	st := s.Stats()
	if d := st.RTT - 30*time.Millisecond; d < -time.Millisecond || d > time.Millisecond {
		t.Fatalf("rtt %v, want 30ms", st.RTT)
	}
	if st.Peer.FractionLost != 0.25 || st.Peer.TotalLost != -1 || st.Peer.Jitter != 10*time.Millisecond {
		t.Fatalf("peer report %+v", st.Peer)
	}
}

// RTCP follows the same latch as RTP: once a port of the peer's host has
// sent RTCP, another port of that host is dropped and does not redirect
// our reports.
func TestRTCPLatchHolds(t *testing.T) {
	s := reportSession(t, &fakeClock{t: time.Unix(1700000000, 0)})
	host := s.peer.RTP.Addr()
	sr, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.SenderReport{SSRC: 0xabc}})
	first := netip.AddrPortFrom(host, 50001)
	s.handleRTCP(sr, first)
	s.handleRTCP(sr, netip.AddrPortFrom(host, 50003))
	if got := s.Stats().ForeignDropped; got != 1 {
		t.Fatalf("foreign dropped %d, want 1", got)
	}
	s.mu.Lock()
	dst := s.rtcpDst
	s.mu.Unlock()
	if dst != first {
		t.Fatalf("reports go to %s, want the latched %s", dst, first)
	}
}
