package sdimage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// sipResponse is the part of a SIP response the tests look at.
type sipResponse struct {
	status  string            // "SIP/2.0 200 OK"
	headers map[string]string // lower-case name -> first value
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// options sends SIP OPTIONS over UDP from 127.0.0.1 to addr, resending it
// every 500 ms (RFC 3261 T1) until a final response with its Call-ID comes
// back or ctx ends.
func options(ctx context.Context, addr string) (*sipResponse, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	raddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	callID := randHex(8) + "@skoip-image-test"
	req := fmt.Sprintf("OPTIONS sip:%s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %s;branch=z9hG4bK%s;rport\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:image-test@127.0.0.1>;tag=%s\r\n"+
		"To: <sip:%s>\r\n"+
		"Call-ID: %s\r\n"+
		"CSeq: 1 OPTIONS\r\n"+
		"Accept: application/sdp\r\n"+
		"Content-Length: 0\r\n\r\n",
		addr, conn.LocalAddr(), randHex(8), randHex(4), addr, callID)
	buf := make([]byte, 65535)
	for {
		if _, err := conn.WriteToUDP([]byte(req), raddr); err != nil {
			return nil, err
		}
		deadline := time.Now().Add(500 * time.Millisecond)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		if err := conn.SetReadDeadline(deadline); err != nil {
			return nil, err
		}
		for {
			n, _, err := conn.ReadFromUDP(buf)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				break
			}
			if err != nil {
				return nil, err
			}
			resp := parseResponse(string(buf[:n]))
			if resp != nil && resp.headers["call-id"] == callID && !strings.HasPrefix(resp.status, "SIP/2.0 1") {
				return resp, nil
			}
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("no answer to OPTIONS from %s: %w", addr, ctx.Err())
		}
	}
}

// parseResponse splits a SIP response into its status line and headers,
// or returns nil for anything else.
func parseResponse(msg string) *sipResponse {
	head, _, _ := strings.Cut(msg, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	if !strings.HasPrefix(lines[0], "SIP/2.0 ") {
		return nil
	}
	r := &sipResponse{status: lines[0], headers: map[string]string{}}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "i" {
			name = "call-id"
		}
		if _, seen := r.headers[name]; !seen {
			r.headers[name] = strings.TrimSpace(value)
		}
	}
	return r
}
