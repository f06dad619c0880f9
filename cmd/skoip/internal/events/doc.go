// Package events is the intercom's event stream: what happened (a button,
// a call's state, a DTMF digit, the door code, the relay, the
// registration, a fault, the call's quality at hang-up), as one JSON
// object per event. `skoip ctl events` prints it; the MQTT bridge
// publishes it.
//
// Format: one JSON object per line, for example
//
//	{"seq":12,"time":"2026-12-07T10:15:03.120Z","type":"button_press","button":"call"}
//	{"seq":13,"time":"2026-12-07T10:15:03.121Z","type":"doorbell","event_type":"ring","button":"call"}
//	{"seq":14,"time":"2026-12-07T10:15:03.122Z","type":"call_state","state":"outgoing","peer":"sip:192.168.1.20"}
//	{"type":"dropped","time":"2026-12-07T10:15:20.002Z","missed":311}
//
// seq counts every event the bus published since the start, from 1, by
// one; time is UTC with nanoseconds. The types and their fields are the
// Type constants below.
//
// Rules:
//   - Publishing never waits. Each subscriber has its own queue of a fixed
//     length; when it is full, new events for that subscriber are dropped
//     and counted, and once the subscriber has room again it first gets one
//     "dropped" event ("missed": how many, no seq) where the gap is, then
//     the events that follow. A slow reader loses events; it never delays
//     the intercom or another reader.
//   - Bounded by construction: at most MaxSubscribers subscribers, each
//     with at most its queue's length of events.
//   - The bus has no goroutine: Publish hands each subscriber its copy
//     under the bus's lock; readers wait on their own subscription.
package events
