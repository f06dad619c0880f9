package sippeer

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestBusy: an INVITE gets 486 with the request's Call-ID and a To tag;
// an OPTIONS gets nothing.
func TestBusy(t *testing.T) {
	addr := Busy(t)
	c, err := net.DialUDP("udp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := func(method string) string {
		return method + " sip:busy@" + addr.String() + " SIP/2.0\r\n" +
			"Via: SIP/2.0/UDP " + c.LocalAddr().String() + ";branch=z9hG4bK-" + method + "\r\n" +
			"From: <sip:t@127.0.0.1>;tag=a\r\nTo: <sip:busy@127.0.0.1>\r\nCall-ID: call-" + method + "\r\n" +
			"CSeq: 1 " + method + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
	}
	buf := make([]byte, 4096)
	if _, err := c.Write([]byte(req("OPTIONS"))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte(req("INVITE"))); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	got := string(buf[:n])
	if !strings.HasPrefix(got, "SIP/2.0 486 Busy Here\r\n") || !strings.Contains(got, "call-INVITE") ||
		!strings.Contains(got, "tag=busy") {
		t.Fatalf("reply %q", got)
	}
}
