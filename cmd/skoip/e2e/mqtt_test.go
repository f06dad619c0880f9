package e2e

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/mosquitto"
)

// The MQTT tests run the nodes on loopback, where the test's broker is.
var (
	loDoor   = host{ip: "127.0.0.1"}
	loInside = host{ip: "127.0.0.2"}
)

// mqttNode starts a door node that talks to the broker at url as client id,
// with the commands allow (a TOML list) allowed.
func mqttNode(t *testing.T, url, id, allow string, over settings) *node {
	t.Helper()
	s := settings{"mqtt.broker": q(url), "mqtt.client_id": q(id), "mqtt.allow_commands": allow}
	for k, v := range over {
		s[k] = v
	}
	return startNode(t, "door", loDoor, testdata("door.wav"), s)
}

// payload is the part of an event or doorbell message the tests read.
type payload struct {
	Time      time.Time `json:"time"`
	Type      string    `json:"type"`
	EventType string    `json:"event_type"`
	Button    string    `json:"button"`
	Active    *bool     `json:"active"`
	By        string    `json:"by"`
}

func decode(t *testing.T, m mosquitto.Message) payload {
	t.Helper()
	var p payload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		t.Fatalf("%s: %q: %v", m.Topic, m.Payload, err)
	}
	return p
}

// doorbell matches a P/doorbell message of kind.
func doorbell(t *testing.T, kind string) func(mosquitto.Message) bool {
	return func(m mosquitto.Message) bool { return decode(t, m).EventType == kind }
}

// TestMQTTDoorbell: a press of the call button is a "ring" on P/doorbell
// (what Home Assistant's doorbell entity follows) within 50 ms of the
// button event (median of 5 presses), and the answered call is
// "answered", the call state is on P/call.
func TestMQTTDoorbell(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	inside := startNode(t, "inside", loInside, testdata("inside.wav"), settings{"calls.auto_answer": "true"})
	door := mqttNode(t, b.URL(), "bell", `["dnd"]`, settings{"peer.address": q(inside.sip)})
	bell := mosquitto.Record(t, b.URL(), "skoip/bell/doorbell")
	evs := mosquitto.Record(t, b.URL(), "skoip/bell/events")
	state := mosquitto.Record(t, b.URL(), "skoip/bell/call")
	mosquitto.Record(t, b.URL(), "skoip/bell/availability").Wait(0, 10*time.Second, "online",
		mosquitto.Is("skoip/bell/availability", "online"))

	var lat []time.Duration
	fromBell, fromEv, fromState := 0, 0, 0
	for range 5 {
		door.mustCtl("press", "call")
		press, i, ok := evs.WaitOK(fromEv, 5*time.Second, func(m mosquitto.Message) bool {
			return decode(t, m).Type == "button_press"
		})
		if !ok {
			for _, m := range evs.Messages() {
				t.Logf("%s", m.Payload)
			}
			t.Fatal("no button_press")
		}
		fromEv = i + 1
		ring, j := bell.Wait(fromBell, 5*time.Second, "ring", doorbell(t, "ring"))
		lat = append(lat, ring.At.Sub(decode(t, press).Time))
		door.mustCtl("release", "call")
		_, i = evs.Wait(fromEv, 5*time.Second, "button_release", func(m mosquitto.Message) bool {
			return decode(t, m).Type == "button_release"
		})
		fromEv = i + 1
		_, j = bell.Wait(j+1, setupTimeout, "answered", doorbell(t, "answered"))
		fromBell = j + 1
		_, i = state.Wait(fromState, setupTimeout, "connected", mosquitto.Is("skoip/bell/call", "connected"))
		fromState = i + 1
		door.mustCtl("hangup")
		door.waitState("idle", setupTimeout)
		inside.waitState("idle", setupTimeout)
	}
	slices.Sort(lat)
	t.Logf("button event to the ring at a subscriber: %v (median %v)", lat, lat[len(lat)/2])
	if m := lat[len(lat)/2]; m > 50*time.Millisecond || lat[0] < 0 {
		t.Errorf("median ring latency %v, want at most 50 ms", m)
	}
}

// TestMQTTLastWillOnKill: a unit killed with SIGKILL goes "offline" on
// P/availability (the broker sends its last will), retained, so that a
// dashboard that connects later sees it too.
func TestMQTTLastWillOnKill(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	door := mqttNode(t, b.URL(), "will", `["dnd"]`, nil)
	avail := mosquitto.Record(t, b.URL(), "skoip/will/availability")
	_, i := avail.Wait(0, 10*time.Second, "online", mosquitto.Is("skoip/will/availability", "online"))
	door.kill()
	avail.Wait(i+1, 10*time.Second, "the last will", mosquitto.Is("skoip/will/availability", "offline"))
	later := mosquitto.Record(t, b.URL(), "skoip/will/availability")
	m, _ := later.Wait(0, 5*time.Second, "the retained offline", mosquitto.Is("skoip/will/availability", "offline"))
	if !m.Retained {
		t.Errorf("offline is not retained")
	}
}

// TestMQTTBrokerDown: with the broker down a call is made, talks and opens
// the door as without MQTT; when the broker comes back the unit connects
// by itself and publishes its state (connected) and what it was asked.
func TestMQTTBrokerDown(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	b.Stop()
	inside := startNode(t, "inside", loInside, testdata("inside.wav"), settings{"calls.auto_answer": "true"})
	door := mqttNode(t, b.URL(), "down", `["dnd", "door"]`, settings{"peer.address": q(inside.sip)})
	start := time.Now()
	door.mustCtl("press", "call")
	door.waitState("connected", setupTimeout)
	t.Logf("press to connected with the broker down: %v", time.Since(start))
	s0 := mediaOf(t, door)
	inside.mustCtl("dtmf", "1234")
	door.waitFor("door opened", 10*time.Second, func(s status) bool { return s.DoorOpened == 1 })
	s1 := door.waitFor("2 s of audio", 10*time.Second, func(s status) bool { return s.RTPRx >= s0.RTPRx+100 })
	if s1.Audio.Underruns != s0.Audio.Underruns {
		t.Errorf("%d device underruns during the call with the broker down", s1.Audio.Underruns-s0.Audio.Underruns)
	}

	b.Restart()
	call := mosquitto.Record(t, b.URL(), "skoip/down/#")
	call.Wait(0, 15*time.Second, "online after the broker came back", mosquitto.Is("skoip/down/availability", "online"))
	call.Wait(0, 5*time.Second, "the call state", mosquitto.Is("skoip/down/call", "connected"))
	// A command works on the new connection.
	c := mosquitto.Connect(t, b.URL())
	mosquitto.Publish(t, c, "skoip/down/cmd/door", []byte("open"), false)
	door.waitFor("door opened by MQTT", 10*time.Second, func(s status) bool { return s.DoorOpened == 2 })
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
}

// TestMQTTDoorCommandAllowed: P/cmd/door opens the door only where
// mqtt.allow_commands names "door"; a retained "open" (left on the broker
// by anyone) opens nothing at connect.
func TestMQTTDoorCommandAllowed(t *testing.T) {
	t.Parallel()
	b := mosquitto.Start(t)
	c := mosquitto.Connect(t, b.URL())
	mosquitto.Publish(t, c, "skoip/nodoor/cmd/door", []byte("open"), true)
	mosquitto.Publish(t, c, "skoip/door/cmd/door", []byte("open"), true)
	deny := mqttNode(t, b.URL(), "nodoor", `["dnd"]`, nil)
	allow := startNode(t, "door2", loInside, testdata("door.wav"), settings{"mqtt.broker": q(b.URL()),
		"mqtt.client_id": q("door"), "mqtt.allow_commands": `["door", "dnd"]`})
	for _, n := range []struct {
		n      *node
		prefix string
		want   int
	}{{deny, "skoip/nodoor", 0}, {allow, "skoip/door", 1}} {
		mosquitto.Record(t, b.URL(), n.prefix+"/availability").Wait(0, 10*time.Second, "online",
			mosquitto.Is(n.prefix+"/availability", "online"))
		mosquitto.Publish(t, c, n.prefix+"/cmd/door", []byte("open"), false)
		// Commands run in order: once dnd is on, the door command ran.
		mosquitto.Publish(t, c, n.prefix+"/cmd/dnd", []byte("ON"), false)
		st := n.n.waitFor("dnd on", 10*time.Second, func(s status) bool { return s.DND })
		if st.DoorOpened != n.want {
			t.Errorf("%s: %d door openings after a retained and a live open, want %d", n.prefix, st.DoorOpened, n.want)
		}
	}
}
