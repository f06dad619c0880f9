package phone

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
)

// The console trace: every SIP message sent and received is logged
// at debug level as one record whose message is
//
//	===== 192.168.5.143:5060 | SIP Sent =====
//	INVITE sip:192.168.5.143 SIP/2.0
//	...
//
// UDP is traced on the socket (every datagram, including what sipgo sends
// by itself); TCP reads are traced per read and TCP writes on accepted
// connections. Writes on TCP connections that sipgo dials are not traced.

// trace logs one message in the trace's format.
func (p *Phone) trace(peer string, sent bool, msg []byte) {
	if !p.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	dir := "SIP Received"
	if sent {
		dir = "SIP Sent"
	}
	p.log.Debug("===== " + peer + " | " + dir + " =====\n" + string(msg))
}

// tracedPacketConn traces every datagram of the UDP listener and puts the
// gate (gate.go) in front of sipgo.
type tracedPacketConn struct {
	net.PacketConn
	p    *Phone
	gate *gate
	// recycled: the last read returned errRecycle (Run serves again). Only
	// sipgo's reader goroutine, which also calls ServeUDP, uses it.
	recycled bool
	sent     sentTo // where sipgo and the phone sent datagrams (not the gate's replies)
}

// ReadFrom traces each datagram and returns the next one the gate lets
// through; once the phone stops, datagrams are dropped (sipgo skips empty
// reads) so that no handling starts while the sockets close (it would make
// sipgo open a new socket to answer).
func (c *tracedPacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.read(b)
		if err != nil {
			return n, addr, err
		}
		if c.p.stopping() {
			return 0, addr, nil
		}
		if n > 4 {
			c.p.trace(addr.String(), false, b[:n])
		}
		if c.gate == nil || c.gate.filter(b[:n], addr) {
			return n, addr, nil
		}
	}
}

// read reads one datagram; while the gate's address table is full it reads
// with a deadline, and recycles the table after recycleQuiet of silence
// (gate_recycle.go).
func (c *tracedPacketConn) read(b []byte) (int, net.Addr, error) {
	for {
		full := c.gate != nil && c.gate.addrs.full()
		if !full {
			return c.PacketConn.ReadFrom(b)
		}
		// SetReadDeadline fails only on a closed socket, which ReadFrom reports.
		_ = c.PacketConn.SetReadDeadline(time.Now().Add(recycleQuiet)) // fails only closed: ReadFrom says so
		n, addr, err := c.PacketConn.ReadFrom(b)
		_ = c.PacketConn.SetReadDeadline(time.Time{}) // likewise
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return n, addr, err
		}
		if c.gate.recycle() {
			c.recycled = true
			return 0, nil, errRecycle
		}
	}
}

// WriteTo traces before writing, so that the trace precedes any answer,
// and notes the destination for the gate.
func (c *tracedPacketConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	c.p.trace(addr.String(), true, b)
	if ua, ok := addr.(*net.UDPAddr); ok {
		c.sent.add(ua.AddrPort().Addr())
	}
	return c.PacketConn.WriteTo(b, addr)
}

// TCP connections open at once, in all and per peer IP: a connection
// beyond either cap is closed as soon as it is accepted. The gate does not
// read TCP (sipgo frames the stream itself), so these caps and sipgo's
// 64 KB message limit are what bound TCP peers; the per-IP cap keeps one
// host from taking every place.
const (
	maxTCPConns = 64
	maxTCPPerIP = 8
)

// tracedListener traces writes on accepted TCP connections and caps how
// many are open.
type tracedListener struct {
	net.Listener
	p *Phone
	// encrypted: its connections carry TLS records, which are not traced
	// (the TLS connection above them traces the SIP it writes).
	encrypted bool

	mu    sync.Mutex
	open  int
	perIP map[netip.Addr]int // at most maxTCPConns entries: open connections only
}

func (l *tracedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c)
		if !l.take(ip) {
			c.Close()
			l.p.warnLimited("TCP connection refused: too many open", "from", c.RemoteAddr().String(),
				"max", maxTCPConns, "max_per_ip", maxTCPPerIP)
			continue
		}
		return &tracedConn{Conn: c, p: l.p, l: l, ip: ip, quiet: l.encrypted}, nil
	}
}

// take makes room for a connection from ip, if there is some.
func (l *tracedListener) take(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= maxTCPConns || l.perIP[ip] >= maxTCPPerIP {
		return false
	}
	if l.perIP == nil {
		l.perIP = make(map[netip.Addr]int)
	}
	l.open++
	l.perIP[ip]++
	return true
}

// release frees the place of a closed connection from ip.
func (l *tracedListener) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.perIP[ip]--; l.perIP[ip] <= 0 {
		delete(l.perIP, ip)
	}
}

func remoteIP(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

type tracedConn struct {
	net.Conn
	p      *Phone
	l      *tracedListener
	ip     netip.Addr
	quiet  bool // TLS records: not traced here
	closed atomic.Bool
}

func (c *tracedConn) Write(b []byte) (int, error) {
	if !c.quiet {
		c.p.trace(c.RemoteAddr().String(), true, b)
	}
	return c.Conn.Write(b)
}

// tracedTLS traces what is written on an accepted TLS connection, in
// clear, as tracedConn does for TCP.
type tracedTLS struct {
	net.Conn
	p *Phone
}

func (c *tracedTLS) Write(b []byte) (int, error) {
	c.p.trace(c.RemoteAddr().String(), true, b)
	return c.Conn.Write(b)
}

// Close frees the connection's place (once).
func (c *tracedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.l.release(c.ip)
	}
	return c.Conn.Close()
}

// traceStreamRead is sipgo's read filter: it traces stream (TCP) reads
// (UDP is traced on the socket) and spends them from the TCP byte budget;
// a connection past it is closed.
func (p *Phone) traceStreamRead(info sip.TransportReadProps, data []byte) ([]byte, error) {
	if p.stopping() {
		return nil, nil
	}
	if info.Transport != "UDP" && info.RemoteAddr != nil {
		p.trace(info.RemoteAddr.String(), false, data)
		ap, _ := netip.ParseAddrPort(info.RemoteAddr.String()) // an invalid address shares one budget
		if err := p.tcpIn.spend(ap.Addr().Unmap(), len(data), time.Now()); err != nil {
			p.warnLimited("TCP connection closed: over its byte budget", "from", info.RemoteAddr.String(),
				"per_ip_bytes_per_s", tcpPerIP.rate, "all_bytes_per_s", tcpAll.rate)
			return nil, err
		}
	}
	return data, nil
}

// demoted returns a logger whose records are all at debug level: sipgo logs
// every unparsable datagram as an error, which a peer could use to flood
// the log.
func demoted(l *slog.Logger) *slog.Logger {
	return slog.New(demoteHandler{l.Handler()})
}

type demoteHandler struct{ h slog.Handler }

func (d demoteHandler) Enabled(ctx context.Context, _ slog.Level) bool {
	return d.h.Enabled(ctx, slog.LevelDebug)
}

func (d demoteHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level > slog.LevelDebug {
		r.AddAttrs(slog.String("sipgo_level", r.Level.String()))
		r.Level = slog.LevelDebug
	}
	return d.h.Handle(ctx, r)
}

func (d demoteHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return demoteHandler{d.h.WithAttrs(as)}
}

func (d demoteHandler) WithGroup(name string) slog.Handler {
	return demoteHandler{d.h.WithGroup(name)}
}
