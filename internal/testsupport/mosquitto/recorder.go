package mosquitto

import (
	"fmt"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// maxRecorded bounds what a Recorder keeps.
const maxRecorded = 100000

// Message is one message a Recorder received.
type Message struct {
	Topic    string
	Payload  []byte
	Retained bool
	At       time.Time // when the Recorder's handler got it
}

// Recorder keeps what a subscription receives.
type Recorder struct {
	t      testing.TB
	client mqtt.Client

	mu      sync.Mutex
	msgs    []Message
	changed chan struct{} // one value: msgs grew
}

// Record connects a client to brokerURL, subscribes to filter (QoS 1)
// and records every message; t.Cleanup disconnects it.
func Record(t testing.TB, brokerURL, filter string) *Recorder {
	t.Helper()
	r := &Recorder{t: t, changed: make(chan struct{}, 1)}
	r.client = Connect(t, brokerURL)
	tok := r.client.Subscribe(filter, 1, r.handle)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %q: %v", filter, tok.Error())
	}
	return r
}

// Connect returns a paho client connected to brokerURL (plain TCP);
// t.Cleanup disconnects it.
func Connect(t testing.TB, brokerURL string) mqtt.Client {
	t.Helper()
	opts := mqtt.NewClientOptions().AddBroker(brokerURL).
		SetClientID(fmt.Sprintf("test-%d", time.Now().UnixNano())).
		SetAutoReconnect(false).SetCleanSession(true)
	c := mqtt.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", brokerURL, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// Publish sends payload to topic with QoS 1 and waits for the broker.
func Publish(t testing.TB, c mqtt.Client, topic string, payload []byte, retained bool) {
	t.Helper()
	tok := c.Publish(topic, 1, retained, payload)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %q: %v", topic, tok.Error())
	}
}

func (r *Recorder) handle(_ mqtt.Client, m mqtt.Message) {
	msg := Message{Topic: m.Topic(), Payload: m.Payload(), Retained: m.Retained(), At: time.Now()}
	r.mu.Lock()
	if len(r.msgs) < maxRecorded {
		r.msgs = append(r.msgs, msg)
	}
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Messages returns a copy of what was received so far.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs...)
}

// Wait returns the first message at index from or later for which match
// is true, waiting up to timeout; it fails the test when none came.
func (r *Recorder) Wait(from int, timeout time.Duration, what string, match func(Message) bool) (Message, int) {
	r.t.Helper()
	m, i, ok := r.WaitOK(from, timeout, match)
	if !ok {
		r.t.Fatalf("no %s within %v; got %d messages", what, timeout, len(r.Messages()))
	}
	return m, i
}

// WaitOK is Wait that reports instead of failing.
func (r *Recorder) WaitOK(from int, timeout time.Duration, match func(Message) bool) (Message, int, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		msgs := r.Messages()
		for i := from; i < len(msgs); i++ {
			if match(msgs[i]) {
				return msgs[i], i, true
			}
		}
		select {
		case <-r.changed:
		case <-deadline.C:
			return Message{}, 0, false
		}
	}
}

// Len is how many messages were received so far.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// Is matches a message on topic with payload.
func Is(topic, payload string) func(Message) bool {
	return func(m Message) bool { return m.Topic == topic && string(m.Payload) == payload }
}
