//go:build linux && (amd64 || arm64 || arm)

package rtpsess

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

// polled moves a socket of the test out of the poller.
func polled(t *testing.T, c *net.UDPConn) *polledConn {
	t.Helper()
	p, err := newPolledConn(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// readSoon polls p until a datagram is there (at most 5 s).
func readSoon(t *testing.T, p *polledConn, b []byte) (int, netip.AddrPort, time.Time) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		n, from, at, ok, err := p.tryRead(b, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return n, from, at
		}
	}
	t.Fatal("no datagram within 5 s")
	return 0, netip.AddrPort{}, time.Time{}
}

// The polled socket reads and writes what the net package would: the same
// bytes and the same source address form (IPv4-mapped on a dual-stack
// socket), and it never waits: no datagram is "none", not a block.
func TestPolledConnMatchesNet(t *testing.T) {
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
			rxPort := uint16(rx.LocalAddr().(*net.UDPAddr).Port)
			dst := netip.AddrPortFrom(loopbackOf(tx), rxPort)
			// A second socket of the same kind tells how net reads the source.
			ref := listen(t, c.rxNet, c.rxAddr)
			refDst := netip.AddrPortFrom(loopbackOf(tx), uint16(ref.LocalAddr().(*net.UDPAddr).Port))
			p := polled(t, rx)
			buf := make([]byte, 64)
			if _, _, _, ok, err := p.tryRead(buf, time.Now); ok || err != nil {
				t.Fatalf("empty socket: ok %v err %v", ok, err)
			}
			if _, err := tx.WriteToUDPAddrPort([]byte("ping"), dst); err != nil {
				t.Fatal(err)
			}
			n, from, _ := readSoon(t, p, buf)
			if string(buf[:n]) != "ping" {
				t.Fatalf("read %q", buf[:n])
			}
			if _, err := p.WriteToUDPAddrPort([]byte("pong"), from); err != nil {
				t.Fatalf("write to %v: %v", from, err)
			}
			n, back, err := tx.ReadFromUDPAddrPort(buf)
			if err != nil || string(buf[:n]) != "pong" || back.Port() != rxPort {
				t.Fatalf("reply %q from %v, %v", buf[:n], back, err)
			}
			if _, err := tx.WriteToUDPAddrPort([]byte("ping"), refDst); err != nil {
				t.Fatal(err)
			}
			if _, want, err := ref.ReadFromUDPAddrPort(buf); err != nil || want != from {
				t.Errorf("net reads the source as %v (%v), the polled socket as %v", want, err, from)
			}
		})
	}
}

// The arrival time is the kernel's, not the time of the read.
func TestPolledConnArrivalTime(t *testing.T) {
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	p := polled(t, rx)
	if !p.stamps {
		t.Skip("SO_TIMESTAMPNS refused by this kernel: arrival is the read time")
	}
	// The kernel turns receive timestamps on a moment after the first
	// socket asks (deferred work); until then a datagram is stamped when it
	// is read. Wait for that with probes, as a real call's setup does.
	dst := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	var d time.Duration
	for range 20 {
		sent := time.Now()
		if _, err := tx.WriteToUDPAddrPort([]byte("x"), dst); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond) // read late, as an audio period would
		_, _, at := readSoon(t, p, make([]byte, 8))
		if d = at.Sub(sent); d < 40*time.Millisecond {
			break
		}
	}
	if d < 0 || d > 40*time.Millisecond {
		t.Errorf("arrival %v after the send; the read was 60 ms after it", d)
	}
	// A stamp off by more than a second (a clock step) is replaced by now.
	now := time.Now()
	if got := arrival(now, now.Add(-2*time.Second)); !got.Equal(now) {
		t.Errorf("stale stamp: %v, want now", got)
	}
	if got := arrival(now, now.Add(time.Second)); !got.Equal(now) {
		t.Errorf("future stamp: %v, want now", got)
	}
}

func TestPolledConnAllocatesNothing(t *testing.T) {
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	dst := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	r, w := polled(t, rx), polled(t, tx)
	pkt, buf := make([]byte, 172), make([]byte, 1500)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := w.WriteToUDPAddrPort(pkt, dst); err != nil {
			t.Fatal(err)
		}
		for {
			n, _, _, ok, err := r.tryRead(buf, time.Now)
			if err != nil || (ok && n != len(pkt)) {
				t.Fatal(n, err)
			}
			if ok {
				return
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per datagram sent and received", allocs)
	}
}

// A datagram larger than the buffer is reported, not delivered cut.
func TestPolledConnTruncated(t *testing.T) {
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	p := polled(t, rx)
	if _, err := tx.WriteToUDPAddrPort(make([]byte, 100), rx.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		_, _, _, ok, err := p.tryRead(make([]byte, 10), time.Now)
		if ok || err != nil {
			if !errors.Is(err, errTruncated) {
				t.Fatalf("ok %v err %v, want errTruncated", ok, err)
			}
			return
		}
	}
	t.Fatal("no datagram")
}

func TestPolledConnClosed(t *testing.T) {
	p := polled(t, listen(t, "udp4", "127.0.0.1:0"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := p.tryRead(make([]byte, 10), time.Now); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read on a closed socket: %v", err)
	}
	if _, err := p.WriteToUDPAddrPort([]byte{1}, netip.MustParseAddrPort("127.0.0.1:9")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write on a closed socket: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// An IPv6 destination cannot go out of an IPv4 socket: an error, no panic.
func TestPolledConnWrongFamily(t *testing.T) {
	p := polled(t, listen(t, "udp4", "127.0.0.1:0"))
	if _, err := p.WriteToUDPAddrPort([]byte{1}, netip.MustParseAddrPort("[::1]:9")); !errors.Is(err, errBadDst) {
		t.Errorf("write to [::1] from an IPv4 socket: %v", err)
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
