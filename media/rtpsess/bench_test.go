package rtpsess

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// BenchmarkSendRTP is packetize + send of one 20 ms PCMU frame.
func BenchmarkSendRTP(b *testing.B) {
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	s, err := New(Config{Local: loopback})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(Peer{RTP: sink.LocalAddr().(*net.UDPAddr).AddrPort(), Send: true}); err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 160)
	b.ReportAllocs()
	for i := range b.N {
		if err := s.SendRTP(0, false, uint32(i*160), payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiveRTP is parse + filter + statistics of one packet.
func BenchmarkReceiveRTP(b *testing.B) {
	s := fuzzSession(b)
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	buf := make([]byte, 172)
	copy(buf, rawRTP(7, 0, 0))
	var pkt rtp.Packet
	b.ReportAllocs()
	for i := range b.N {
		buf[2], buf[3] = byte(i>>8), byte(i)
		s.handleRTP(buf, from, time.Now(), &pkt)
	}
}
