package media

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// benchStream is a started stream sending to a sink that is never read.
func benchStream(b *testing.B) (*Stream, *Engine) {
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sink.Close() })
	e, err := NewEngine(Config{}, newDevice(8000, 80, nil))
	if err != nil {
		b.Fatal(err)
	}
	s, err := e.NewStream(loopback)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close(); _ = e.Close() })
	p := Params{Remote: sink.LocalAddr().(*net.UDPAddr).AddrPort(), Codec: "PCMU", ClockRate: 8000, PTime: 20 * time.Millisecond}
	if err := s.Start(p, nil); err != nil {
		b.Fatal(err)
	}
	return s, e
}

// BenchmarkSendFrame is encode + packetize + send of one 20 ms frame.
func BenchmarkSendFrame(b *testing.B) {
	s, _ := benchStream(b)
	f := speechLike(160, 3)
	b.ReportAllocs()
	for range b.N {
		s.sendFrame(f, true)
	}
}

// BenchmarkReceiveFrame is one packet into the playout buffer (decode) and
// the 20 ms of playback pulled from it.
func BenchmarkReceiveFrame(b *testing.B) {
	s, _ := benchStream(b)
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 9}, Payload: make([]byte, 160)}
	out := make([]int16, 40)
	t0 := time.Now()
	b.ReportAllocs()
	for i := range b.N {
		pkt.SequenceNumber = uint16(i)
		pkt.Timestamp = uint32(i * 160)
		at := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		s.onRTP(pkt, at, i == 0)
		for k := range 4 {
			s.readPlayout(out, at.Add(time.Duration(k)*5*time.Millisecond))
		}
	}
}

// BenchmarkDevicePeriod is one 10 ms device callback at 48 kHz with a
// started stream (resample, DSP, VAD, encode, send, playout, resample).
func BenchmarkDevicePeriod(b *testing.B) {
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	dev := newDevice(48000, 480, speechLike(48000, 4))
	dev.DiscardPlayback()
	e, err := NewEngine(Config{HighPass: true, AGC: true, NoiseGate: true, VAD: VADConfig{Enabled: true, ThresholdDB: 9, MinLevelDB: -55}}, dev)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	s, err := e.NewStream(loopback)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := Params{Remote: netip.MustParseAddrPort(sink.LocalAddr().String()), Codec: "PCMA", PayloadType: 8, ClockRate: 8000}
	if err := s.Start(p, nil); err != nil {
		b.Fatal(err)
	}
	for range 100 { // warm up buffers
		dev.Step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		dev.Step()
	}
}

// BenchmarkSendSilenceCN is one silent 20 ms frame with comfort noise
// negotiated: its level, and every 15th frame a CN packet.
func BenchmarkSendSilenceCN(b *testing.B) {
	s, _ := benchStream(b)
	p := s.p
	p.CNType = 13
	if err := s.Update(p); err != nil {
		b.Fatal(err)
	}
	f := speechLike(160, 3)
	for i := range f {
		f[i] /= 100
	}
	b.ReportAllocs()
	for range b.N {
		s.sendFrame(f, false)
	}
}

// BenchmarkReceiveCN is one CN packet every 300 ms and the comfort noise
// played in between (20 ms of playout per iteration).
func BenchmarkReceiveCN(b *testing.B) {
	s, _ := benchStream(b)
	p := s.p
	p.CNType = 13
	if err := s.Update(p); err != nil {
		b.Fatal(err)
	}
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 9, PayloadType: 13}, Payload: []byte{60}}
	out := make([]int16, 40)
	t0 := time.Now()
	b.ReportAllocs()
	for i := range b.N {
		at := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		if i%15 == 0 {
			pkt.SequenceNumber = uint16(i / 15)
			pkt.Timestamp = uint32(i * 160)
			s.onRTP(pkt, at, i == 0)
		}
		for k := range 4 {
			s.readPlayout(out, at.Add(time.Duration(k)*5*time.Millisecond))
		}
	}
}
