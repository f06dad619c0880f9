package rtpsess

import (
	"net"
	"net/netip"
)

// packetConn is the per-packet I/O of the RTP socket. On Linux it is made of
// raw system calls (udpio_linux.go); elsewhere it is the net.UDPConn's own.
type packetConn interface {
	ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error)
	WriteToUDPAddrPort(b []byte, dst netip.AddrPort) (int, error)
}

// stdConn is the portable packetConn.
func stdConn(c *net.UDPConn) packetConn { return c }
