package rtpsess

import (
	"encoding/binary"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var loopback = netip.MustParseAddr("127.0.0.1")

func seeded(n uint64) *rand.Rand {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], n)
	return rand.New(rand.NewChaCha8(seed))
}

type rxPacket struct {
	hdr     rtp.Header
	payload []byte
	newSrc  bool
}

// newReceiver makes a session whose accepted packets are copied to a channel.
func newReceiver(t *testing.T, cfg Config) (*Session, chan rxPacket) {
	t.Helper()
	ch := make(chan rxPacket, 1000)
	cfg.Local = loopback
	cfg.OnRTP = func(p *rtp.Packet, _ time.Time, newSrc bool) {
		ch <- rxPacket{p.Header.Clone(), append([]byte(nil), p.Payload...), newSrc}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, ch
}

func recvOne(t *testing.T, ch chan rxPacket) rxPacket {
	t.Helper()
	select {
	case p := <-ch:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no packet received")
		return rxPacket{}
	}
}

func addr(port int) netip.AddrPort { return netip.AddrPortFrom(loopback, uint16(port)) }

func TestSendReceiveLoopback(t *testing.T) {
	b, ch := newReceiver(t, Config{})
	a, _ := newReceiver(t, Config{})
	if a.LocalPort()%2 != 0 {
		t.Fatalf("odd RTP port %d", a.LocalPort())
	}
	must(t, a.Start(Peer{RTP: addr(b.LocalPort()), Send: true, Recv: true}))
	must(t, b.Start(Peer{RTP: addr(a.LocalPort()), Send: true, Recv: true}))
	for i := range 3 {
		must(t, a.SendRTP(0, i == 0, uint32(i*160), []byte{byte(i)}))
	}
	var first rxPacket
	for i := range 3 {
		p := recvOne(t, ch)
		if i == 0 {
			first = p
			if !p.newSrc || !p.hdr.Marker {
				t.Fatalf("first packet: newSrc %v marker %v", p.newSrc, p.hdr.Marker)
			}
		}
		if p.hdr.SSRC != a.SSRC() || p.hdr.SequenceNumber != first.hdr.SequenceNumber+uint16(i) ||
			p.hdr.Timestamp != first.hdr.Timestamp+uint32(i*160) || p.payload[0] != byte(i) {
			t.Fatalf("packet %d: %+v % x", i, p.hdr, p.payload)
		}
	}
	st := b.Stats()
	if st.RTPRx != 3 || st.BytesRx != 3 || st.Lost != 0 {
		t.Fatalf("stats %+v", st)
	}
	if a.Stats().RTPTx != 3 {
		t.Fatalf("tx stats %+v", a.Stats())
	}
}

func TestForeignDroppedAndSymmetricLatch(t *testing.T) {
	b, ch := newReceiver(t, Config{})
	negotiated := addr(40000) // nobody listens there; host 127.0.0.1 counts
	must(t, b.Start(Peer{RTP: negotiated, Send: true, Recv: true}))

	foreign, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)})
	if err != nil {
		t.Skip("127.0.0.2 not usable:", err)
	}
	defer foreign.Close()
	real, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	must(t, err)
	defer real.Close()

	pkt := rawRTP(0x42, 1, 0)
	dst := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: b.LocalPort()}
	_, _ = foreign.WriteTo(pkt, dst)
	_, _ = real.WriteTo(pkt, dst) // same host, other port: accepted, latched
	p := recvOne(t, ch)
	if p.hdr.SSRC != 0x42 {
		t.Fatalf("got ssrc %x", p.hdr.SSRC)
	}
	if got := b.Stats().ForeignDropped; got != 1 {
		t.Fatalf("foreign dropped = %d, want 1", got)
	}
	// b now sends to the latched source port, not the negotiated one
	must(t, b.SendRTP(0, false, 0, []byte{1}))
	buf := make([]byte, 100)
	must(t, real.SetReadDeadline(time.Now().Add(5*time.Second)))
	n, _, err := real.ReadFrom(buf)
	if err != nil || n != 13 {
		t.Fatalf("latched send: n=%d err=%v", n, err)
	}
}

// A second port on the peer's host cannot take a latched stream: its RTP
// is dropped and ours keeps going to the latched port, until an Update
// (signalling) names a new address.
func TestLatchHoldsAgainstAnotherPort(t *testing.T) {
	b, ch := newReceiver(t, Config{})
	must(t, b.Start(Peer{RTP: addr(40000), Send: true, Recv: true}))
	real, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	must(t, err)
	defer real.Close()
	thief, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	must(t, err)
	defer thief.Close()
	dst := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: b.LocalPort()}

	_, _ = real.WriteTo(rawRTP(0x42, 1, 0), dst)
	recvOne(t, ch)
	_, _ = thief.WriteTo(rawRTP(0x66, 1, 0), dst)
	_, _ = real.WriteTo(rawRTP(0x42, 2, 160), dst)
	if p := recvOne(t, ch); p.hdr.SSRC != 0x42 {
		t.Fatalf("got ssrc %x after the other port sent: the stream was taken", p.hdr.SSRC)
	}
	if got := b.Stats().ForeignDropped; got != 1 {
		t.Fatalf("foreign dropped = %d, want 1 (the other port's packet)", got)
	}
	must(t, b.SendRTP(0, false, 0, []byte{1}))
	expectDatagram(t, real)

	// The signalling moves the stream to the other port: now it may send.
	must(t, b.Update(Peer{RTP: thief.LocalAddr().(*net.UDPAddr).AddrPort(), Send: true, Recv: true}))
	_, _ = thief.WriteTo(rawRTP(0x66, 2, 160), dst)
	if p := recvOne(t, ch); p.hdr.SSRC != 0x66 {
		t.Fatalf("got ssrc %x after the update, want 0x66", p.hdr.SSRC)
	}
}

// expectDatagram waits for one datagram on c.
func expectDatagram(t *testing.T, c *net.UDPConn) {
	t.Helper()
	buf := make([]byte, 1500)
	must(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	if _, _, err := c.ReadFrom(buf); err != nil {
		t.Fatalf("no datagram on %s: %v", c.LocalAddr(), err)
	}
}

func TestSSRCChange(t *testing.T) {
	b, ch := newReceiver(t, Config{})
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	must(t, err)
	defer c.Close()
	must(t, b.Start(Peer{RTP: c.LocalAddr().(*net.UDPAddr).AddrPort(), Recv: true}))
	dst := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: b.LocalPort()}
	_, _ = c.WriteTo(rawRTP(1, 100, 0), dst)
	_, _ = c.WriteTo(rawRTP(2, 9000, 0), dst)
	if p := recvOne(t, ch); !p.newSrc {
		t.Fatal("first ssrc not new")
	}
	if p := recvOne(t, ch); !p.newSrc || p.hdr.SSRC != 2 {
		t.Fatalf("ssrc change not flagged: %+v", p)
	}
	if st := b.Stats(); st.Lost != 0 || st.SeqJumpDropped != 0 {
		t.Fatalf("stats after ssrc change %+v", st)
	}
}

func TestPortRangeSkipsBusyPair(t *testing.T) {
	a1, a2, err := bindAny(loopback)
	must(t, err)
	port := a1.LocalAddr().(*net.UDPAddr).Port
	defer a2.Close()
	_ = a1.Close() // RTP port free again, RTCP port still busy
	s, err := New(Config{Local: loopback, PortMin: port, PortMax: port + 3, Rand: seeded(1)})
	if err != nil {
		t.Skipf("pair %d unavailable: %v", port+2, err)
	}
	defer s.Close()
	if s.LocalPort() != port+2 {
		t.Fatalf("port %d, want %d", s.LocalPort(), port+2)
	}
	if _, err := New(Config{Local: loopback, PortMin: port, PortMax: port + 1}); err == nil {
		t.Fatal("busy single pair accepted")
	}
	if _, err := New(Config{Local: loopback, PortMin: 10, PortMax: 5}); err == nil {
		t.Fatal("bad range accepted")
	}
}

func TestTimeoutAndBye(t *testing.T) {
	timeout := make(chan struct{})
	bye := make(chan struct{}, 1)
	b, _ := newReceiver(t, Config{Timeout: 50 * time.Millisecond,
		OnTimeout: func() { close(timeout) }, OnBye: func() { bye <- struct{}{} }})
	a, _ := newReceiver(t, Config{})
	must(t, b.Start(Peer{RTP: addr(a.LocalPort()), Recv: true}))
	must(t, a.Start(Peer{RTP: addr(b.LocalPort()), Send: true}))
	select {
	case <-timeout:
	case <-time.After(5 * time.Second):
		t.Fatal("no timeout event")
	}
	must(t, a.Close())
	select {
	case <-bye:
	case <-time.After(5 * time.Second):
		t.Fatal("no BYE")
	}
}

// rawRTP is a minimal PCMU packet with one payload byte.
func rawRTP(ssrc uint32, seq uint16, ts uint32) []byte {
	b := make([]byte, 13)
	b[0] = 0x80
	binary.BigEndian.PutUint16(b[2:], seq)
	binary.BigEndian.PutUint32(b[4:], ts)
	binary.BigEndian.PutUint32(b[8:], ssrc)
	b[12] = 0xff
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
