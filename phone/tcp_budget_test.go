package phone

import (
	"bufio"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// A TCP peer that sends far more than its byte budget is cut off (its
// requests would each hold a sipgo transaction for 32 s); one that sends a
// request now and then is answered.
func TestTCPByteBudget(t *testing.T) {
	p, stop := runFuzzPhoneWith(t, Config{Listen: "127.0.0.1:0", Transport: "tcp"})
	defer stop()

	polite, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer polite.Close()
	if _, err := fmt.Fprint(polite, tcpOptions(polite, 1)); err != nil {
		t.Fatal(err)
	}
	_ = polite.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := bufio.NewReader(polite).ReadString('\n'); err != nil || !strings.HasPrefix(line, "SIP/2.0 200") {
		t.Fatalf("a polite TCP peer: %q, %v", line, err)
	}

	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 5)}}
	flood, err := d.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Skipf("dial from 127.0.0.5: %v", err)
	}
	defer flood.Close()
	sent := 0
	_ = flood.SetWriteDeadline(time.Now().Add(10 * time.Second))
	for i := range 5000 { // about 1.5 MB, 47 times the burst
		n, err := fmt.Fprint(flood, tcpOptions(flood, i+1))
		sent += n
		if err != nil {
			break // closed by the phone: what we want
		}
	}
	_ = flood.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64<<10)
	for {
		if _, err := flood.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the flooding connection is still open after %d bytes", sent)
			}
			break // EOF or reset: cut off
		}
	}
	if b := p.tcpIn; b != nil {
		b.mu.Lock()
		_, seen := b.perIP.slots[netip.MustParseAddr("127.0.0.5")]
		b.mu.Unlock()
		if !seen {
			t.Fatal("the flooder's bytes were not counted")
		}
	}
}

// tcpOptions is the i-th OPTIONS of a TCP connection.
func tcpOptions(c net.Conn, i int) string {
	from := c.LocalAddr().String()
	return fmt.Sprintf("OPTIONS sip:door@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP %s;branch=z9hG4bK-t%d\r\n"+
		"Max-Forwards: 70\r\nFrom: <sip:v@%s>;tag=t\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: tcp-%s\r\n"+
		"CSeq: %d OPTIONS\r\nContent-Length: 0\r\n\r\n", from, i, from, from, i)
}
