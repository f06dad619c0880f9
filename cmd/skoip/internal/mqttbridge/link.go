package mqttbridge

import (
	"context"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// ackTimeout bounds the wait for the broker's PUBACK of a QoS 1 message.
const ackTimeout = 5 * time.Second

// msg is one publication.
type msg struct {
	topic   string
	payload []byte
	qos     byte
	retain  bool
}

// retained is a QoS 1 retained publication (state and discovery).
func retained(topic string, payload []byte) msg {
	return msg{topic: topic, payload: payload, qos: 1, retain: true}
}

// transient is a QoS 0 publication that is not retained (events).
func transient(topic string, payload []byte) msg {
	return msg{topic: topic, payload: payload}
}

// link is the connection events are published on: set by the session
// once it is up, cleared when it ends.
type link struct {
	mu sync.Mutex
	c  mqtt.Client
}

func (l *link) set(c mqtt.Client) {
	l.mu.Lock()
	l.c = c
	l.mu.Unlock()
}

func (l *link) clear() { l.set(nil) }

// client is the session's client while its connection is open, else nil.
func (l *link) client() mqtt.Client {
	l.mu.Lock()
	c := l.c
	l.mu.Unlock()
	if c == nil || !c.IsConnectionOpen() {
		return nil
	}
	return c
}

// publish sends m on c only while its connection is open (paho would
// otherwise store QoS 1 messages, unbounded, until it reconnects). For
// QoS 1 it waits for the PUBACK up to ackTimeout or ctx.
func publish(ctx context.Context, c mqtt.Client, m msg) error {
	if !c.IsConnectionOpen() {
		return errNotOpen
	}
	return wait(ctx, c.Publish(m.topic, m.qos, m.retain, m.payload), m.qos > 0)
}

// wait waits for tok when ack is set (up to ackTimeout or ctx) and
// returns its error.
func wait(ctx context.Context, tok mqtt.Token, ack bool) error {
	if !ack {
		select {
		case <-tok.Done():
			return tok.Error()
		default:
			return nil // QoS 0: handed to paho's writer
		}
	}
	t := time.NewTimer(ackTimeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errAckTimeout
	}
}
