package mqttbridge

import (
	"context"
	"crypto/tls"
	"net"
	"net/url"
	"sync"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// dialer opens a session's connection for paho: TCP, or TLS over it,
// dialled with the session's ctx, so that ending Run ends a dial at once.
// Until the session's CONNACK (connected), ending ctx closes the socket,
// which ends a handshake at once too.
type dialer struct {
	ctx  context.Context
	tls  *tls.Config // nil: plain TCP
	addr string

	mu   sync.Mutex
	stop func() bool // unregisters the close on ctx
	conn net.Conn    // the session's socket, once dialled
}

// open is paho's OpenConnectionFunc; the broker URL was checked by New.
func (d *dialer) open(_ *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
	nd := &net.Dialer{Timeout: connectTimeout}
	var conn net.Conn
	var err error
	if d.tls != nil {
		conn, err = (&tls.Dialer{NetDialer: nd, Config: d.tls}).DialContext(d.ctx, "tcp", d.addr)
	} else {
		conn, err = nd.DialContext(d.ctx, "tcp", d.addr)
	}
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop != nil {
		d.stop()
	}
	d.stop = context.AfterFunc(d.ctx, func() { _ = conn.Close() })
	d.conn = conn
	return conn, nil
}

// abort closes the session's socket without a DISCONNECT, so that the
// broker publishes the will ("offline"): the way to leave when "offline"
// could not be published, since a DISCONNECT cancels the will.
func (d *dialer) abort() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		_ = d.conn.Close()
	}
}

// connected ends the close on ctx.
func (d *dialer) connected() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop != nil {
		d.stop()
	}
}
