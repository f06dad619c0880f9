// Package sippeer has SIP peers for tests, on 127.0.0.1 only.
package sippeer

import (
	"net"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// Busy answers every INVITE sent to it over UDP with 486 Busy Here (To
// tag "busy") and ignores anything else, the ACK included; it stops with
// the test. It returns its address, 127.0.0.1:PORT.
func Busy(t testing.TB) *net.UDPAddr {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			m, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
			req, ok := m.(*sip.Request)
			if err != nil || !ok || req.Method != sip.INVITE {
				continue
			}
			res := sip.NewResponseFromRequest(req, 486, "Busy Here", nil)
			res.To().Params.Add("tag", "busy")
			_, _ = conn.WriteToUDP([]byte(res.String()), from)
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr)
}
