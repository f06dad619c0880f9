package mqttbridge

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/internal/testsupport/mosquitto"
)

// JSON types of discovery keys, as encoding/json decodes them.
const (
	tString = "string"
	tList   = "list of strings"
	tObject = "object"
	tBool   = "bool"
	tNumber = "number"
)

// commonKeys are the keys Home Assistant's MQTT discovery takes for every
// entity (the availability, entity and base schemas).
var commonKeys = map[string]string{
	"availability": tObject, "availability_mode": tString, "availability_template": tString,
	"availability_topic": tString, "payload_available": tString, "payload_not_available": tString,
	"device": tObject, "origin": tObject, "enabled_by_default": tBool, "entity_category": tString,
	"entity_picture": tString, "icon": tString, "json_attributes_topic": tString,
	"json_attributes_template": tString, "object_id": tString, "default_entity_id": tString,
	"unique_id": tString, "name": tString, "qos": tNumber, "encoding": tString, "platform": tString,
}

// componentKeys are each component's own keys; required ones are marked.
var componentKeys = map[string]map[string]string{
	"event": {"state_topic": tString, "value_template": tString, "device_class": tString, "event_types": tList},
	"sensor": {"state_topic": tString, "value_template": tString, "device_class": tString,
		"expire_after": tNumber, "force_update": tBool, "last_reset_value_template": tString,
		"options": tList, "state_class": tString, "suggested_display_precision": tNumber,
		"unit_of_measurement": tString},
	"binary_sensor": {"state_topic": tString, "value_template": tString, "device_class": tString,
		"expire_after": tNumber, "force_update": tBool, "off_delay": tNumber,
		"payload_on": tString, "payload_off": tString},
	"button": {"command_topic": tString, "command_template": tString, "device_class": tString,
		"payload_press": tString, "retain": tBool},
	"switch": {"command_topic": tString, "command_template": tString, "device_class": tString,
		"optimistic": tBool, "payload_on": tString, "payload_off": tString, "retain": tBool,
		"state_on": tString, "state_off": tString, "state_topic": tString, "value_template": tString},
}

var requiredKeys = map[string][]string{
	"event":         {"state_topic", "event_types"},
	"sensor":        {"state_topic"},
	"binary_sensor": {"state_topic"},
	"button":        {"command_topic"},
	"switch":        {"command_topic"},
}

// deviceKeys are the keys of the "device" block.
var deviceKeys = map[string]string{
	"identifiers": tList, "connections": tList, "manufacturer": tString, "model": tString,
	"model_id": tString, "name": tString, "hw_version": tString, "serial_number": tString,
	"sw_version": tString, "via_device": tString, "suggested_area": tString, "configuration_url": tString,
}

func jsonType(v any) string {
	switch v := v.(type) {
	case string:
		return tString
	case bool:
		return tBool
	case float64:
		return tNumber
	case map[string]any:
		return tObject
	case []any:
		for _, e := range v {
			if _, ok := e.(string); !ok {
				return "list of other"
			}
		}
		return tList
	}
	return fmt.Sprintf("%T", v)
}

// checkSchema checks payload against component's keys: every key known
// and of its type, the required ones there.
func checkSchema(t *testing.T, topic, component string, payload []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatalf("%s: %v: %s", topic, err, payload)
	}
	for k, v := range m {
		want, ok := componentKeys[component][k]
		if !ok {
			want, ok = commonKeys[k]
		}
		if !ok {
			t.Errorf("%s: unknown key %q", topic, k)
		} else if got := jsonType(v); got != want {
			t.Errorf("%s: %s is a %s, want a %s", topic, k, got, want)
		}
	}
	for _, k := range append(requiredKeys[component], "unique_id", "name", "device", "availability_topic") {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %q", topic, k)
		}
	}
	dev, _ := m["device"].(map[string]any)
	for k, v := range dev {
		if want, ok := deviceKeys[k]; !ok || jsonType(v) != want {
			t.Errorf("%s: device.%s = %v: unknown key or not a %s", topic, k, v, want)
		}
	}
	return m
}

// wantEntity is what one entity's config must say, beyond the schema.
type wantEntity struct {
	component, object string
	keys              map[string]any
}

var enabledEntities = []wantEntity{
	{"event", "doorbell", map[string]any{"state_topic": prefix + "/doorbell", "device_class": "doorbell",
		"event_types": []any{"ring", "answered", "missed"}}},
	{"event", "voice_message", map[string]any{"state_topic": prefix + "/message", "event_types": []any{"message"}}},
	{"sensor", "call_state", map[string]any{"state_topic": prefix + "/call", "device_class": "enum",
		"options": []any{"idle", "outgoing", "incoming", "connected"}}},
	{"binary_sensor", "door_relay", map[string]any{"state_topic": prefix + "/relay", "device_class": "lock",
		"payload_on": "ON", "payload_off": "OFF"}},
	{"button", "open_door", map[string]any{"command_topic": prefix + "/cmd/door", "payload_press": "open"}},
	{"button", "call", map[string]any{"command_topic": prefix + "/cmd/call", "payload_press": "PRESS"}},
	{"button", "answer", map[string]any{"command_topic": prefix + "/cmd/answer", "payload_press": "PRESS"}},
	{"button", "hang_up", map[string]any{"command_topic": prefix + "/cmd/hangup", "payload_press": "PRESS"}},
	{"switch", "do_not_disturb", map[string]any{"command_topic": prefix + "/cmd/dnd", "state_topic": prefix + "/dnd",
		"payload_on": "ON", "payload_off": "OFF"}},
	{"switch", "mute", map[string]any{"command_topic": prefix + "/cmd/mute", "state_topic": prefix + "/mute"}},
	{"sensor", "last_call", map[string]any{"state_topic": prefix + "/last_call", "json_attributes_topic": prefix + "/last_call",
		"entity_category": "diagnostic"}},
	{"sensor", "started", map[string]any{"state_topic": prefix + "/started", "device_class": "timestamp",
		"entity_category": "diagnostic"}},
	{"binary_sensor", "registration", map[string]any{"state_topic": prefix + "/registration",
		"device_class": "connectivity", "entity_category": "diagnostic"}},
}

func configTopic(component, object string) string {
	return "homeassistant/" + component + "/door-1/" + object + "/config"
}

// configs waits for the greeting and returns the last payload of every
// discovery topic.
func configs(t *testing.T, h *harness) map[string][]byte {
	t.Helper()
	h.started(t)
	out := map[string][]byte{}
	for _, m := range h.rec.Messages() {
		if len(m.Topic) > len("homeassistant/") && m.Topic[:len("homeassistant/")] == "homeassistant/" {
			out[m.Topic] = m.Payload
		}
	}
	return out
}

func TestDiscoveryAllAllowed(t *testing.T) {
	h := start(t, mosquitto.Start(t), testConfig("", config.MQTTCommands...), newFakeUnit())
	got := configs(t, h)
	for _, e := range enabledEntities {
		topic := configTopic(e.component, e.object)
		m := checkSchema(t, topic, e.component, got[topic])
		for k, want := range e.keys {
			if !jsonEqual(m[k], want) {
				t.Errorf("%s: %s = %v, want %v", topic, k, m[k], want)
			}
		}
		if m["unique_id"] != "door-1_"+e.object || m["availability_topic"] != prefix+"/availability" ||
			m["payload_available"] != "online" || m["payload_not_available"] != "offline" {
			t.Errorf("%s: common keys wrong: %v", topic, m)
		}
		dev := m["device"].(map[string]any)
		if !jsonEqual(dev["identifiers"], []any{"door-1"}) || dev["name"] != "Front door" ||
			dev["manufacturer"] != "SKOIP" || dev["model"] != "SKOIP door intercom" || dev["sw_version"] != "v1.2.3" {
			t.Errorf("%s: device = %v", topic, dev)
		}
	}
	for _, ro := range []string{"do_not_disturb", "mute"} {
		if p := got[configTopic("binary_sensor", ro)]; len(p) != 0 {
			t.Errorf("read-only %s announced beside its switch: %s", ro, p)
		}
	}
}

func TestDiscoveryRemovesWhatIsNotAllowed(t *testing.T) {
	u := newFakeUnit()
	u.state.Registered = nil // no PBX account
	h := start(t, mosquitto.Start(t), testConfig("", config.CommandDND), u)
	got := configs(t, h)
	for _, removed := range [][2]string{{"button", "open_door"}, {"button", "call"}, {"button", "answer"},
		{"button", "hang_up"}, {"switch", "mute"}, {"binary_sensor", "do_not_disturb"}, {"binary_sensor", "registration"}} {
		p, ok := got[configTopic(removed[0], removed[1])]
		if !ok || len(p) != 0 {
			t.Errorf("%s/%s: want an empty config (removed), got %q (published: %v)", removed[0], removed[1], p, ok)
		}
	}
	checkSchema(t, "switch dnd", "switch", got[configTopic("switch", "do_not_disturb")])
	m := checkSchema(t, "mute", "binary_sensor", got[configTopic("binary_sensor", "mute")])
	if _, ok := m["command_topic"]; ok || m["state_topic"] != prefix+"/mute" {
		t.Errorf("read-only mute: %v", m)
	}
}

func TestDiscoveryOff(t *testing.T) {
	cfg := testConfig("", config.MQTTCommands...)
	cfg.Discovery = false
	h := start(t, mosquitto.Start(t), cfg, newFakeUnit())
	got := configs(t, h)
	if len(got) < len(enabledEntities) {
		t.Fatalf("%d config topics emptied, want at least %d", len(got), len(enabledEntities))
	}
	for topic, p := range got {
		if len(p) != 0 {
			t.Errorf("%s: %s, want empty with discovery off", topic, p)
		}
	}
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return slices.Equal(ja, jb)
}
