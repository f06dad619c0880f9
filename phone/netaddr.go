package phone

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// allowList is Config.Allow resolved to prefixes; empty allows anyone.
type allowList []netip.Prefix

// parseAllow turns CIDRs, IPs and host names into prefixes. Host names are
// resolved once, here.
func parseAllow(ctx context.Context, entries []string) (allowList, error) {
	var out allowList
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if pf, err := netip.ParsePrefix(e); err == nil {
			out = append(out, pf.Masked())
			continue
		}
		if a, err := netip.ParseAddr(e); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", e)
		if err != nil || len(addrs) == 0 {
			return nil, fmt.Errorf("%w: Allow entry %q: not a CIDR, IP or resolvable host: %v", ErrBadConfig, e, err)
		}
		for _, a := range addrs {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out, nil
}

// allows reports whether a caller at ip may call.
func (l allowList) allows(ip netip.Addr) bool {
	if len(l) == 0 {
		return true
	}
	ip = ip.Unmap()
	for _, pf := range l {
		if pf.Contains(ip) {
			return true
		}
	}
	return false
}

// localFor is the address we advertise (Contact, Via, SDP) to a peer at ip:
// PublicAddr, else the listening IP, else the local address that routes to
// the peer (a connected UDP socket sends nothing but picks the route).
func (p *Phone) localFor(peer netip.Addr) netip.Addr {
	if p.public.IsValid() {
		return p.public
	}
	if !p.bindIP.IsUnspecified() {
		return p.bindIP
	}
	peer = peer.Unmap()
	if peer.IsValid() {
		if c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(peer, 9))); err == nil {
			la := c.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap()
			c.Close()
			if la.IsValid() && !la.IsUnspecified() {
				return la
			}
		}
	}
	if p.bindIP.Is6() {
		return netip.IPv6Loopback()
	}
	return netip.AddrFrom4([4]byte{127, 0, 0, 1})
}

// target is a parsed dial target.
type target struct {
	uri       sip.Uri
	transport string // "UDP" or "TCP"
}

// parseTarget accepts an IP, ip:port, host[:port] or a sip:/sips: URI.
func (p *Phone) parseTarget(s string) (target, error) {
	u, err := parseURI(s)
	if err != nil {
		return target{}, fmt.Errorf("%w: %q: %v", ErrBadTarget, strings.TrimSpace(s), err)
	}
	t := target{uri: u, transport: p.defaultTransport()}
	if tp, ok := u.UriParams.Get("transport"); ok {
		t.transport = strings.ToUpper(tp)
	}
	if strings.EqualFold(u.Scheme, "sips") {
		t.transport = "TLS"
	}
	if t.transport == "TLS" && u.Port == 0 {
		t.uri.Port = 5061
	}
	if !p.serves(t.transport) {
		return target{}, fmt.Errorf("%w: %q: transport %s not served", ErrBadTarget, s, t.transport)
	}
	return t, nil
}

// serves reports whether we listen on a transport ("UDP", "TCP", "TLS").
func (p *Phone) serves(transport string) bool {
	return (transport == "UDP" && p.udp) || (transport == "TCP" && p.tcp) || (transport == "TLS" && p.tlsOn)
}

func (p *Phone) defaultTransport() string {
	if t := p.cfg.TLS; t != nil && t.Default && p.tlsOn {
		return "TLS"
	}
	if p.udp {
		return "UDP"
	}
	return "TCP"
}

// resolve returns the address a target's host and port stand for.
func resolve(ctx context.Context, u sip.Uri) (netip.AddrPort, error) {
	port := u.Port
	if port == 0 {
		port = 5060
	}
	host := strings.TrimSuffix(strings.TrimPrefix(u.Host, "["), "]")
	if a, err := netip.ParseAddr(host); err == nil {
		return netip.AddrPortFrom(a.Unmap(), uint16(port)), nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
	if err != nil || len(addrs) == 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: resolve %q: %v", ErrUnreachable, host, err)
	}
	return netip.AddrPortFrom(addrs[0].Unmap(), uint16(port)), nil
}

// sourceAddr is where a request came from.
func sourceAddr(req *sip.Request) netip.AddrPort {
	ap, err := netip.ParseAddrPort(req.Source())
	if err != nil {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
