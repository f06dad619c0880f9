package media

import (
	"net"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// FuzzStreamPayload feeds received payloads of the audio (0), comfort
// noise (13) and telephone-event (101) types, at any timestamp, to a
// started stream and plays out after each: no input may crash it.
func FuzzStreamPayload(f *testing.F) {
	f.Add(uint8(13), []byte{0x28}, uint32(160))
	f.Add(uint8(13), []byte{0x00, 0x81, 0x40}, uint32(320))
	f.Add(uint8(13), []byte{}, uint32(0))
	f.Add(uint8(0), make([]byte, 160), uint32(480))
	f.Add(uint8(101), []byte{0x05, 0x8a, 0x03, 0x20}, uint32(640))
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		f.Fatal(err)
	}
	defer sink.Close()
	e, err := NewEngine(Config{}, newDevice(8000, 80, nil))
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close()
	s, err := e.NewStream(loopback)
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	p := Params{Remote: sink.LocalAddr().(*net.UDPAddr).AddrPort(), Codec: "PCMU", ClockRate: 8000,
		DTMFType: 101, CNType: 13, PTime: 20 * time.Millisecond}
	if err := s.Start(p, nil); err != nil {
		f.Fatal(err)
	}
	t0 := time.Unix(1700000000, 0)
	var seq uint16
	out := make([]int16, 40)
	f.Fuzz(func(t *testing.T, pt uint8, payload []byte, ts uint32) {
		seq++
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 9, PayloadType: pt, SequenceNumber: seq, Timestamp: ts}, Payload: payload}
		at := t0.Add(time.Duration(seq) * 20 * time.Millisecond)
		s.onRTP(pkt, at, seq == 1)
		for k := range 4 {
			s.readPlayout(out, at.Add(time.Duration(k)*5*time.Millisecond))
		}
	})
}
