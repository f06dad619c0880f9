package mqttbridge

import (
	"context"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Connection timings; the package comment states them.
const (
	minBackoff     = 1 * time.Second
	maxBackoff     = 60 * time.Second
	stableAfter    = 60 * time.Second // a session this long resets the backoff
	keepAlive      = 30 * time.Second
	pingTimeout    = 10 * time.Second
	connectTimeout = 10 * time.Second
	writeTimeout   = 5 * time.Second
	offlineWait    = 600 * time.Millisecond // for the PUBACK of "offline" at the end
	quiesce        = 250                    // ms Disconnect waits for its DISCONNECT
)

// runConnection connects, serves the session until the connection is lost,
// and retries after 1 s, doubling to 60 s, until ctx ends. The backoff
// goes back to 1 s after a session that lasted stableAfter.
func (b *Bridge) runConnection(ctx context.Context) {
	backoff := minBackoff
	for {
		began := time.Now()
		up := b.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if up && time.Since(began) >= stableAfter {
			backoff = minBackoff
		}
		b.log.Debug("mqtt: reconnecting", "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// session makes one connection and serves it until it is lost or ctx
// ends; it reports whether the connection came up. Every paho goroutine
// of the session has ended, or is ending, when it returns.
func (b *Bridge) session(ctx context.Context) bool {
	lost := make(chan error, 1)
	d := &dialer{ctx: ctx, tls: b.tls, addr: b.addr}
	c := mqtt.NewClient(b.options(d, lost))
	tok := c.Connect()
	<-tok.Done() // bounded: the dial follows ctx, the handshake connectTimeout
	d.connected()
	if err := tok.Error(); err != nil {
		if ctx.Err() == nil {
			b.log.Warn("mqtt: cannot connect", "broker", b.cfg.Broker, "err", err)
		}
		return false
	}
	b.log.Info("mqtt: connected", "broker", b.cfg.Broker, "client_id", b.cfg.NodeID())
	if err := b.greet(ctx, c); err != nil {
		b.link.clear()
		if ctx.Err() != nil {
			b.goodbye(ctx, c, d) // stopped while greeting: "offline" all the same
			return true
		}
		b.log.Warn("mqtt: dropping the connection", "err", err)
		d.abort() // the will says "offline" while it is retried
		c.Disconnect(quiesce)
		return true
	}
	select {
	case err := <-lost:
		b.link.clear()
		b.log.Warn("mqtt: connection lost", "broker", b.cfg.Broker, "err", err)
	case <-ctx.Done():
		b.link.clear()
		b.goodbye(ctx, c, d)
	}
	return true
}

// options are one session's client options: no paho retries (runConnection
// retries), a clean session, and "offline" as the retained last will.
func (b *Bridge) options(d *dialer, lost chan<- error) *mqtt.ClientOptions {
	o := mqtt.NewClientOptions().AddBroker(b.cfg.Broker).
		SetClientID(b.cfg.NodeID()).
		SetCleanSession(true).
		SetAutoReconnect(false).SetConnectRetry(false).
		SetProtocolVersion(4).
		SetKeepAlive(keepAlive).SetPingTimeout(pingTimeout).
		SetConnectTimeout(connectTimeout).SetWriteTimeout(writeTimeout).
		SetOrderMatters(true).
		SetWill(b.topics.availability, offline, 1, true).
		SetCustomOpenConnectionFn(d.open).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case lost <- err:
			default:
			}
		})
	if b.cfg.Username != "" {
		o.SetUsername(b.cfg.Username).SetPassword(b.cfg.Password)
	}
	return o
}

// greet runs at each connect: subscribe to the commands, then publish
// "online", the discovery configs and the unit's state. An error means
// the session is of no use (no commands, or the broker takes nothing).
func (b *Bridge) greet(ctx context.Context, c mqtt.Client) error {
	if err := wait(ctx, c.Subscribe(b.topics.cmd+"+", 1, b.onMessage), true); err != nil {
		return fmt.Errorf("subscribe %s+: %w", b.topics.cmd, err)
	}
	if err := publish(ctx, c, retained(b.topics.availability, []byte(online))); err != nil {
		return fmt.Errorf("publish %s: %w", b.topics.availability, err)
	}
	b.link.set(c)
	sctx, cancel := context.WithTimeout(ctx, snapshotWait)
	snap, err := b.unit.Snapshot(sctx)
	cancel()
	var state *State
	if err != nil {
		b.log.Warn("mqtt: no state to publish", "err", err)
	} else {
		state = &snap
	}
	msgs := b.discoveryMessages(state)
	if state != nil {
		msgs = append(msgs, b.stateMessages(*state)...)
	}
	for _, m := range msgs {
		if err := publish(ctx, c, m); err != nil {
			return fmt.Errorf("publish %s: %w", m.topic, err)
		}
	}
	return nil
}

// goodbye publishes "offline" (retained) and disconnects, in at most
// offlineWait + quiesce ms. The will is not sent after a DISCONNECT: when
// "offline" could not be published, the socket is closed first (abort),
// and the broker publishes the will instead.
func (b *Bridge) goodbye(ctx context.Context, c mqtt.Client, d *dialer) {
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), offlineWait)
	defer cancel()
	if err := publish(octx, c, retained(b.topics.availability, []byte(offline))); err != nil {
		b.log.Warn("mqtt: could not publish offline: closing without a goodbye, for the will", "err", err)
		d.abort()
	}
	c.Disconnect(quiesce)
	b.log.Info("mqtt: disconnected", "broker", b.cfg.Broker)
}
