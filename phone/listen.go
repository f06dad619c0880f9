package phone

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// listeners are the sockets Run serves.
type listeners struct {
	udp net.PacketConn
	tcp net.Listener
	tls net.Listener
}

func (l *listeners) close() {
	if l.udp != nil {
		l.udp.Close()
	}
	if l.tcp != nil {
		l.tcp.Close()
	}
	if l.tls != nil {
		l.tls.Close()
	}
}

// listen binds the configured transports on one port.
func (p *Phone) listen() (*listeners, error) {
	ap := netip.MustParseAddrPort(p.cfg.Listen)
	p.bindIP = ap.Addr().Unmap()
	ln := &listeners{}
	var err error
	switch p.cfg.Transport {
	case "udp":
		ln.udp, err = net.ListenPacket("udp", ap.String())
	case "tcp":
		ln.tcp, err = net.Listen("tcp", ap.String())
	case "both":
		err = listenBoth(ln, ap)
	}
	if err != nil {
		return nil, fmt.Errorf("listen %s %s: %w", p.cfg.Transport, ap, err)
	}
	var bound net.Addr
	if ln.udp != nil {
		bound = ln.udp.LocalAddr()
	} else {
		bound = ln.tcp.Addr()
	}
	p.addr = netip.MustParseAddrPort(bound.String())
	p.udp, p.tcp = ln.udp != nil, ln.tcp != nil
	if ln.udp != nil {
		// sipgo keys its connection pool by the socket's own address: a
		// wildcard "0.0.0.0" is bound dual-stack by Go and reads back "[::]".
		p.laddr = sip.Addr{IP: net.IP(p.addr.Addr().AsSlice()), Port: int(p.addr.Port())}
		tc := &tracedPacketConn{PacketConn: ln.udp, p: p}
		tc.gate = newGate(p, tc.PacketConn, &tc.sent)
		p.gate = tc.gate
		ln.udp = tc
	}
	if ln.tcp != nil {
		ln.tcp = &tracedListener{Listener: ln.tcp, p: p}
	}
	if t := p.cfg.TLS; t != nil && t.Listen != "" {
		raw, err := net.Listen("tcp", t.Listen)
		if err != nil {
			ln.close()
			return nil, fmt.Errorf("listen tls %s: %w", t.Listen, err)
		}
		p.tlsAt = netip.MustParseAddrPort(raw.Addr().String())
		p.tlsAt = netip.AddrPortFrom(p.tlsAt.Addr().Unmap(), p.tlsAt.Port())
		p.tlsOn = true
		ln.tls = newTLSListener(p, &tracedListener{Listener: raw, p: p, encrypted: true}, t.serverTLS())
	}
	return ln, nil
}

// listenBoth binds UDP, then TCP on the same port; with port 0 it retries
// when the TCP port happens to be taken.
func listenBoth(ln *listeners, ap netip.AddrPort) error {
	for try := 0; ; try++ {
		u, err := net.ListenPacket("udp", ap.String())
		if err != nil {
			return err
		}
		_, port, _ := net.SplitHostPort(u.LocalAddr().String())
		t, err := net.Listen("tcp", net.JoinHostPort(ap.Addr().String(), port))
		if err == nil {
			ln.udp, ln.tcp = u, t
			return nil
		}
		u.Close()
		if ap.Port() != 0 || try == 9 {
			return err
		}
	}
}

// startServing builds the sipgo stack on the listeners and starts serving.
func (p *Phone) startServing(ln *listeners) error {
	sipLog := p.cfg.Logger.With("component", "sipgo")
	sipLog = demoted(sipLog)
	opts := []sipgo.UserAgentOption{}
	if t := p.cfg.TLS; t != nil {
		opts = append(opts, sipgo.WithUserAgenTLSConfig(t.clientTLS()))
	}
	ua, err := sipgo.NewUA(append(opts,
		sipgo.WithUserAgent(p.cfg.UserAgent),
		sipgo.WithUserAgentTransportLayerOptions(
			sip.WithTransportLayerLogger(sipLog),
			sip.WithTransportLayerReadFilter(p.traceStreamRead),
		),
		sipgo.WithUserAgentTransactionLayerOptions(
			sip.WithTransactionLayerLogger(sipLog),
			sip.WithTransactionLayerUnhandledResponseHandler(p.onStrayResponse),
		),
	)...)
	if err != nil {
		return fmt.Errorf("sipgo.NewUA: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(sipLog))
	if err != nil {
		ua.Close()
		return fmt.Errorf("sipgo.NewServer: %w", err)
	}
	p.ua = ua
	p.route(srv)
	if ln.udp != nil {
		p.serve.Go(func() { p.serveUDP(srv, ln.udp) })
	}
	if ln.tcp != nil {
		p.serve.Go(func() { serveErr(p, srv.ServeTCP(ln.tcp)) })
	}
	if ln.tls != nil {
		p.serve.Go(func() { serveErr(p, srv.ServeTLS(ln.tls)) })
	}
	if ln.udp != nil {
		return p.awaitUDPPool()
	}
	return nil
}

// awaitUDPPool waits until sipgo has registered the UDP listener in its
// connection pool: before that, a request with Laddr would try to bind the
// listening port again.
func (p *Phone) awaitUDPPool() error {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(5 * time.Second)
	for {
		if c, err := p.ua.TransportLayer().GetConnection("udp", p.laddr.String()); err == nil && c != nil {
			c.TryClose()
			return nil
		}
		select {
		case <-tick.C:
		case <-deadline:
			return fmt.Errorf("sipgo: UDP listener not registered")
		}
	}
}

// serveUDP runs sipgo's UDP reader on conn, again each time the gate ends
// it to recycle sipgo's address table (gate_recycle.go).
func (p *Phone) serveUDP(srv *sipgo.Server, conn net.PacketConn) {
	for {
		err := srv.ServeUDP(conn)
		tc, ok := conn.(*tracedPacketConn)
		if !ok || !tc.recycled || p.stopping() {
			serveErr(p, err)
			return
		}
		tc.recycled = false
	}
}

func serveErr(p *Phone, err error) {
	if err != nil && !errors.Is(err, net.ErrClosed) {
		p.log.Error("serve stopped", "err", err)
	}
}

// hostPort is our address as advertised towards a peer at ip, on
// transport (the TLS listener has a port of its own).
func (p *Phone) hostPort(local netip.Addr, transport string) (string, int) {
	if isTLS(transport) && p.tlsOn {
		return local.String(), int(p.tlsAt.Port())
	}
	return local.String(), int(p.addr.Port())
}
