package phone

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// TLS is SIP over TLS (RFC 3261 26.2; RFC 5630 for sips:).
type TLS struct {
	// Listen is the TLS listener's "ip:port" (port 0 picks one).
	Listen string
	// Certificate is this unit's: the server's to callers, the client's
	// when it calls.
	Certificate tls.Certificate
	// VerifyPeer decides whether a peer's certificate (leaf first) is
	// trusted: the server's when we connect (host as dialled), a caller's
	// client certificate when it presents one (host ""). nil trusts none.
	VerifyPeer func(chain []*x509.Certificate, host string) error
	// Default makes "tls" the transport of targets that do not say.
	Default bool
}

// TLS handshakes: bounded in number and time, so that garbage or a stalled
// client on the TLS port holds neither a goroutine nor a slot for long.
const (
	tlsHandshakeTimeout = 10 * time.Second
	maxTLSHandshakes    = 32
)

// ErrUntrusted is a peer certificate that VerifyPeer refused.
var ErrUntrusted = errors.New("phone: peer certificate not trusted")

// Fingerprint is the SHA-256 fingerprint of a DER certificate as 32
// colon-separated upper-case hex bytes ("AB:CD:...": RFC 4572's form).
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	var b strings.Builder
	for i, x := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strings.ToUpper(hex.EncodeToString([]byte{x})))
	}
	return b.String()
}

// serverTLS is the listener's configuration: TLS 1.2+, our certificate,
// a client certificate asked for (not required) and checked when given.
func (t *TLS) serverTLS() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{t.Certificate},
		ClientAuth:   tls.RequestClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return nil // no client certificate: the call is not authenticated by it
			}
			return t.verify(cs.PeerCertificates, "")
		},
	}
}

// clientTLS is what we dial with: TLS 1.2+, our certificate for servers
// that ask, and the server's certificate checked by VerifyPeer (pinned
// fingerprint or CA), not by Go's default (a door station's peers have
// self-made certificates).
func (t *TLS) clientTLS() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// TLS 1.2 when we call: a server that refuses our client
		// certificate says so inside the handshake, and the dial fails at
		// once with "bad certificate". In TLS 1.3 the refusal comes after
		// the client's handshake has finished, when the INVITE is already
		// written: sipgo would not see it, and the call would wait for its
		// ring timeout.
		MaxVersion:         tls.VersionTLS12,
		Certificates:       []tls.Certificate{t.Certificate},
		InsecureSkipVerify: true, // VerifyConnection below does the checking
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return fmt.Errorf("%w: the server sent no certificate", ErrUntrusted)
			}
			return t.verify(cs.PeerCertificates, cs.ServerName)
		},
	}
}

func (t *TLS) verify(chain []*x509.Certificate, host string) error {
	if t.VerifyPeer == nil {
		return fmt.Errorf("%w: no trusted peer configured", ErrUntrusted)
	}
	if err := t.VerifyPeer(chain, host); err != nil {
		return fmt.Errorf("%w: %s (fingerprint %s): %v", ErrUntrusted, chain[0].Subject.CommonName, Fingerprint(chain[0].Raw), err)
	}
	return nil
}

// tlsListener hands sipgo only connections whose handshake completed:
// handshakes run beside Accept, at most maxTLSHandshakes at once and each
// within tlsHandshakeTimeout.
type tlsListener struct {
	net.Listener // the TCP listener
	conf         *tls.Config
	p            *Phone
	ready        chan net.Conn
	slots        chan struct{}
	done         chan struct{}
	once         sync.Once
	wg           sync.WaitGroup
	mu           sync.Mutex
	acceptErr    error // (mu) why the TCP listener stopped
}

func newTLSListener(p *Phone, l net.Listener, conf *tls.Config) *tlsListener {
	tl := &tlsListener{Listener: l, conf: conf, p: p, ready: make(chan net.Conn),
		slots: make(chan struct{}, maxTLSHandshakes), done: make(chan struct{})}
	tl.wg.Add(1)
	go tl.acceptLoop()
	return tl
}

func (l *tlsListener) acceptLoop() {
	defer l.wg.Done()
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			l.mu.Lock()
			l.acceptErr = err
			l.mu.Unlock()
			l.Close()
			return
		}
		select {
		case l.slots <- struct{}{}:
		default:
			c.Close()
			l.p.warnLimited("TLS connection refused: too many handshakes in progress", "from", c.RemoteAddr().String(),
				"max", maxTLSHandshakes)
			continue
		}
		l.wg.Add(1)
		go l.handshake(c)
	}
}

func (l *tlsListener) handshake(raw net.Conn) {
	defer l.wg.Done()
	defer func() { <-l.slots }()
	ctx, cancel := context.WithTimeout(context.Background(), tlsHandshakeTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Now()) })
	c := tls.Server(raw, l.conf)
	err := c.HandshakeContext(ctx)
	stop()
	if err != nil {
		raw.Close()
		l.p.warnLimited("TLS handshake failed", "from", raw.RemoteAddr().String(), "err", err)
		return
	}
	raw.SetDeadline(time.Time{})
	var conn net.Conn = &tracedTLS{Conn: c, p: l.p}
	if certs := c.ConnectionState().PeerCertificates; len(certs) > 0 {
		// The client proved a trusted certificate (VerifyPeer passed): the
		// requests of this connection come from an authenticated peer.
		conn = l.p.trusted.add(conn, Fingerprint(certs[0].Raw))
	}
	select {
	case l.ready <- conn:
	case <-l.done:
		conn.Close()
	}
}

// trustedConns are the TLS connections whose client presented a trusted
// certificate, by remote address ("ip:port" as sipgo reports a request's
// source), until they close.
type trustedConns struct {
	mu sync.Mutex
	by map[string]string // remote address -> the certificate's fingerprint
}

// add records c and returns it wrapped so that closing it forgets it.
func (t *trustedConns) add(c net.Conn, fp string) net.Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.by == nil {
		t.by = map[string]string{}
	}
	t.by[c.RemoteAddr().String()] = fp
	return &trustedConn{Conn: c, t: t}
}

// of returns the fingerprint of the trusted client at addr, if any.
func (t *trustedConns) of(addr string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fp, ok := t.by[addr]
	return fp, ok
}

type trustedConn struct {
	net.Conn
	t    *trustedConns
	once sync.Once
}

func (c *trustedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.by, c.Conn.RemoteAddr().String())
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}

// authenticatedCaller reports whether req, an incoming INVITE, comes from
// a peer that proved who it is: over TLS, from a client certificate that
// VerifyPeer trusted, or from the registrar (over the TLS connection whose
// server certificate we checked).
func (p *Phone) authenticatedCaller(req *sip.Request) bool {
	if !isTLS(req.Transport()) {
		return false
	}
	if _, ok := p.trusted.of(req.Source()); ok {
		return true
	}
	return p.isProxy(sourceAddr(req).Addr())
}

// Accept returns the next connection whose handshake completed.
func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.done:
		l.mu.Lock()
		err := l.acceptErr
		l.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return nil, net.ErrClosed
	}
}

// Close stops accepting; handshakes in progress end.
func (l *tlsListener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
	})
	return err
}

// isTLS reports whether a transport name is TLS.
func isTLS(transport string) bool { return strings.EqualFold(transport, "TLS") }
