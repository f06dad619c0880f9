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

// readSoon polls p until a batch is there (at most 5 s).
func readSoon(t *testing.T, p *polledConn) []datagram {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		batch, err := p.readBatch(time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) > 0 {
			return batch
		}
	}
	t.Fatal("no datagram within 5 s")
	return nil
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
			if batch, err := p.readBatch(time.Now); len(batch) != 0 || err != nil {
				t.Fatalf("empty socket: %d datagrams, err %v", len(batch), err)
			}
			if _, err := tx.WriteToUDPAddrPort([]byte("ping"), dst); err != nil {
				t.Fatal(err)
			}
			batch := readSoon(t, p)
			if len(batch) != 1 || string(batch[0].b) != "ping" || batch[0].err != nil {
				t.Fatalf("read %+v", batch)
			}
			from := batch[0].from
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

// stampsOn returns once the kernel stamps datagrams when they arrive, and
// keeps it so for the test with a socket of its own. Linux turns receive
// timestamps on a moment after the first socket asks (deferred work), and
// off again after the last one closes; until then a datagram is stamped
// when it is read. A real call's setup gives it that moment.
func stampsOn(t *testing.T) {
	t.Helper()
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	p := polled(t, rx)
	if !p.stamps {
		t.Skip("SO_TIMESTAMPNS refused (by the kernel, or by qemu-user, which does not pass it on): arrival is the read time")
	}
	dst := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	for range 50 {
		sent := time.Now()
		if _, err := tx.WriteToUDPAddrPort([]byte("x"), dst); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		if at := readSoon(t, p)[0].at; at.Sub(sent) < 15*time.Millisecond {
			return
		}
	}
	t.Fatal("the kernel stamped no datagram on arrival in 50 tries")
}

// The arrival time is the kernel's, not the time of the read.
func TestPolledConnArrivalTime(t *testing.T) {
	stampsOn(t)
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	p := polled(t, rx)
	sent := time.Now()
	if _, err := tx.WriteToUDPAddrPort([]byte("x"), rx.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond) // read late, as an audio period would
	// The kernel's stamp is a wall-clock time, compared with sent's wall
	// clock: a clock being slewed or stepped (NTP on a shared VM) can put
	// it a little before the send (-0.47 ms seen). What matters is that it
	// is the arrival, not the read 60 ms later.
	if d := readSoon(t, p)[0].at.Sub(sent); d < -5*time.Millisecond || d > 40*time.Millisecond {
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
	pkt := make([]byte, 172)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := w.WriteToUDPAddrPort(pkt, dst); err != nil {
			t.Fatal(err)
		}
		for {
			batch, err := r.readBatch(time.Now)
			if err != nil || (len(batch) == 1 && len(batch[0].b) != len(pkt)) || len(batch) > 1 {
				t.Fatal(batch, err)
			}
			if len(batch) == 1 {
				return
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per datagram sent and received", allocs)
	}
}

// A datagram larger than the buffer is reported, not delivered cut, and
// the datagrams around it are read as usual.
func TestPolledConnTruncated(t *testing.T) {
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	p := polled(t, rx)
	dst := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	for _, size := range []int{10, maxDatagram + 100, 20} {
		if _, err := tx.WriteToUDPAddrPort(make([]byte, size), dst); err != nil {
			t.Fatal(err)
		}
	}
	var got []datagram
	for end := time.Now().Add(5 * time.Second); len(got) < 3 && time.Now().Before(end); {
		got = append(got, readSoon(t, p)...)
	}
	if len(got) != 3 || len(got[0].b) != 10 || got[0].err != nil || !errors.Is(got[1].err, errTruncated) ||
		got[1].b != nil || len(got[2].b) != 20 || got[2].err != nil {
		t.Fatalf("read %+v; want 10 bytes, errTruncated, 20 bytes", got)
	}
}

// One read takes what waits, up to pollBatch datagrams, in their order.
func TestPolledConnBatch(t *testing.T) {
	rx, tx := listen(t, "udp4", "127.0.0.1:0"), listen(t, "udp4", "127.0.0.1:0")
	p := polled(t, rx)
	dst := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	n := pollBatch + 3
	for i := range n {
		if _, err := tx.WriteToUDPAddrPort([]byte{byte(i)}, dst); err != nil {
			t.Fatal(err)
		}
	}
	// Loopback delivers in the sender's call: all are queued by now.
	first, err := p.readBatch(time.Now)
	if err != nil || len(first) != pollBatch {
		t.Fatalf("first read: %d datagrams, %v; want %d", len(first), err, pollBatch)
	}
	var seq []byte
	for _, d := range first {
		seq = append(seq, d.b[0])
	}
	rest, err := p.readBatch(time.Now)
	if err != nil || len(rest) != n-pollBatch {
		t.Fatalf("second read: %d datagrams, %v; want %d", len(rest), err, n-pollBatch)
	}
	for _, d := range rest {
		seq = append(seq, d.b[0])
	}
	for i, b := range seq {
		if int(b) != i {
			t.Fatalf("order %v", seq)
		}
	}
	if empty, err := p.readBatch(time.Now); len(empty) != 0 || err != nil {
		t.Fatalf("third read: %d, %v", len(empty), err)
	}
}

func TestPolledConnClosed(t *testing.T) {
	p := polled(t, listen(t, "udp4", "127.0.0.1:0"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.readBatch(time.Now); !errors.Is(err, net.ErrClosed) {
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
