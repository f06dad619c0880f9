package config

import (
	"slices"

	"github.com/skoip/skoip/media/room"
)

// Config is the whole intercom configuration.
type Config struct {
	Device  Device   `toml:"device"`
	SIP     SIP      `toml:"sip"`
	Peer    Peer     `toml:"peer"`
	Buttons []Button `toml:"buttons"`
	LEDs    []LED    `toml:"leds"`
	Door    Door     `toml:"door"`
	Audio   Audio    `toml:"audio"`
	Media   Media    `toml:"media"`
	VAD     VAD      `toml:"vad"`
	Sounds  Sounds   `toml:"sounds"`
	Calls   Calls    `toml:"calls"`
	Control Control  `toml:"control"`
	MQTT    MQTT     `toml:"mqtt"`
	// Groups are ring groups, called as "group:NAME" (groups.go).
	Groups []Group `toml:"groups"`
	// Profiles are weekly schedules a call button may follow (profiles.go).
	Profiles  []Profile `toml:"profiles"`
	Voicemail Voicemail `toml:"voicemail"`
	Selftest  Selftest  `toml:"selftest"`
	History   History   `toml:"history"`
	State     State     `toml:"state"`
	// Network is applied at boot by `skoip network` (network.go).
	Network Network `toml:"network"`
	Log     Log     `toml:"log"`

	// Source names the file the configuration was read from, or
	// EmbeddedName for the built-in defaults alone.
	Source string `toml:"-"`
}

// Device describes this unit.
type Device struct {
	Name string `toml:"name"`
	// Timezone is the IANA zone time profiles are read in ("Europe/Berlin");
	// "" or "local": the system's.
	Timezone string `toml:"timezone"`
	// TrustClock uses time profiles even when the clock is not synchronised
	// by NTP (a real-time clock keeps it); false: the buttons' own targets
	// apply until it is.
	TrustClock bool `toml:"trust_clock"`
}

// SIP is the signalling setup.
type SIP struct {
	Listen        string `toml:"listen"`
	Transport     string `toml:"transport"`
	PublicAddress string `toml:"public_address"`
	// TLSListen is the SIP over TLS listener's "ip:port"; "" none.
	TLSListen string `toml:"tls_listen"`
	// TLSCAFile holds PEM CA certificates that may vouch for a TLS peer
	// (a PBX); peers may also be pinned by peer.tls_fingerprint.
	TLSCAFile string  `toml:"tls_ca_file"`
	Account   Account `toml:"account"`
}

// Account is an optional PBX registration; Registrar == "" means none.
type Account struct {
	Registrar string   `toml:"registrar"`
	Username  string   `toml:"username"`
	Password  string   `toml:"password"`
	Expires   Duration `toml:"expires"`
}

// Enabled reports whether an account is configured.
func (a Account) Enabled() bool { return a.Registrar != "" }

// Peer is who the call button calls by default.
type Peer struct {
	Address  string `toml:"address"`
	Fallback string `toml:"fallback"`
	// TLSFingerprint pins TLS peers: SHA-256 fingerprints of the
	// certificates trusted (their `skoip identity`), separated by commas
	// or spaces.
	TLSFingerprint string `toml:"tls_fingerprint"`
}

// Button actions.
const (
	ActionCall   = "call"
	ActionAnswer = "answer"
	ActionHangup = "hangup"
	ActionToggle = "toggle"
	ActionOpen   = "open"
)

// Button is one push button on a GPIO line.
type Button struct {
	Name   string `toml:"name"`
	Pin    string `toml:"pin"`
	Action string `toml:"action"`
	Target string `toml:"target"`
	// Profile names a time profile that picks the target by the time of
	// day; outside its rules (and without a trusted clock) Target applies.
	Profile   string   `toml:"profile"`
	ActiveLow *bool    `toml:"active_low"`
	Debounce  Duration `toml:"debounce"`
	LongPress Duration `toml:"long_press"`
}

// IsActiveLow reports the button's polarity (true when unset).
func (b Button) IsActiveLow() bool { return b.ActiveLow == nil || *b.ActiveLow }

// LED roles.
const (
	ShowStatus = "status"
	ShowCall   = "call"
	ShowDoor   = "door"
)

// LED is one indicator on a GPIO line.
type LED struct {
	Name      string `toml:"name"`
	Pin       string `toml:"pin"`
	Show      string `toml:"show"`
	ActiveLow bool   `toml:"active_low"`
}

// Door is the door opener.
type Door struct {
	RelayPin        string   `toml:"relay_pin"`
	RelayActiveLow  bool     `toml:"relay_active_low"`
	Pulse           Duration `toml:"pulse"`
	Code            string   `toml:"code"`
	LockoutAttempts int      `toml:"lockout_attempts"`
	LockoutTime     Duration `toml:"lockout_time"`
	HangupAfterOpen Duration `toml:"hangup_after_open"`
	// LockoutLocal: while wrong codes have locked the door code out, the
	// unit's own opener (`skoip ctl door open`, MQTT) is refused too.
	LockoutLocal bool `toml:"lockout_local"`
	// RequireSecure accepts the door code only in a call that is signalled
	// over TLS with an authenticated peer and whose audio is SRTP; unset:
	// on when sip.tls_listen is set.
	RequireSecure *bool `toml:"require_secure"`
}

// Audio backends.
const (
	BackendALSA       = "alsa"
	BackendALSAKernel = "alsa-kernel" // the pure-Go ALSA driver; "alsa" is it in a build without cgo
	BackendFile       = "file"
	BackendLoopback   = "loopback"
	BackendNull       = "null"
	BackendRoom       = "room"
)

// Audio is the sound device and the microphone's enhancement.
type Audio struct {
	Backend        string   `toml:"backend"`
	Capture        string   `toml:"capture"`
	Playback       string   `toml:"playback"`
	SampleRate     int      `toml:"sample_rate"`
	Period         Duration `toml:"period"`
	CaptureGainDB  float64  `toml:"capture_gain_db"`
	PlaybackGainDB float64  `toml:"playback_gain_db"`
	HighPass       bool     `toml:"high_pass"`
	AGC            bool     `toml:"agc"`
	NoiseGate      bool     `toml:"noise_gate"`
	EchoCancel     bool     `toml:"echo_cancel"`
	EchoTail       Duration `toml:"echo_tail"`
	NoiseSuppress  string   `toml:"noise_suppress"`
	HalfDuplex     bool     `toml:"half_duplex"`
	Room           Room     `toml:"room"`
}

// Noise suppression levels (audio.noise_suppress).
const (
	NoiseOff      = "off"
	NoiseLow      = "low"
	NoiseModerate = "moderate"
	NoiseHigh     = "high"
	NoiseVeryHigh = "very_high"
)

// Room is the simulated door box of audio.backend = "room": what the
// microphone captures is the talker, plus noise, plus what the speaker
// played passed through an echo path.
type Room struct {
	Delay        Duration `toml:"delay"`
	T60          Duration `toml:"t60"`
	EchoGainDB   float64  `toml:"echo_gain_db"`
	Clip         float64  `toml:"clip"`
	DriftPPM     float64  `toml:"drift_ppm"`
	ChangeAt     Duration `toml:"change_at"`
	ChangeGainDB float64  `toml:"change_gain_db"`
	Talker       string   `toml:"talker"`
	TalkerLoop   bool     `toml:"talker_loop"`
	TalkerGainDB float64  `toml:"talker_gain_db"`
	Noise        string   `toml:"noise"`
	SNRDB        float64  `toml:"snr_db"`
	Seed         int64    `toml:"seed"`
}

// NoiseIsFile reports whether audio.room.noise names a WAV file rather
// than one of media/room's generated noises.
func (r Room) NoiseIsFile() bool {
	switch r.Noise {
	case room.NoiseNone, room.NoiseWhite, room.NoisePink, room.NoiseBabble, room.NoiseTraffic:
		return false
	}
	return true
}

// Media is RTP and the codecs.
type Media struct {
	// Encryption is SRTP: "off", "optional" (offered and accepted over
	// TLS), "required" (no call without it).
	Encryption string   `toml:"encryption"`
	Codecs     []string `toml:"codecs"`
	// AnswerOrder is which order picks the codec of an answer: "offer"
	// (the caller's, as RFC 3264 recommends) or "ours" (media.codecs').
	AnswerOrder string `toml:"answer_order"`
	// Opus encoder: target bitrate (bit/s), complexity (1-10), in-band
	// forward error correction, discontinuous transmission.
	OpusBitrate    int       `toml:"opus_bitrate"`
	OpusComplexity int       `toml:"opus_complexity"`
	OpusFEC        bool      `toml:"opus_fec"`
	OpusDTX        bool      `toml:"opus_dtx"`
	PTime          Duration  `toml:"ptime"`
	DTMF           bool      `toml:"dtmf"`
	RTPPorts       PortRange `toml:"rtp_ports"`
	RTPTimeout     Duration  `toml:"rtp_timeout"`
	JitterMin      Duration  `toml:"jitter_min"`
	JitterMax      Duration  `toml:"jitter_max"`
}

// VAD is voice activity detection on the microphone.
type VAD struct {
	Enabled     bool     `toml:"enabled"`
	ThresholdDB float64  `toml:"threshold_db"`
	MinLevelDB  float64  `toml:"min_level_db"`
	Hangover    Duration `toml:"hangover"`
}

// Sounds are WAV prompts; "" selects a built-in tone.
type Sounds struct {
	Doorbell string `toml:"doorbell"`
	Ringtone string `toml:"ringtone"`
	Busy     string `toml:"busy"`
	NoAnswer string `toml:"no_answer"`
	DoorOpen string `toml:"door_open"`
	Warning  string `toml:"warning"`
	// DoNotDisturb is what the visitor hears when the call button is
	// pressed while do-not-disturb is on (and calls.dnd_target is empty).
	DoNotDisturb string `toml:"do_not_disturb"`
	// LeaveMessage is what the visitor hears before a voice message is
	// recorded (voicemail.enabled).
	LeaveMessage string `toml:"leave_message"`
}

// Calls is call policy.
type Calls struct {
	AutoAnswer      bool     `toml:"auto_answer"`
	AutoAnswerDelay Duration `toml:"auto_answer_delay"`
	RingTimeout     Duration `toml:"ring_timeout"`
	MaxDuration     Duration `toml:"max_duration"`
	Allow           []string `toml:"allow"`
	AuthUser        string   `toml:"auth_user"`
	AuthPassword    string   `toml:"auth_password"`
	// DNDTarget is who the call button calls while do-not-disturb is on;
	// "" plays sounds.do_not_disturb instead.
	DNDTarget string `toml:"dnd_target"`
}

// Selftest is the installer's self-test (`skoip selftest`).
type Selftest struct {
	// AtBoot runs it once the service is ready; the result goes to the
	// journal, and a failed check to the status LED.
	AtBoot bool `toml:"at_boot"`
}

// History is the call history kept in the state folder (calls.jsonl).
type History struct {
	// MaxCalls is how many calls are kept (the oldest go first).
	MaxCalls int `toml:"max_calls"`
}

// Control is the local control socket.
type Control struct {
	Socket string `toml:"socket"`
}

// MQTT commands (mqtt.allow_commands).
const (
	CommandCall   = "call"
	CommandAnswer = "answer"
	CommandHangup = "hangup"
	CommandDoor   = "door"
	CommandMute   = "mute"
	CommandDND    = "dnd"
)

// MQTTCommands are the commands mqtt.allow_commands may name.
var MQTTCommands = []string{CommandCall, CommandAnswer, CommandHangup, CommandDoor, CommandMute, CommandDND}

// MQTT is the bridge to an MQTT broker (Home Assistant and others);
// Broker "" means none.
type MQTT struct {
	Broker          string   `toml:"broker"`
	CAFile          string   `toml:"ca_file"`
	ClientID        string   `toml:"client_id"`
	Username        string   `toml:"username"`
	Password        string   `toml:"password"`
	TopicPrefix     string   `toml:"topic_prefix"`
	Discovery       bool     `toml:"discovery"`
	DiscoveryPrefix string   `toml:"discovery_prefix"`
	AllowCommands   []string `toml:"allow_commands"`
}

// Enabled reports whether a broker is configured.
func (m MQTT) Enabled() bool { return m.Broker != "" }

// Allows reports whether mqtt.allow_commands names command.
func (m MQTT) Allows(command string) bool { return slices.Contains(m.AllowCommands, command) }

// State is where the intercom keeps what must survive a restart (the
// door-code lockout). Dir "" picks $STATE_DIRECTORY (systemd's
// StateDirectory=), else $XDG_STATE_HOME/skoip, else ~/.local/state/skoip.
type State struct {
	Dir string `toml:"dir"`
}

// Log is logging.
type Log struct {
	Level string `toml:"level"`
}
