package mqttbridge

import (
	"encoding/json"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
)

// doorbell is P/doorbell's payload, Home Assistant's event entity format:
//
//	{"event_type":"ring","time":"2026-12-07T10:15:03.121Z","button":"call"}
//
// event_type is "ring", "answered" or "missed"; button, peer and reason
// are there when the event has them.
type doorbell struct {
	EventType string    `json:"event_type"`
	Time      time.Time `json:"time"`
	Button    string    `json:"button,omitempty"`
	Peer      string    `json:"peer,omitempty"`
	Reason    string    `json:"reason,omitempty"`
}

// voiceMessage is P/message's payload, Home Assistant's event entity format:
//
//	{"event_type":"message","time":"...","button":"call","message":"msg-20261207T101503Z-000","duration_s":7.4}
type voiceMessage struct {
	EventType string    `json:"event_type"`
	Time      time.Time `json:"time"`
	Button    string    `json:"button,omitempty"`
	Message   string    `json:"message"`
	DurationS float64   `json:"duration_s"`
}

// eventMessages is what ev publishes: its topic's state first (for the
// types that have one), then ev itself on P/events. An event that cannot
// be encoded (a NaN in its quality figures) publishes nothing.
func (b *Bridge) eventMessages(ev events.Event) []msg {
	all, err := json.Marshal(ev)
	if err != nil {
		return nil
	}
	var out []msg
	switch ev.Type {
	case events.Doorbell:
		p, _ := json.Marshal(doorbell{EventType: ev.EventType, Time: ev.Time, Button: ev.Button, Peer: ev.Peer, Reason: ev.Reason})
		out = append(out, transient(b.topics.doorbell, p))
	case events.Message:
		if ev.Message != "" {
			p, _ := json.Marshal(voiceMessage{EventType: "message", Time: ev.Time, Button: ev.Button, Message: ev.Message, DurationS: ev.DurationS})
			out = append(out, transient(b.topics.message, p))
		}
	case events.CallState:
		out = appendIf(out, ev.State != "", retained(b.topics.call, []byte(ev.State)))
	case events.CallEnded:
		out = append(out, retained(b.topics.lastCall, all))
	case events.Relay:
		out = appendBool(out, b.topics.relay, ev.Active)
	case events.DND:
		out = appendBool(out, b.topics.dnd, ev.On)
	case events.Mute:
		out = appendBool(out, b.topics.mute, ev.On)
	case events.Registration:
		out = appendBool(out, b.topics.registration, ev.Registered)
	}
	return append(out, transient(b.topics.events, all))
}

// stateMessages are the retained state of s, published at each connect.
func (b *Bridge) stateMessages(s State) []msg {
	out := []msg{
		retained(b.topics.relay, onOff(s.Relay)),
		retained(b.topics.dnd, onOff(s.DND)),
		retained(b.topics.mute, onOff(s.Muted)),
	}
	out = appendIf(out, s.Call != "", retained(b.topics.call, []byte(s.Call)))
	out = appendBool(out, b.topics.registration, s.Registered)
	if s.LastCall != nil {
		if p, err := json.Marshal(s.LastCall); err == nil {
			out = append(out, retained(b.topics.lastCall, p))
		}
	}
	if !s.Started.IsZero() {
		out = append(out, retained(b.topics.started, []byte(s.Started.UTC().Format(time.RFC3339))))
	}
	return out
}

func appendIf(out []msg, ok bool, m msg) []msg {
	if ok {
		return append(out, m)
	}
	return out
}

// appendBool appends "ON"/"OFF" on topic, retained, when v is set.
func appendBool(out []msg, topic string, v *bool) []msg {
	if v == nil {
		return out
	}
	return append(out, retained(topic, onOff(*v)))
}
