//go:build !(linux && (amd64 || arm64 || arm))

package rtpsess

import (
	"errors"
	"net"
	"net/netip"
	"time"
)

// pollSupported: elsewhere a session reads RTP on its own goroutine.
const pollSupported = false

// polledConn exists on Linux only; newPolledConn always fails here.
type polledConn struct{}

func newPolledConn(*net.UDPConn) (*polledConn, error) { return nil, errors.ErrUnsupported }

func (*polledConn) readBatch(func() time.Time) ([]datagram, error) { return nil, net.ErrClosed }

func (*polledConn) WriteToUDPAddrPort([]byte, netip.AddrPort) (int, error) { return 0, net.ErrClosed }

func (*polledConn) Close() error { return nil }
