package rtpsess

import (
	"net/netip"
	"time"
)

// packetConn is how RTP datagrams are sent: the *net.UDPConn of a session
// that reads on its own goroutine, or the polledConn of a polled session
// (Linux, udpio_linux.go).
type packetConn interface {
	WriteToUDPAddrPort(b []byte, dst netip.AddrPort) (int, error)
	Close() error
}

// pollBatch is the most datagrams a polled socket reads with one system
// call (recvmmsg(2) on Linux); Poll reads again only after a full batch.
const pollBatch = 8

// datagram is one read from a polled socket: its bytes (the socket's
// buffer, valid until the next read), source and arrival time; err is
// errTruncated for a datagram larger than the buffer (b is then nil).
type datagram struct {
	b    []byte
	from netip.AddrPort
	at   time.Time
	err  error
}
