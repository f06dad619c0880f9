package mqttbridge

import (
	"encoding/json"

	"github.com/skoip/skoip/config"
)

// defaultDiscoveryPrefix is Home Assistant's, used when the config has none.
const defaultDiscoveryPrefix = "homeassistant"

// cfgMap is one entity's discovery config: JSON object keys and values.
type cfgMap = map[string]any

// entity is one Home Assistant entity of the device.
type entity struct {
	component string // "event", "sensor", "binary_sensor", "button", "switch"
	object    string // object_id: the config topic's last level but one
	name      string
	on        bool   // announced; otherwise its config topic is emptied
	keys      cfgMap // the component's keys; the common ones are added
}

// entities are the device's entities; state nil (no snapshot) leaves out
// the registration sensor, which is only known from a snapshot.
func (b *Bridge) entities(state *State) []entity {
	t := b.topics
	onOffKeys := func(k cfgMap) cfgMap { k["payload_on"], k["payload_off"] = "ON", "OFF"; return k }
	allow := b.cfg.Allows
	es := []entity{
		{"event", "doorbell", "Doorbell", true, cfgMap{"state_topic": t.doorbell,
			"event_types": []string{"ring", "answered", "missed"}, "device_class": "doorbell"}},
		{"event", "voice_message", "Voice message", true, cfgMap{"state_topic": t.message,
			"event_types": []string{"message"}, "icon": "mdi:voicemail"}},
		{"sensor", "call_state", "Call state", true, cfgMap{"state_topic": t.call, "device_class": "enum",
			"options": []string{"idle", "outgoing", "incoming", "connected"}, "icon": "mdi:phone"}},
		{"binary_sensor", "door_relay", "Door relay", true, onOffKeys(cfgMap{"state_topic": t.relay, "device_class": "lock"})},
		button("open_door", "Open door", t.cmd+config.CommandDoor, openDoor, "mdi:door-open", allow(config.CommandDoor)),
		button("call", "Call", t.cmd+config.CommandCall, press, "mdi:phone-outgoing", allow(config.CommandCall)),
		button("answer", "Answer", t.cmd+config.CommandAnswer, press, "mdi:phone-in-talk", allow(config.CommandAnswer)),
		button("hang_up", "Hang up", t.cmd+config.CommandHangup, press, "mdi:phone-hangup", allow(config.CommandHangup)),
	}
	es = append(es, toggle("do_not_disturb", "Do not disturb", t.dnd, t.cmd+config.CommandDND, "mdi:bell-off", allow(config.CommandDND))...)
	es = append(es, toggle("mute", "Mute", t.mute, t.cmd+config.CommandMute, "mdi:microphone-off", allow(config.CommandMute))...)
	es = append(es,
		entity{"sensor", "last_call", "Last call", true, cfgMap{"state_topic": t.lastCall, "json_attributes_topic": t.lastCall,
			"value_template": "{{ value_json.reason | default('ended') }}", "entity_category": "diagnostic", "icon": "mdi:phone-log"}},
		entity{"sensor", "started", "Started", true, cfgMap{"state_topic": t.started, "device_class": "timestamp",
			"entity_category": "diagnostic"}},
	)
	if state != nil {
		es = append(es, entity{"binary_sensor", "registration", "PBX registration", state.Registered != nil,
			onOffKeys(cfgMap{"state_topic": t.registration, "device_class": "connectivity", "entity_category": "diagnostic"})})
	}
	return es
}

func button(object, name, topic, payload, icon string, on bool) entity {
	return entity{"button", object, name, on, cfgMap{"command_topic": topic, "payload_press": payload, "icon": icon}}
}

// toggle is a switch when its command is allowed, else a binary sensor of
// the same state: the other one's config is emptied.
func toggle(object, name, state, cmd, icon string, allowed bool) []entity {
	ro := cfgMap{"state_topic": state, "payload_on": "ON", "payload_off": "OFF", "icon": icon}
	rw := cfgMap{"state_topic": state, "command_topic": cmd, "payload_on": "ON", "payload_off": "OFF", "icon": icon}
	return []entity{
		{"switch", object, name, allowed, rw},
		{"binary_sensor", object, name, !allowed, ro},
	}
}

// discoveryMessages are the retained discovery configs: the entity's JSON
// when it is announced, an empty payload (which removes it from Home
// Assistant) when it is not or when discovery is off.
func (b *Bridge) discoveryMessages(state *State) []msg {
	prefix := b.cfg.DiscoveryPrefix
	if prefix == "" {
		prefix = defaultDiscoveryPrefix
	}
	var out []msg
	for _, e := range b.entities(state) {
		topic := prefix + "/" + e.component + "/" + b.node + "/" + e.object + "/config"
		var payload []byte
		if b.cfg.Discovery && e.on {
			payload, _ = json.Marshal(b.withCommon(e))
		}
		out = append(out, retained(topic, payload))
	}
	return out
}

// withCommon adds the keys every entity has to e's.
func (b *Bridge) withCommon(e entity) cfgMap {
	m := cfgMap{
		"unique_id":             b.node + "_" + e.object,
		"name":                  e.name,
		"availability_topic":    b.topics.availability,
		"payload_available":     online,
		"payload_not_available": offline,
		"device":                b.device(),
	}
	for k, v := range e.keys {
		m[k] = v
	}
	return m
}

// device is the discovery "device" block.
func (b *Bridge) device() cfgMap {
	name := b.info.Name
	if name == "" {
		name = b.node
	}
	d := cfgMap{"identifiers": []string{b.node}, "name": name, "manufacturer": "SKOIP"}
	if b.info.Model != "" {
		d["model"] = b.info.Model
	}
	if b.info.Version != "" {
		d["sw_version"] = b.info.Version
	}
	return d
}
