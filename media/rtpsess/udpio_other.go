//go:build !(linux && (amd64 || arm64 || arm))

package rtpsess

import "net"

// newPacketConn returns c: raw system calls are used on Linux only.
func newPacketConn(c *net.UDPConn) packetConn { return stdConn(c) }
