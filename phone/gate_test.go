package phone

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// recConn is a PacketConn that records what the gate writes.
type recConn struct {
	net.PacketConn
	mu     sync.Mutex
	writes []string
	to     []net.Addr
}

func (c *recConn) WriteTo(b []byte, a net.Addr) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, string(b))
	c.to = append(c.to, a)
	return len(b), nil
}

// testGate is a gate of a phone that is not running, on a recConn.
func testGate(t testing.TB, cfg Config) (*gate, *recConn) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	p, err := New(context.Background(), cfg, nopMedia{})
	if err != nil {
		t.Fatal(err)
	}
	rc := &recConn{}
	return newGate(p, rc, &sentTo{}), rc
}

func udpFrom(s string) *net.UDPAddr { return net.UDPAddrFromAddrPort(netip.MustParseAddrPort(s)) }

// gateReq is a request as a caller at src sends it; the Via names another
// host, to which nothing may be sent.
func gateReq(method, callID, src string) []byte {
	return []byte(method + " sip:door@192.0.2.1 SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-" + callID + "\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:visitor@" + src + ">;tag=v1\r\n" +
		"To: <sip:door@192.0.2.1>\r\n" +
		"Call-ID: " + callID + "\r\n" +
		"CSeq: 1 " + method + "\r\n" +
		"Contact: <sip:visitor@" + src + ">\r\n" +
		"Content-Length: 0\r\n\r\n")
}

func TestGateStranger(t *testing.T) {
	g, rc := testGate(t, Config{Allow: []string{"127.0.0.1"}})
	if g.filter(gateReq("INVITE", "s1", "127.0.0.2:5060"), udpFrom("127.0.0.2:5060")) {
		t.Fatal("a stranger's INVITE reached sipgo")
	}
	if len(rc.writes) != 1 || !strings.HasPrefix(rc.writes[0], "SIP/2.0 403 ") {
		t.Fatalf("answers %q", rc.writes)
	}
	if rc.to[0].String() != "127.0.0.2:5060" {
		t.Errorf("answer sent to %v, not to the datagram's source", rc.to[0])
	}
	if !strings.Contains(rc.writes[0], "tag="+g.tag) || !strings.Contains(rc.writes[0], "Content-Length: 0") {
		t.Errorf("403 without our To tag or Content-Length 0:\n%s", rc.writes[0])
	}
	// Its ACK, and an ACK of nothing, are dropped.
	if g.filter(gateReq("ACK", "s1", "127.0.0.2:5060"), udpFrom("127.0.0.2:5060")) || len(rc.writes) != 1 {
		t.Error("stray ACK passed or answered")
	}
}

func TestGateAllowedInviteAndItsACK(t *testing.T) {
	g, rc := testGate(t, Config{Allow: []string{"127.0.0.1"}})
	src := udpFrom("127.0.0.1:5060")
	if !g.filter(gateReq("INVITE", "a1", "127.0.0.1:5060"), src) {
		t.Fatal("an allowed INVITE did not reach sipgo")
	}
	if !g.filter(gateReq("ACK", "a1", "127.0.0.1:5060"), src) || !g.filter(gateReq("CANCEL", "a1", "127.0.0.1:5060"), src) {
		t.Error("ACK or CANCEL of an INVITE sipgo holds did not reach it")
	}
	if g.filter(gateReq("CANCEL", "other", "127.0.0.1:5060"), src) || !strings.HasPrefix(rc.writes[0], "SIP/2.0 481 ") {
		t.Errorf("CANCEL of nothing: %q", rc.writes)
	}
}

// A response reaches sipgo only from an address the phone has sent to:
// otherwise a sender with fresh ports would grow sipgo's table of source
// addresses without end.
func TestGateStrangerResponses(t *testing.T) {
	g, _ := testGate(t, Config{Allow: []string{"127.0.0.1"}})
	res := []byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-r\r\n" +
		"From: <sip:door@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.9>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
	if g.filter(res, udpFrom("127.0.0.9:5060")) {
		t.Error("a response from an address never sent to reached sipgo")
	}
	if g.filter(res, udpFrom("127.0.0.1:5060")) {
		t.Error("a response from an allowed address never sent to reached sipgo")
	}
	g.sent.add(netip.MustParseAddr("127.0.0.9"))
	if !g.filter(res, udpFrom("127.0.0.9:5061")) {
		t.Error("a response from an address the phone sent to did not reach sipgo")
	}
}

// Past its burst, a source's requests get 503 (and not sipgo).
func TestGatePerSourceLimit(t *testing.T) {
	g, rc := testGate(t, Config{})
	passed := 0
	start := time.Now()
	for i := range 200 {
		if g.filter(gateReq("INVITE", fmt.Sprint("p", i), "127.0.0.1:5060"), udpFrom("127.0.0.1:5060")) {
			passed++
		}
	}
	if most := int(passPerSource.burst + passPerSource.rate*time.Since(start).Seconds() + 1); passed < int(passPerSource.burst) || passed > most {
		t.Errorf("%d of 200 INVITEs passed, want about the burst %v", passed, passPerSource.burst)
	}
	if n := len(rc.writes); n == 0 || !strings.HasPrefix(rc.writes[0], "SIP/2.0 503 ") || !strings.Contains(rc.writes[0], "Retry-After: 1") {
		t.Errorf("%d answers, first %q", n, rc.writes)
	}
}

// Stateless replies to one address stop at its burst; a reply more than
// twice the request's size is never sent.
func TestGateReplyLimits(t *testing.T) {
	g, rc := testGate(t, Config{Allow: []string{"127.0.0.1"}})
	start := time.Now()
	for i := range 1000 {
		g.filter(gateReq("INVITE", fmt.Sprint("f", i), "127.0.0.2:5060"), udpFrom("127.0.0.2:5060"))
	}
	most := int(replyPerDest.burst + replyPerDest.rate*time.Since(start).Seconds() + 1)
	if n := len(rc.writes); n < int(replyPerDest.burst) || n > most {
		t.Errorf("%d replies to 1000 INVITEs, want from the burst %v to %d", n, replyPerDest.burst, most)
	}
	g, rc = testGate(t, Config{})
	tiny := "OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:a@b>;tag=1\r\nt: <sip:a@b>\r\ni: c\r\nCSeq: 1 OPTIONS\r\n\r\n"
	if g.filter([]byte(tiny), udpFrom("127.0.0.1:5060")) || len(rc.writes) != 0 {
		t.Errorf("a %d-byte OPTIONS got %q", len(tiny), rc.writes)
	}
	if g.counts[replyLimit].Load() != 1 {
		t.Errorf("withheld reply not counted")
	}
}

func TestPerAddrBounded(t *testing.T) {
	tab := newPerAddr(gateAddrs, limit{rate: 1, burst: 1})
	now := time.Now()
	for i := range 5000 {
		tab.take(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), now)
	}
	if len(tab.slots) != gateAddrs || len(tab.ring) != gateAddrs {
		t.Errorf("table holds %d slots, ring %d, want %d", len(tab.slots), len(tab.ring), gateAddrs)
	}
	last := netip.AddrFrom4([4]byte{10, 0, 19, 135}) // 4999
	if tab.take(last, now) {
		t.Error("the newest address got a second token at once")
	}
}

func TestBucketRefills(t *testing.T) {
	var b bucket
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		if !b.take(t0, 10, 3) {
			t.Fatalf("token %d of the burst refused", i)
		}
	}
	if b.take(t0, 10, 3) {
		t.Fatal("a fourth token at once")
	}
	if !b.take(t0.Add(100*time.Millisecond), 10, 3) {
		t.Fatal("no token after 1/rate")
	}
}

// Past maxTCPPerIP from one address, or maxTCPConns in all, a new TCP
// connection is closed at once; closing one makes room again.
func TestTCPConnCap(t *testing.T) {
	p, stop := runFuzzPhoneWith(t, Config{Listen: "127.0.0.1:0", Transport: "tcp"})
	defer stop()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	dial := func(host byte) net.Conn {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, host)}}
		c, err := d.Dial("tcp", p.Addr().String())
		if err != nil {
			t.Skipf("dial from 127.0.0.%d: %v", host, err)
		}
		return c
	}
	for i := range maxTCPConns {
		conns = append(conns, dial(byte(1+i/maxTCPPerIP)))
	}
	for _, host := range []byte{1, 100} { // one more from a full host, and from a new one
		extra := dial(host)
		extra.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := extra.Read(make([]byte, 1)); err != io.EOF {
			t.Fatalf("connection from 127.0.0.%d beyond the caps: read %v, want EOF", host, err)
		}
		extra.Close()
	}
	conns[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := dial(1)
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			c.Close()
			return // kept open: room again
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("no room after a connection closed")
		}
	}
}
