package e2e

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"sync"
	"testing"
)

// sipALG is a test's SIP "application layer gateway" on 127.0.0.1: the
// caller sends SIP to its caller-facing socket, it forwards to the callee
// from its callee-facing socket (and back), rewriting addresses so that
// both sides keep talking through it, and rewriting the SDP's audio ports so
// that RTP flows through an impairment relay: the callee is told to send to
// toCallerRTP, the caller to toCalleeRTP.
type sipALG struct {
	outer, inner *net.UDPConn // caller-facing, callee-facing
	callee       netip.AddrPort
	toCallerRTP  int // m=audio port written into SDP sent to the callee
	toCalleeRTP  int // m=audio port written into SDP sent to the caller

	mu     sync.Mutex
	caller netip.AddrPort
	wg     sync.WaitGroup
}

// newSIPALG starts the gateway in front of callee; Close stops it.
func newSIPALG(t *testing.T, callee netip.AddrPort, toCallerRTP, toCalleeRTP int) *sipALG {
	t.Helper()
	lo := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}
	outer, err := net.ListenUDP("udp4", lo)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.ListenUDP("udp4", lo)
	if err != nil {
		outer.Close()
		t.Fatal(err)
	}
	g := &sipALG{outer: outer, inner: inner, callee: callee, toCallerRTP: toCallerRTP, toCalleeRTP: toCalleeRTP}
	g.wg.Add(2)
	go g.pump(outer, true)
	go g.pump(inner, false)
	t.Cleanup(g.close)
	return g
}

// Addr is where the caller dials.
func (g *sipALG) Addr() string { return g.outer.LocalAddr().String() }

func (g *sipALG) close() {
	g.outer.Close()
	g.inner.Close()
	g.wg.Wait()
}

func (g *sipALG) pump(c *net.UDPConn, fromCaller bool) {
	defer g.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, src, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		msg := string(buf[:n])
		g.mu.Lock()
		if fromCaller {
			g.caller = src
		}
		caller := g.caller
		g.mu.Unlock()
		if !caller.IsValid() {
			continue // the callee spoke first: nobody to send it to
		}
		if fromCaller {
			msg = rewriteSIP(msg, caller.String(), g.inner.LocalAddr().String(), g.outer.LocalAddr().String(), g.callee.String(), g.toCallerRTP)
			g.inner.WriteToUDPAddrPort([]byte(msg), g.callee)
		} else {
			msg = rewriteSIP(msg, g.callee.String(), g.outer.LocalAddr().String(), g.inner.LocalAddr().String(), caller.String(), g.toCalleeRTP)
			g.outer.WriteToUDPAddrPort([]byte(msg), caller)
		}
	}
}

var (
	reAudio   = regexp.MustCompile(`(?m)^m=audio \d+`)
	reRTCP    = regexp.MustCompile(`(?m)^a=rtcp:\d+`)
	reCLength = regexp.MustCompile(`(?mi)^(Content-Length|l)[ \t]*:[ \t]*\d+`)
)

// rewriteSIP maps the sender's address to ours on the far side, our near
// address to the receiver's, and the SDP audio port to rtp; then it fixes
// Content-Length.
func rewriteSIP(msg, sender, senderAs, us, receiver string, rtp int) string {
	msg = replaceAddr(msg, sender, senderAs)
	msg = replaceAddr(msg, us, receiver)
	head, body, ok := cutBody(msg)
	if !ok || body == "" {
		return msg
	}
	body = reAudio.ReplaceAllString(body, "m=audio "+strconv.Itoa(rtp))
	body = reRTCP.ReplaceAllString(body, "a=rtcp:"+strconv.Itoa(rtp+1))
	head = reCLength.ReplaceAllString(head, fmt.Sprintf("Content-Length: %d", len(body)))
	return head + "\r\n\r\n" + body
}

// replaceAddr replaces host:port only where the port is not followed by
// another digit.
func replaceAddr(s, from, to string) string {
	return regexp.MustCompile(regexp.QuoteMeta(from)+`\b`).ReplaceAllLiteralString(s, to)
}

func cutBody(msg string) (head, body string, ok bool) {
	for i := 0; i+4 <= len(msg); i++ {
		if msg[i:i+4] == "\r\n\r\n" {
			return msg[:i], msg[i+4:], true
		}
	}
	return msg, "", false
}
