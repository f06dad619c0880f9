package events

import "time"

// Type says what an Event reports, and which of its fields are set.
type Type string

// Event types, with the fields each one sets.
const (
	// ButtonPress, ButtonRelease: Button. A press at the door that rings
	// also gives a Doorbell "ring".
	ButtonPress   Type = "button_press"
	ButtonRelease Type = "button_release"
	// Doorbell: EventType "ring" (the call button was pressed: a call is
	// on its way, or do-not-disturb answered it), "answered" (the call it
	// made was answered) or "missed" (it ended without an answer; Reason).
	// Button, Peer, Reason when known. Home Assistant's doorbell entity.
	Doorbell Type = "doorbell"
	// CallState: the call's state changed: State ("idle", "outgoing",
	// "incoming", "connected"), Peer, CallID, Reason, Code.
	CallState Type = "call_state"
	// Incoming: a call rings here: Peer, CallID.
	Incoming Type = "incoming"
	// Ringing: the callee of our call rings (180/183): Peer, CallID, Code.
	Ringing Type = "ringing"
	// Answered: the call is connected: Peer, CallID.
	Answered Type = "answered"
	// CallEnded: Peer, CallID, Reason, Code; Quality when it was connected.
	CallEnded Type = "call_ended"
	// DTMF: a digit arrived in the call: Digit, Source ("rtp" or "info").
	DTMF Type = "dtmf"
	// DoorCode: a complete door code was received: Result "accepted" or
	// "wrong". During a lockout digits are ignored: only DTMF events come.
	DoorCode Type = "door_code"
	// Lockout: wrong codes locked the door code out: For (seconds).
	Lockout Type = "lockout"
	// Relay: the door relay was energised (Active true, PulseMS, By: who
	// asked: "door code", "ctl uid=1000 pid=4242 (name)", "mqtt") or
	// released (Active false).
	Relay Type = "relay"
	// Registration: the PBX registration came up or went down: Registered,
	// Reason, Code.
	Registration Type = "registration"
	// Fault: a component failed (Component, Error) or recovered (Component,
	// Error "").
	Fault Type = "fault"
	// DND: do-not-disturb was turned on or off: On, By.
	DND Type = "dnd"
	// Mute: the microphone was closed or opened: On (muted), By.
	Mute Type = "mute"
	// Route: a press (or `ctl call`) starts calling a route of stages
	// (Target: the target called, e.g. "group:house"; Profile and Rule when
	// a time profile chose it; Stages), each stage of it (EventType
	// "stage": Stage, 1-based, and Targets ringing at once, RingS), and
	// its end (EventType "answered" or "unanswered", Reason).
	Route Type = "route"
	// Attempt: one destination of a stage is called (State "calling"), or
	// is out of it (State "answered", or "ended" with Reason and Code):
	// Target, Peer, CallID, Stage.
	Attempt Type = "attempt"
	// Message: the visitor left a voice message: Message (its id),
	// DurationS; or recording failed (Error).
	Message Type = "message"
	// Dropped: this subscriber missed Missed events here (its queue was
	// full). It has no seq.
	Dropped Type = "dropped"
)

// Doorbell event types (Event.EventType).
const (
	Ring         = "ring"
	RingAnswered = "answered"
	RingMissed   = "missed"
)

// Door code results (Event.Result).
const (
	CodeAccepted = "accepted"
	CodeWrong    = "wrong"
)

// Event is one thing that happened. Seq and Time are set by Bus.Publish.
type Event struct {
	Seq       uint64    `json:"seq,omitempty"`
	Time      time.Time `json:"time"`
	Type      Type      `json:"type"`
	EventType string    `json:"event_type,omitempty"`
	Button    string    `json:"button,omitempty"`
	State     string    `json:"state,omitempty"`
	Peer      string    `json:"peer,omitempty"`
	CallID    string    `json:"call_id,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Code      int       `json:"code,omitempty"`
	Digit     string    `json:"digit,omitempty"`
	Source    string    `json:"source,omitempty"`
	Result    string    `json:"result,omitempty"`
	For       float64   `json:"for_s,omitempty"`
	Active    *bool     `json:"active,omitempty"`
	PulseMS   int64     `json:"pulse_ms,omitempty"`
	By        string    `json:"by,omitempty"`
	// Registered and On are pointers so that false is written.
	Registered *bool    `json:"registered,omitempty"`
	On         *bool    `json:"on,omitempty"`
	Component  string   `json:"component,omitempty"`
	Error      string   `json:"error,omitempty"`
	Quality    *Quality `json:"quality,omitempty"`
	Missed     uint64   `json:"missed,omitempty"`
	Target     string   `json:"target,omitempty"`
	Targets    []string `json:"targets,omitempty"`
	Profile    string   `json:"profile,omitempty"`
	Rule       int      `json:"rule,omitempty"`
	Stage      int      `json:"stage,omitempty"`
	Stages     int      `json:"stages,omitempty"`
	RingS      float64  `json:"ring_s,omitempty"`
	Message    string   `json:"message,omitempty"`
	DurationS  float64  `json:"duration_s,omitempty"`
}

// Route event types (Event.EventType).
const (
	RouteStart      = "start"
	RouteStage      = "stage"
	RouteAnswered   = "answered"
	RouteUnanswered = "unanswered"
)

// Quality is how a connected call went, at its end: the figures of the
// `call quality` log line.
type Quality struct {
	DurationS      float64 `json:"duration_s"`
	Codec          string  `json:"codec,omitempty"`
	CodecRate      int     `json:"codec_rate_hz,omitempty"` // the codec's audio rate: 8000, 16000 for G722 and opus
	RTPRx          uint64  `json:"rtp_rx"`
	RTPTx          uint64  `json:"rtp_tx"`
	Lost           int64   `json:"lost"`
	JitterMS       float64 `json:"jitter_ms"`
	RTTMS          float64 `json:"rtt_ms"`
	PlayoutDelayMS float64 `json:"playout_delay_ms"`
	Underruns      uint64  `json:"underruns"`
	Concealed      uint64  `json:"concealed"`
	ERLEDB         float64 `json:"erle_db"`
}

// Bool returns a pointer to b, for Active, Registered and On.
func Bool(b bool) *bool { return &b }
