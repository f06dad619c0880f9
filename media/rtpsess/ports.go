package rtpsess

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
)

// bindPair binds an RTP socket on an even port and RTCP on the next port,
// both on local. With min == 0 the system picks; otherwise pairs in
// [min, max] are tried in order from a random even start, wrapping, and a
// busy pair is skipped.
func bindPair(local netip.Addr, min, max int, rng *rand.Rand) (rtpConn, rtcpConn *net.UDPConn, err error) {
	if min == 0 && max == 0 {
		return bindAny(local)
	}
	if min < 1 || max > 65535 || max < min+1 {
		return nil, nil, fmt.Errorf("%w: %d-%d", ErrBadPortRange, min, max)
	}
	first := min + min%2
	pairs := (max - first + 1) / 2
	if pairs < 1 {
		return nil, nil, fmt.Errorf("%w: %d-%d has no even/odd pair", ErrBadPortRange, min, max)
	}
	start := rng.IntN(pairs)
	for i := range pairs {
		port := first + 2*((start+i)%pairs)
		a, b, err := tryPair(local, port)
		if err == nil {
			return a, b, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: %d-%d", ErrNoPortPair, min, max)
}

// bindAny asks the system for an even RTP port whose successor is free.
func bindAny(local netip.Addr) (*net.UDPConn, *net.UDPConn, error) {
	for range 64 {
		a, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, 0)))
		if err != nil {
			return nil, nil, fmt.Errorf("net.ListenUDP: %w", err)
		}
		port := a.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 || port == 65535 {
			_ = a.Close() // unused, never written: try another port
			continue
		}
		b, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, uint16(port+1))))
		if err != nil {
			_ = a.Close() // unused, never written: the next port is taken, try another pair
			continue
		}
		return a, b, nil
	}
	return nil, nil, ErrNoPortPair
}

func tryPair(local netip.Addr, port int) (*net.UDPConn, *net.UDPConn, error) {
	a, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, uint16(port))))
	if err != nil {
		return nil, nil, err
	}
	b, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, uint16(port+1))))
	if err != nil {
		_ = a.Close() // unused, never written: the listen error is the one to report
		return nil, nil, err
	}
	return a, b, nil
}
