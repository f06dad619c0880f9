package rtpsess

import (
	"net"
	"net/netip"
	"testing"
)

// The packetConn returns what the net package would: the same bytes and
// the same source address form (IPv4-mapped on a dual-stack socket).
func TestPacketConnMatchesNet(t *testing.T) {
	cases := []struct{ name, rxNet, rxAddr, txNet, txAddr string }{
		{"ipv4", "udp4", "127.0.0.1:0", "udp4", "127.0.0.1:0"},
		{"dual stack from ipv4", "udp", "0.0.0.0:0", "udp4", "127.0.0.1:0"},
		{"ipv6", "udp6", "[::1]:0", "udp6", "[::1]:0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rx := listen(t, c.rxNet, c.rxAddr)
			tx := listen(t, c.txNet, c.txAddr)
			if rx == nil || tx == nil {
				return
			}
			dst := netip.AddrPortFrom(loopbackOf(tx), uint16(rx.LocalAddr().(*net.UDPAddr).Port))
			raw, std := newPacketConn(rx), newPacketConn(tx)
			buf := make([]byte, 64)
			// Through the net package into the packetConn, and back.
			if _, err := tx.WriteToUDPAddrPort([]byte("ping"), dst); err != nil {
				t.Fatal(err)
			}
			n, from, err := raw.ReadFromUDPAddrPort(buf)
			if err != nil || string(buf[:n]) != "ping" {
				t.Fatalf("read %q, %v", buf[:n], err)
			}
			if _, err := raw.WriteToUDPAddrPort([]byte("pong"), from); err != nil {
				t.Fatalf("write to %v: %v", from, err)
			}
			n, back, err := tx.ReadFromUDPAddrPort(buf)
			if err != nil || string(buf[:n]) != "pong" {
				t.Fatalf("reply %q, %v", buf[:n], err)
			}
			if back.Port() != dst.Port() {
				t.Errorf("reply from port %d, want %d", back.Port(), dst.Port())
			}
			// The same exchange through net on the receiving side gives the same address.
			if _, err := std.WriteToUDPAddrPort([]byte("ping"), dst); err != nil {
				t.Fatal(err)
			}
			_, want, err := rx.ReadFromUDPAddrPort(buf)
			if err != nil || want != from {
				t.Errorf("net reads the source as %v (%v), packetConn as %v", want, err, from)
			}
		})
	}
}

func TestPacketConnAllocatesNothing(t *testing.T) {
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	r, w := newPacketConn(rx), newPacketConn(tx)
	dst := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	pkt, buf := make([]byte, 172), make([]byte, 1500)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := w.WriteToUDPAddrPort(pkt, dst); err != nil {
			t.Fatal(err)
		}
		if n, _, err := r.ReadFromUDPAddrPort(buf); err != nil || n != len(pkt) {
			t.Fatal(n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per datagram sent and received", allocs)
	}
}

func TestPacketConnClosed(t *testing.T) {
	c := listen(t, "udp4", "127.0.0.1:0")
	p := newPacketConn(c)
	_ = c.Close()
	if _, _, err := p.ReadFromUDPAddrPort(make([]byte, 10)); err == nil {
		t.Error("read on a closed socket succeeded")
	}
	if _, err := p.WriteToUDPAddrPort([]byte{1}, netip.MustParseAddrPort("127.0.0.1:9")); err == nil {
		t.Error("write on a closed socket succeeded")
	}
}

// listen opens a socket closed with the test; nil (and skip) where the
// machine has no such address family.
func listen(t *testing.T, network, addr string) *net.UDPConn {
	t.Helper()
	a, err := net.ResolveUDPAddr(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.ListenUDP(network, a)
	if err != nil {
		t.Skipf("no %s socket on %s here: %v", network, addr, err)
		return nil
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func loopbackOf(c *net.UDPConn) netip.Addr {
	if c.LocalAddr().(*net.UDPAddr).IP.To4() != nil {
		return netip.MustParseAddr("127.0.0.1")
	}
	return netip.IPv6Loopback()
}
