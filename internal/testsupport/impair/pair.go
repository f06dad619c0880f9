package impair

import (
	"errors"
	"net"
	"net/netip"
)

// Pair relays an RTP/RTCP port pair: RTP is impaired with cfg, RTCP is
// forwarded unimpaired.
type Pair struct {
	RTP, RTCP *Relay
}

// NewPair relays to target (RTP) and target+1 (RTCP).
func NewPair(cfg Config, target netip.AddrPort) (*Pair, error) {
	la, lb, err := evenPair()
	if err != nil {
		return nil, err
	}
	oa, ob, err := evenPair()
	if err != nil {
		_, _ = la.Close(), lb.Close() // unused, never written: evenPair's error is the one to report
		return nil, err
	}
	rtcpTarget := netip.AddrPortFrom(target.Addr(), target.Port()+1)
	return &Pair{
		RTP:  newRelay(cfg, la, oa, target),
		RTCP: newRelay(Config{Seed: cfg.Seed + 1}, lb, ob, rtcpTarget),
	}, nil
}

// ListenPort is the even port the client sends RTP to.
func (p *Pair) ListenPort() int { return p.RTP.ListenPort() }

// OutPort is the even port the target sends its RTP answers to.
func (p *Pair) OutPort() int { return p.RTP.OutPort() }

// Close stops both relays.
func (p *Pair) Close() error { return errors.Join(p.RTP.Close(), p.RTCP.Close()) }

// evenPair binds an even port and its successor on 127.0.0.1.
func evenPair() (*net.UDPConn, *net.UDPConn, error) {
	for range 64 {
		a, err := listenLocal(0)
		if err != nil {
			return nil, nil, err
		}
		p := port(a)
		if p%2 != 0 || p == 65535 {
			_ = a.Close() // unused, never written: try another port
			continue
		}
		b, err := listenLocal(p + 1)
		if err != nil {
			_ = a.Close() // unused, never written: the next port is taken, try another pair
			continue
		}
		return a, b, nil
	}
	return nil, nil, ErrNoPorts
}
