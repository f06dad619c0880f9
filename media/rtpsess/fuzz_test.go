package rtpsess

import (
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// fuzzSession is a session with a peer set whose receive path is fed by hand.
func fuzzSession(tb testing.TB) *Session {
	s, err := New(Config{Local: loopback, Rand: seeded(1),
		OnRTP: func(p *rtp.Packet, _ time.Time, _ bool) { _ = len(p.Payload) }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	s.peer = Peer{RTP: netip.MustParseAddrPort("127.0.0.1:40000"), Send: true, Recv: true}
	s.started = true
	return s
}

func FuzzHandleRTP(f *testing.F) {
	f.Add(rawRTP(1, 65535, 0xffffffff))
	f.Add([]byte{0x90, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0})
	f.Add([]byte{0xa0, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3})
	f.Add([]byte{0x83, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2})
	s := fuzzSession(f)
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	var pkt rtp.Packet
	f.Fuzz(func(t *testing.T, b []byte) {
		s.handleRTP(b, from, time.Now(), &pkt)
		_ = s.Stats()
		if _, err := s.buildReport(time.Unix(1700000000, 0)); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzHandleRTCP(f *testing.F) {
	sr, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.SenderReport{SSRC: 1, NTPTime: 1 << 40, Reports: []rtcp.ReceptionReport{{SSRC: 2, LastSenderReport: 5}}},
		rtcp.NewCNAMESourceDescription(1, "x@y")})
	bye, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.ReceiverReport{SSRC: 1}, &rtcp.Goodbye{Sources: []uint32{1}, Reason: "bye"}})
	f.Add(sr)
	f.Add(bye)
	f.Add([]byte{0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1})
	s := fuzzSession(f)
	from := netip.MustParseAddrPort("127.0.0.1:40001")
	f.Fuzz(func(t *testing.T, b []byte) {
		s.handleRTCP(b, from)
		_ = s.Stats()
	})
}
