package mqttbridge

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/internal/testsupport/mosquitto"
)

func testBridge(t *testing.T) *Bridge {
	t.Helper()
	b, err := New(testConfig("tcp://127.0.0.1:1"), newFakeUnit(), events.NewBus(nil), Info{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// summary is "topic payload qos retain" per message.
func summary(ms []msg) []string {
	var out []string
	for _, m := range ms {
		r := map[bool]string{true: "r", false: "-"}[m.retain]
		out = append(out, m.topic+" "+string(m.payload)+" "+string(rune('0'+m.qos))+r)
	}
	return out
}

func TestEventMessages(t *testing.T) {
	b := testBridge(t)
	at := time.Date(2026, 12, 7, 10, 15, 3, 121e6, time.UTC)
	ev := func(e events.Event) events.Event { e.Seq, e.Time = 7, at; return e }
	all := func(e events.Event) string {
		p, _ := json.Marshal(ev(e))
		return prefix + "/events " + string(p) + " 0-"
	}
	for _, tc := range []struct {
		ev   events.Event
		want []string
	}{
		{events.Event{Type: events.Doorbell, EventType: events.Ring, Button: "call"}, []string{
			prefix + `/doorbell {"event_type":"ring","time":"2026-12-07T10:15:03.121Z","button":"call"} 0-`}},
		{events.Event{Type: events.CallState, State: "connected", Peer: "sip:a@b"}, []string{prefix + "/call connected 1r"}},
		{events.Event{Type: events.Relay, Active: events.Bool(true), PulseMS: 3000, By: "mqtt"}, []string{prefix + "/relay ON 1r"}},
		{events.Event{Type: events.DND, On: events.Bool(false)}, []string{prefix + "/dnd OFF 1r"}},
		{events.Event{Type: events.Mute, On: events.Bool(true)}, []string{prefix + "/mute ON 1r"}},
		{events.Event{Type: events.Registration, Registered: events.Bool(true)}, []string{prefix + "/registration ON 1r"}},
		{events.Event{Type: events.DTMF, Digit: "5"}, nil},
		{events.Event{Type: events.Message, Button: "call", Message: "msg-20261207T101503Z-000", DurationS: 7.4}, []string{
			prefix + `/message {"event_type":"message","time":"2026-12-07T10:15:03.121Z","button":"call","message":"msg-20261207T101503Z-000","duration_s":7.4} 0-`}},
		{events.Event{Type: events.Message, Error: "voicemail: cannot store the message"}, nil},
	} {
		want := append(tc.want, all(tc.ev))
		if got := summary(b.eventMessages(ev(tc.ev))); !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.ev.Type, got, want)
		}
	}
	ended := ev(events.Event{Type: events.CallEnded, Reason: "bye"})
	p, _ := json.Marshal(ended)
	if got := summary(b.eventMessages(ended)); !slices.Equal(got, []string{prefix + "/last_call " + string(p) + " 1r", all(ended)}) {
		t.Errorf("call_ended: %q", got)
	}
	bad := ev(events.Event{Type: events.CallEnded, Quality: &events.Quality{JitterMS: math.NaN()}})
	if got := b.eventMessages(bad); got != nil {
		t.Errorf("an event JSON cannot encode published %q", summary(got))
	}
}

func TestStateMessages(t *testing.T) {
	b := testBridge(t)
	last := events.Event{Seq: 3, Type: events.CallEnded, Reason: "timeout"}
	p, _ := json.Marshal(last)
	got := summary(b.stateMessages(State{Call: "incoming", Relay: true, DND: true, Registered: events.Bool(false),
		LastCall: &last, Started: time.Date(2026, 12, 7, 11, 0, 0, 0, time.FixedZone("CET", 3600))}))
	want := []string{prefix + "/relay ON 1r", prefix + "/dnd ON 1r", prefix + "/mute OFF 1r", prefix + "/call incoming 1r",
		prefix + "/registration OFF 1r", prefix + "/last_call " + string(p) + " 1r", prefix + "/started 2026-12-07T10:00:00Z 1r"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := summary(b.stateMessages(State{})); len(got) != 3 { // no account, no call yet
		t.Errorf("zero state: %q", got)
	}
}

// TestDoorbellLatency measures bus.Publish to a subscriber's receipt. On
// loopback the median is about 0.2 to 0.5 ms (with -race). One ring, the
// first after the greeting, takes about 42 ms: Nagle on mosquitto's side
// of the subscriber's socket (set_tcp_nodelay is false by default), held
// until the subscriber's delayed ACK; with set_tcp_nodelay true the
// slowest is about 1 ms.
func TestDoorbellLatency(t *testing.T) {
	broker := mosquitto.Start(t)
	h := start(t, broker, testConfig(""), newFakeUnit())
	h.started(t)
	const n = 21
	var lat []time.Duration
	for i := range n {
		from := h.rec.Len()
		ev := h.bus.Publish(events.Event{Type: events.Doorbell, EventType: events.Ring, Button: "call"})
		m, _ := h.rec.Wait(from, waitFor, "doorbell", func(m mosquitto.Message) bool { return m.Topic == prefix+"/doorbell" })
		var got map[string]any
		if err := json.Unmarshal(m.Payload, &got); err != nil || got["event_type"] != "ring" || m.Retained {
			t.Fatalf("doorbell %d: %s (retained %v): %v", i, m.Payload, m.Retained, err)
		}
		lat = append(lat, m.At.Sub(ev.Time))
	}
	slices.Sort(lat)
	t.Logf("doorbell latency, bus to subscriber, %d rings: min %v median %v max %v", n, lat[0], lat[n/2], lat[n-1])
	if lat[n/2] > 100*time.Millisecond {
		t.Errorf("median latency %v", lat[n/2])
	}
}
