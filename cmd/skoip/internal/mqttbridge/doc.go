// Package mqttbridge bridges the intercom to an MQTT broker (MQTT 3.1.1),
// for Home Assistant and other home automation: it publishes the unit's
// state and events, announces the device by Home Assistant's MQTT
// discovery, and takes the commands mqtt.allow_commands allows.
//
// Topics, under P = mqtt.topic_prefix (default "skoip/" and the node id):
//
//	P/availability  "online" / "offline"; retained, QoS 1; the last will is "offline"
//	P/call          "idle", "outgoing", "incoming" or "connected"; retained
//	P/relay         "ON" (energised: the door is open) / "OFF"; retained
//	P/dnd           "ON" / "OFF" (do-not-disturb); retained
//	P/mute          "ON" / "OFF" (microphone closed); retained
//	P/registration  "ON" / "OFF" (PBX registration); retained; only with an account
//	P/last_call     the last call_ended event's JSON; retained
//	P/started       when the unit started, ISO 8601 UTC ("2026-12-07T10:15:03Z"); retained
//	P/doorbell      {"event_type":"ring"|"answered"|"missed","time":"...","button":"call",
//	                "peer":"...","reason":"..."} (the last three when known); QoS 0, not retained
//	P/message       {"event_type":"message","time":"...","button":"call","message":ID,
//	                "duration_s":7.4}: a visitor left a voice message; QoS 0, not retained
//	P/events        every event of the bus as its JSON (package events); QoS 0, not retained
//	P/cmd/NAME      commands, below
//
// Retained messages are QoS 1, events QoS 0. At each connect the bridge
// subscribes to P/cmd/+, publishes "online", then the discovery configs,
// then the unit's Snapshot as the retained topics above (a step that fails
// drops the connection, to be retried). Events are
// published as they come while the connection is open, and dropped while
// it is not: nothing is stored to be sent later.
//
// Commands, with `by` = "mqtt" where the unit takes one:
//
//	P/cmd/call    a target (IP, ip:port, sip:user@host), or "" or "PRESS" for the default peer
//	P/cmd/answer  "" or "PRESS"
//	P/cmd/hangup  "" or "PRESS"
//	P/cmd/door    "open" or "PRESS": pulses this unit's door relay
//	P/cmd/mute    "ON" / "OFF"
//	P/cmd/dnd     "ON" / "OFF"
//
// A command is acted on only when mqtt.allow_commands names it. Ignored,
// with a log line: a retained message on a command topic (never acted on,
// else a retained "open" would open the door at every reconnect), a
// payload over 256 bytes or not UTF-8, an unknown command, a payload the
// command does not take (a call target with a space or control character,
// "on" for "ON"), a command not allowed. The log lines for ignored input
// are at most one per 10 s per kind, with the count of those suppressed.
// Commands go through a queue of 8 to one worker, which gives each 10 s;
// when the queue is full a command is dropped (logged likewise). paho's
// message handler never waits for the intercom.
//
// Home Assistant discovery (mqtt.discovery, under mqtt.discovery_prefix D,
// default "homeassistant"), one retained JSON config per entity on
// D/COMPONENT/NODE/OBJECT/config, NODE being the node id (mqtt.client_id,
// else "skoip-" and the host name) with anything but letters, digits, '-'
// and '_' as '_'. Every config has unique_id NODE_OBJECT, name,
// availability_topic P/availability with payload_available "online" and
// payload_not_available "offline", and the device {"identifiers":[NODE],
// "name": device.name, "manufacturer":"SKOIP","model":...,"sw_version":...}.
//
//	event/doorbell              P/doorbell, event_types ring answered missed, device_class doorbell
//	event/voice_message         P/message, event_types message
//	sensor/call_state           P/call, device_class enum, options idle outgoing incoming connected
//	binary_sensor/door_relay    P/relay, device_class lock (on = unlocked)
//	button/open_door            P/cmd/door, payload_press "open"; when "door" is allowed
//	button/call, button/answer, button/hang_up   P/cmd/call, P/cmd/answer, P/cmd/hangup,
//	                            payload_press "PRESS"; each when its command is allowed
//	switch/do_not_disturb       P/dnd and P/cmd/dnd when "dnd" is allowed, else
//	binary_sensor/do_not_disturb  P/dnd, read only
//	switch/mute                 P/mute and P/cmd/mute when "mute" is allowed, else
//	binary_sensor/mute          P/mute, read only
//	sensor/last_call            P/last_call: the reason as state, the event as attributes; diagnostic
//	sensor/started              P/started, device_class timestamp; diagnostic
//	binary_sensor/registration  P/registration, device_class connectivity; diagnostic; with an account
//
// An entity that is not announced (its command not allowed, the other of a
// switch/binary_sensor pair, registration without an account, every one
// when mqtt.discovery is false) gets an empty retained payload on its
// config topic at each connect, which removes it from Home Assistant.
//
// The connection: TCP, or TLS 1.2+ with the broker's certificate always
// verified (against mqtt.ca_file's PEM certificates, else the system's);
// a clean session; keep-alive 30 s; connect timeout 10 s. A broker that is
// down or goes away is retried 1 s after, doubling to 60 s (back to 1 s
// after a session of 60 s). The intercom never waits for the bridge: the
// bridge reads the bus through a queue of 256 events that drops when it
// is behind. When Run's context ends the bridge publishes "offline"
// (waiting up to 600 ms for the broker) and disconnects (250 ms), so Run
// returns within 1 s; when the connection breaks instead, the broker
// publishes the last will, "offline".
package mqttbridge
