package mqttbridge

import "strings"

// topics are the bridge's topics under its prefix P.
type topics struct {
	availability string // P/availability: "online" / "offline", retained, the last will
	call         string // P/call: the call state, retained
	relay        string // P/relay: "ON" / "OFF", retained
	dnd          string // P/dnd: "ON" / "OFF", retained
	mute         string // P/mute: "ON" / "OFF", retained
	doorbell     string // P/doorbell: {"event_type":...}, not retained
	message      string // P/message: {"event_type":"message",...}, not retained
	events       string // P/events: every event's JSON, not retained
	lastCall     string // P/last_call: the last call_ended event, retained
	registration string // P/registration: "ON" / "OFF", retained
	started      string // P/started: ISO 8601 start time, retained
	cmd          string // P/cmd/: commands are P/cmd/NAME
}

func newTopics(p string) topics {
	return topics{
		availability: p + "/availability",
		call:         p + "/call",
		relay:        p + "/relay",
		dnd:          p + "/dnd",
		mute:         p + "/mute",
		doorbell:     p + "/doorbell",
		message:      p + "/message",
		events:       p + "/events",
		lastCall:     p + "/last_call",
		registration: p + "/registration",
		started:      p + "/started",
		cmd:          p + "/cmd/",
	}
}

// Availability payloads.
const (
	online  = "online"
	offline = "offline"
)

// onOff is "ON" for true, "OFF" for false.
func onOff(b bool) []byte {
	if b {
		return []byte("ON")
	}
	return []byte("OFF")
}

// nodeID is s as a Home Assistant node_id: letters, digits, '-' and '_',
// anything else turned into '_'; "skoip" when s is empty.
func nodeID(s string) string {
	if s == "" {
		return "skoip"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}
