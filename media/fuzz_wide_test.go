package media

import (
	"net"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/skoip/skoip/media/codec"
)

// FuzzWidebandPayload feeds any payload, under the negotiated type or
// another (a peer switching types mid-call), to started G.722 and Opus
// streams on a 16 kHz engine and plays out after each: no input may crash
// them, and playout always gives whole chunks.
func FuzzWidebandPayload(f *testing.F) {
	f.Add(false, uint8(9), make([]byte, 160), uint32(160))
	f.Add(false, uint8(0), make([]byte, 160), uint32(320))
	f.Add(true, uint8(111), []byte{0xf8, 0xff, 0xfe}, uint32(960))
	f.Add(true, uint8(111), []byte{0x4b, 0x41, 0x01, 0x02}, uint32(1920))
	f.Add(true, uint8(111), []byte{}, uint32(0))
	f.Add(true, uint8(9), []byte{0xff}, uint32(2880))
	f.Add(true, uint8(110), []byte{0x05, 0x8a, 0x03, 0x20}, uint32(3840))
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		f.Fatal(err)
	}
	defer sink.Close()
	e, err := NewEngine(Config{Rate: 16000}, newDevice(16000, 160, nil))
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close()
	remote := sink.LocalAddr().(*net.UDPAddr).AddrPort()
	start := func(p Params) *Stream {
		s, err := e.NewStream(loopback)
		if err != nil {
			f.Fatal(err)
		}
		p.Remote, p.PTime = remote, 20*time.Millisecond
		if err := s.Start(p, nil); err != nil {
			f.Fatal(err)
		}
		return s
	}
	g722 := start(Params{Codec: "G722", PayloadType: 9, ClockRate: 8000, DTMFType: 101, CNType: 13})
	defer g722.Close()
	var opus *Stream
	if codec.OpusAvailable {
		opus = start(Params{Codec: "opus", PayloadType: 111, ClockRate: 48000, DTMFType: 110, FMTP: "useinbandfec=1"})
		defer opus.Close()
	}
	t0 := time.Unix(1700000000, 0)
	var seq uint16
	out := make([]int16, 80)
	f.Fuzz(func(t *testing.T, toOpus bool, pt uint8, payload []byte, ts uint32) {
		s := g722
		if toOpus && opus != nil {
			s = opus
		}
		seq++
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 9, PayloadType: pt & 0x7f, SequenceNumber: seq, Timestamp: ts},
			Payload: payload}
		at := t0.Add(time.Duration(seq) * 20 * time.Millisecond)
		s.onRTP(pkt, at, seq == 1)
		for k := range 4 {
			if !s.readPlayout(out, at.Add(time.Duration(k)*5*time.Millisecond)) {
				t.Fatal("a started stream does not play")
			}
		}
	})
}
