package rtpsess

import (
	"net/netip"
)

// packetConn is how RTP datagrams are sent: the *net.UDPConn of a session
// that reads on its own goroutine, or the polledConn of a polled session
// (Linux, udpio_linux.go).
type packetConn interface {
	WriteToUDPAddrPort(b []byte, dst netip.AddrPort) (int, error)
	Close() error
}
