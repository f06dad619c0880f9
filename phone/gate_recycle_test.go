package phone

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// Requests from more distinct addresses than sipgo may remember: while the
// phone is idle its reader is recycled, so sipgo's pool stays bounded, and
// a call from yet another address still connects.
func TestGateRecyclesSipgoAddresses(t *testing.T) {
	p, err := New(context.Background(), Config{Listen: "127.0.0.1:0", AutoAnswer: true, addrTable: 8}, nopMedia{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-p.Ready()

	// 30 callers, each from a new port: once 8 have passed, the next get
	// 503 until the phone has been quiet for recycleQuiet, then pass.
	g := p.gate
	maxPool := 0
	for i := range 30 {
		c := dialUDP(t, p)
		for try := 0; ; try++ {
			c.send(t, recycleReq("INVITE", fmt.Sprintf("nobody-%d-%d", i, try), c.addr(), "", ""))
			got := c.status(t)
			if got == 488 { // no offer: sipgo and the phone saw it
				break
			}
			if got != 503 || try > 0 {
				t.Fatalf("INVITE %d try %d: %d, want 488 (or 503 once while the table is full)", i, try, got)
			}
			before := g.addrs.recycles.Load()
			waitUntil(t, "a recycle", func() bool { return g.addrs.recycles.Load() > before })
		}
		maxPool = max(maxPool, p.ua.TransportLayer().Pool("udp").Size())
	}
	if n := g.addrs.recycles.Load(); n < 3 {
		t.Fatalf("%d recycles for 30 addresses and a table of 8", n)
	}
	// The listener's own entries (2) and at most the table's 8 addresses
	// are in sipgo's pool at any time; without the recycle it would hold
	// all 30.
	if maxPool > 10 {
		t.Fatalf("sipgo's pool reached %d entries, want <= 10", maxPool)
	}

	c := dialUDP(t, p)
	sdp := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n"
	c.send(t, recycleReq("INVITE", "visitor", c.addr(), "application/sdp", sdp))
	if got := c.status(t); got != 200 {
		t.Fatalf("a call after the recycles: %d, want 200", got)
	}
}

// waitUntil polls cond until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type udpClient struct {
	*net.UDPConn
	to *net.UDPAddr
}

func dialUDP(t *testing.T, p *Phone) udpClient {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return udpClient{c, net.UDPAddrFromAddrPort(p.Addr())}
}

func (c udpClient) addr() string { return c.LocalAddr().String() }

func (c udpClient) send(t *testing.T, msg string) {
	t.Helper()
	if _, err := c.WriteTo([]byte(msg), c.to); err != nil {
		t.Fatal(err)
	}
}

// status returns the code of the first final response, which must come
// from the phone's own port.
func (c udpClient) status(t *testing.T) int {
	t.Helper()
	buf := make([]byte, 4096)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			t.Fatalf("no final response: %v", err)
		}
		if from.String() != c.to.String() {
			t.Fatalf("a response came from %s, not from the phone's %s", from, c.to)
		}
		var code int
		if _, err := fmt.Sscanf(string(buf[:n]), "SIP/2.0 %d", &code); err == nil && code >= 200 {
			return code
		}
	}
}

func recycleReq(method, callID, from, ctype, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s sip:door@127.0.0.1 SIP/2.0\r\n", method)
	fmt.Fprintf(&b, "Via: SIP/2.0/UDP %s;branch=z9hG4bK-%s;rport\r\n", from, callID)
	fmt.Fprintf(&b, "Max-Forwards: 70\r\nFrom: <sip:v@%s>;tag=t-%s\r\nTo: <sip:door@127.0.0.1>\r\n", from, callID)
	fmt.Fprintf(&b, "Call-ID: %s\r\nCSeq: 1 %s\r\nContact: <sip:v@%s>\r\n", callID, method, from)
	if ctype != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", ctype)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.String()
}
