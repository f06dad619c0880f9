package mqttbridge

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/internal/testsupport/mosquitto"
)

func TestParseCommand(t *testing.T) {
	b, err := New(testConfig("tcp://127.0.0.1:1", config.CommandCall, config.CommandDoor, config.CommandDND),
		newFakeUnit(), events.NewBus(nil), Info{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := prefix + "/cmd/"
	for _, tc := range []struct {
		topic, payload string
		retained       bool
		want           command
		why            string
	}{
		{cmd + "door", "open", false, command{name: "door"}, ""},
		{cmd + "door", "PRESS", false, command{name: "door"}, ""},
		{cmd + "door", "open", true, command{}, ignoreRetained},
		{cmd + "door", "close", false, command{}, ignorePayload},
		{cmd + "door", "OPEN", false, command{}, ignorePayload},
		{cmd + "door", strings.Repeat("x", 257), false, command{}, ignoreTooLong},
		{cmd + "door", "\xff\xfe", false, command{}, ignoreNotUTF8},
		{cmd + "call", "", false, command{name: "call"}, ""},
		{cmd + "call", "PRESS", false, command{name: "call"}, ""},
		{cmd + "call", "sip:101@pbx.lan", false, command{name: "call", target: "sip:101@pbx.lan"}, ""},
		{cmd + "call", "a b", false, command{}, ignorePayload},
		{cmd + "call", "a\x00", false, command{}, ignorePayload},
		{cmd + "dnd", "ON", false, command{name: "dnd", on: true}, ""},
		{cmd + "dnd", "OFF", false, command{name: "dnd"}, ""},
		{cmd + "dnd", "on", false, command{}, ignorePayload},
		{cmd + "dnd", "", false, command{}, ignorePayload},
		{cmd + "mute", "ON", false, command{}, ignoreNotAllowed},
		{cmd + "answer", "", false, command{}, ignoreNotAllowed},
		{cmd + "xyz", "open", false, command{}, ignoreUnknown},
		{cmd + "", "open", false, command{}, ignoreUnknown},
		{"other/cmd/door", "open", false, command{}, ignoreUnknown},
	} {
		got, why := b.parseCommand(tc.topic, []byte(tc.payload), tc.retained)
		if got != tc.want || why != tc.why {
			t.Errorf("%s %q retained=%v: got %+v %q, want %+v %q", tc.topic, clip(tc.payload), tc.retained, got, why, tc.want, tc.why)
		}
	}
}

// message is an mqtt.Message for onMessage.
type message struct {
	topic    string
	payload  []byte
	retained bool
}

func (m message) Duplicate() bool   { return false }
func (m message) Qos() byte         { return 0 }
func (m message) Retained() bool    { return m.retained }
func (m message) Topic() string     { return m.topic }
func (m message) MessageID() uint16 { return 0 }
func (m message) Payload() []byte   { return m.payload }
func (m message) Ack()              {}

func TestCommandQueueIsBounded(t *testing.T) {
	var log logBuffer
	b, err := New(testConfig("tcp://127.0.0.1:1", config.CommandDoor), newFakeUnit(), events.NewBus(nil), Info{},
		slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		b.onMessage(nil, message{topic: prefix + "/cmd/door", payload: []byte("open")})
	}
	if len(b.cmds) != commandQueue {
		t.Errorf("%d commands queued, want %d", len(b.cmds), commandQueue)
	}
	if n := strings.Count(log.String(), "kind=queue_full"); n != 1 {
		t.Errorf("%d queue_full lines, want 1 (rate-limited):\n%s", n, log.String())
	}
}

// barrier sends a mute command and waits for it: paho hands the bridge
// one subscription's messages in order, so everything sent before it has
// been handled.
func barrier(t *testing.T, h *harness, pub func(topic, payload string, retained bool), on bool) {
	t.Helper()
	p := map[bool]string{true: "ON", false: "OFF"}[on]
	pub(prefix+"/cmd/mute", p, false)
	h.unit.waitCall(t, "SetMute "+map[bool]string{true: "true", false: "false"}[on]+" mqtt")
}

func publisher(t *testing.T, broker *mosquitto.Broker) func(topic, payload string, retained bool) {
	c := mosquitto.Connect(t, broker.URL())
	return func(topic, payload string, retained bool) {
		mosquitto.Publish(t, c, topic, []byte(payload), retained)
	}
}

func TestCommandsAllowed(t *testing.T) {
	broker := mosquitto.Start(t)
	h := start(t, broker, testConfig("", config.MQTTCommands...), newFakeUnit())
	h.started(t)
	pub := publisher(t, broker)
	for _, c := range []struct{ cmd, payload, call string }{
		{"door", "open", "OpenDoor mqtt"},
		{"call", "sip:101@pbx.lan", `Call "sip:101@pbx.lan"`},
		{"call", "PRESS", `Call ""`},
		{"answer", "PRESS", "Answer"},
		{"hangup", "", "Hangup"},
		{"dnd", "ON", "SetDND true mqtt"},
		{"mute", "ON", "SetMute true mqtt"},
	} {
		pub(prefix+"/cmd/"+c.cmd, c.payload, false)
		h.unit.waitCall(t, c.call)
	}
}

func TestCommandNotAllowedDoesNothing(t *testing.T) {
	broker := mosquitto.Start(t)
	h := start(t, broker, testConfig("", config.CommandMute), newFakeUnit())
	h.started(t)
	pub := publisher(t, broker)
	pub(prefix+"/cmd/door", "open", false)
	pub(prefix+"/cmd/dnd", "ON", false)
	barrier(t, h, pub, true)
	if calls := h.unit.Calls(); !slices.Equal(calls, []string{"SetMute true mqtt"}) {
		t.Errorf("calls %q, want only the barrier's", calls)
	}
	if !strings.Contains(h.log.String(), "kind=not_allowed") {
		t.Errorf("no not_allowed line in the log:\n%s", h.log.String())
	}
}

func TestRetainedCommandsNeverActedOn(t *testing.T) {
	broker := mosquitto.Start(t)
	pub := publisher(t, broker)
	pub(prefix+"/cmd/door", "open", true)
	pub(prefix+"/cmd/dnd", "ON", true)
	pub(prefix+"/cmd/xyz", "\xff garbage", true)
	proxy := mosquitto.NewProxy(t, broker.Addr())
	h := start(t, broker, testConfig(proxy.URL(), config.MQTTCommands...), newFakeUnit())
	h.started(t)
	barrier(t, h, pub, true)
	// A reconnect gets the retained commands again: still nothing.
	from := h.rec.Len()
	if proxy.Cut() == 0 {
		t.Fatal("no connection to cut")
	}
	h.online(t, from)
	barrier(t, h, pub, false)
	if calls := h.unit.Calls(); !slices.Equal(calls, []string{"SetMute true mqtt", "SetMute false mqtt"}) {
		t.Errorf("calls %q, want only the barriers'", calls)
	}
	if n := strings.Count(h.log.String(), "kind=retained"); n != 1 {
		t.Errorf("%d lines for retained commands, want 1 (rate-limited):\n%s", n, h.log.String())
	}
}

func TestBadInputIgnored(t *testing.T) {
	broker := mosquitto.Start(t)
	h := start(t, broker, testConfig("", config.MQTTCommands...), newFakeUnit())
	h.started(t)
	pub := publisher(t, broker)
	big := string(bytes.Repeat([]byte("open"), 1<<18)) // 1 MiB
	bad := [][2]string{
		{"door", "\xff\xfe\xfd"}, {"door", big}, {"door", "close"}, {"door", ""}, {"xyz", "open"},
		{"dnd", "on"}, {"dnd", "maybe"}, {"mute", ""}, {"answer", "x"}, {"call", "a b"}, {"call", "\x07"},
	}
	for _, c := range bad {
		pub(prefix+"/cmd/"+c[0], c[1], false)
	}
	for range 200 {
		pub(prefix+"/cmd/xyz", "flood", false)
	}
	barrier(t, h, pub, true)
	if calls := h.unit.Calls(); !slices.Equal(calls, []string{"SetMute true mqtt"}) {
		t.Errorf("calls %q, want only the barrier's", calls)
	}
	if n := strings.Count(h.log.String(), "command ignored"); n > 4 {
		t.Errorf("%d log lines for %d ignored messages, want at most one per kind (4):\n%s", n, len(bad)+200, h.log.String())
	}
	h.started(t) // still serving
	_ = time.Now
}

// FuzzParseCommand: whatever comes from the network, a command is taken
// only when it is allowed, not retained, at most 256 bytes of UTF-8, and
// its payload is one the command takes.
func FuzzParseCommand(f *testing.F) {
	b, err := New(testConfig("tcp://127.0.0.1:1", config.CommandCall, config.CommandDoor, config.CommandDND),
		newFakeUnit(), events.NewBus(nil), Info{}, nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][2]string{{"door", "open"}, {"door", "PRESS"}, {"call", "sip:a@b"}, {"dnd", "ON"},
		{"mute", "ON"}, {"xyz", ""}, {"door", "\xff"}, {"call", "a\tb"}, {"dnd/x", "OFF"}} {
		f.Add(prefix+"/cmd/"+s[0], []byte(s[1]), false)
	}
	f.Add(prefix+"/cmd/door", []byte("open"), true)
	f.Fuzz(func(t *testing.T, topic string, payload []byte, isRetained bool) {
		c, why := b.parseCommand(topic, payload, isRetained)
		if why != "" {
			if c != (command{}) {
				t.Fatalf("ignored (%s) but got %+v", why, c)
			}
			return
		}
		if isRetained || len(payload) > maxPayload || topic != prefix+"/cmd/"+c.name || !b.cfg.Allows(c.name) {
			t.Fatalf("took %+v from %q %q retained=%v", c, topic, payload, isRetained)
		}
		if _, ok := parsePayload(c.name, string(payload)); !ok {
			t.Fatalf("took %+v with a payload it does not take: %q", c, payload)
		}
	})
}
