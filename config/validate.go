package config

import (
	"fmt"
	"math"
	"net/netip"
	"path/filepath"
	"strings"
	"time"
)

const (
	defaultDebounce  = 30 * time.Millisecond
	defaultLongPress = 2 * time.Second
)

// checker collects problems, each placed at its key's line.
type checker struct {
	file  string
	lines lineIndex
	probs []Problem
}

func (c *checker) bad(key, format string, args ...any) {
	c.probs = append(c.probs, Problem{File: c.file, Line: c.lines.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) err(key string, err error) {
	if err != nil {
		c.bad(key, "%v", err)
	}
}

func (c *checker) oneOf(key, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.bad(key, "%q is not one of %s", v, quoteList(allowed))
}

func (c *checker) duration(key string, d Duration, lo, hi time.Duration) {
	if d.err != nil {
		c.bad(key, "%v", d.err)
		return
	}
	if d.Duration < lo || d.Duration > hi {
		c.bad(key, "%s is out of range (%s to %s)", d.Duration, lo, hi)
	}
}

func (c *checker) number(key string, v, lo, hi float64) {
	if math.IsNaN(v) || v < lo || v > hi {
		c.bad(key, "%g is out of range (%g to %g)", v, lo, hi)
	}
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// validate checks every value of cfg and returns all problems.
func validate(cfg *Config, file string, lines lineIndex) []Problem {
	c := &checker{file: file, lines: lines}
	if n := strings.TrimSpace(cfg.Device.Name); n == "" || len(n) > 64 {
		c.bad("device.name", "must be 1 to 64 characters")
	}
	checkSIP(c, &cfg.SIP)
	if a := cfg.Peer.Address; a != "" && !isPBXName(cfg) {
		if GroupName(a) != "" {
			c.err("peer.address", cfg.CheckTarget(a))
		} else {
			c.err("peer.address", checkTarget(a))
		}
	}
	checkGroups(c, cfg)
	checkProfiles(c, cfg)
	checkVoicemail(c, &cfg.Voicemail)
	checkSecure(c, cfg)
	c.number("history.max_calls", float64(cfg.History.MaxCalls), 1, 100000)
	if f := cfg.Peer.Fallback; f != "" {
		c.err("peer.fallback", checkDirect(f))
		if !cfg.SIP.Account.Enabled() {
			c.bad("peer.fallback", "is only used with a PBX account (sip.account.registrar)")
		}
	}
	checkGPIO(c, cfg)
	checkDoor(c, &cfg.Door)
	checkAudio(c, &cfg.Audio)
	checkMedia(c, &cfg.Media)
	checkVAD(c, &cfg.VAD)
	checkCalls(c, &cfg.Calls)
	if t := cfg.Calls.DNDTarget; t != "" {
		c.err("calls.dnd_target", cfg.CheckTarget(t))
	}
	checkMQTT(c, &cfg.MQTT)
	if s := cfg.Control.Socket; s != "" && !strings.HasPrefix(s, "/") {
		c.bad("control.socket", "%q must be an absolute path", s)
	}
	c.err("state.dir", CheckStateDir(cfg.State.Dir))
	checkNetwork(c, &cfg.Network)
	c.oneOf("log.level", cfg.Log.Level, "debug", "info", "warn", "error")
	return c.probs
}

func checkSIP(c *checker, s *SIP) {
	c.err("sip.listen", checkListen(s.Listen))
	c.oneOf("sip.transport", s.Transport, "udp", "tcp", "both", "tls")
	if s.PublicAddress != "" {
		if _, err := netip.ParseAddr(s.PublicAddress); err != nil {
			c.bad("sip.public_address", "%q is not an IP address (the address peers reach this unit at)", s.PublicAddress)
		}
	}
	a := &s.Account
	if !a.Enabled() {
		return
	}
	c.err("sip.account.registrar", checkTarget(a.Registrar))
	if a.Username == "" {
		c.bad("sip.account.username", "is required when sip.account.registrar is set")
	}
	c.duration("sip.account.expires", a.Expires, time.Minute, 24*time.Hour)
}

func checkDoor(c *checker, d *Door) {
	c.duration("door.pulse", d.Pulse, 100*time.Millisecond, 10*time.Second)
	if strings.Trim(d.Code, "0123456789*#ABCD") != "" || len(d.Code) > 16 {
		c.bad("door.code", "%q must be up to 16 DTMF digits (0-9, *, #, A-D)", d.Code)
	}
	if d.LockoutAttempts < 1 || d.LockoutAttempts > 100 {
		c.bad("door.lockout_attempts", "%d is out of range (1 to 100)", d.LockoutAttempts)
	}
	c.duration("door.lockout_time", d.LockoutTime, 0, 24*time.Hour)
	c.duration("door.hangup_after_open", d.HangupAfterOpen, 0, 10*time.Minute)
}

func checkAudio(c *checker, a *Audio) {
	c.oneOf("audio.backend", a.Backend, BackendALSA, BackendALSAKernel, BackendFile, BackendLoopback, BackendNull, BackendRoom)
	switch a.Backend {
	case BackendFile: // the files: checkFiles
	case BackendALSA, BackendALSAKernel:
		if a.Capture == "" || a.Playback == "" {
			c.bad("audio.capture", "capture and playback must name ALSA devices (e.g. \"default\")")
		}
	}
	switch a.SampleRate {
	case 8000, 16000, 44100, 48000:
	default:
		c.bad("audio.sample_rate", "%d is not one of 8000, 16000, 44100, 48000", a.SampleRate)
	}
	c.duration("audio.period", a.Period, 5*time.Millisecond, 100*time.Millisecond)
	c.number("audio.capture_gain_db", a.CaptureGainDB, -30, 30)
	c.number("audio.playback_gain_db", a.PlaybackGainDB, -30, 30)
	c.duration("audio.echo_tail", a.EchoTail, 50*time.Millisecond, 500*time.Millisecond)
	c.oneOf("audio.noise_suppress", a.NoiseSuppress, NoiseOff, NoiseLow, NoiseModerate, NoiseHigh, NoiseVeryHigh)
	if a.Backend == BackendRoom {
		checkRoom(c, &a.Room)
	}
}

// checkRoom checks the simulated room's numbers (its files: checkFiles).
func checkRoom(c *checker, r *Room) {
	c.duration("audio.room.delay", r.Delay, 0, 500*time.Millisecond)
	if r.T60.err != nil || r.T60.Duration != 0 {
		c.duration("audio.room.t60", r.T60, 100*time.Millisecond, time.Second)
	}
	c.number("audio.room.echo_gain_db", r.EchoGainDB, -40, 20)
	c.number("audio.room.clip", r.Clip, 0, 20)
	c.number("audio.room.drift_ppm", r.DriftPPM, -1000, 1000)
	c.duration("audio.room.change_at", r.ChangeAt, 0, 24*time.Hour)
	c.number("audio.room.change_gain_db", r.ChangeGainDB, -20, 20)
	c.number("audio.room.talker_gain_db", r.TalkerGainDB, -40, 20)
	c.number("audio.room.snr_db", r.SNRDB, -20, 60)
	if r.Seed < 0 {
		c.bad("audio.room.seed", "%d is negative", r.Seed)
	}
}

// Codecs lists the codec names media.codecs accepts (in any case).
func Codecs() []string { return []string{"opus", "G722", "PCMU", "PCMA", "L16"} }

// CanonicalCodec is a media.codecs name as the rest of SKOIP spells it
// ("OPUS" -> "opus", "g722" -> "G722"), and whether it is one.
func CanonicalCodec(name string) (string, bool) {
	for _, c := range Codecs() {
		if strings.EqualFold(c, name) {
			return c, true
		}
	}
	return "", false
}

// Wideband reports whether codecs (media.codecs) names G.722 or Opus: the
// media engine then runs at 16 kHz.
func Wideband(codecs []string) bool {
	for _, n := range codecs {
		if c, _ := CanonicalCodec(n); c == "opus" || c == "G722" {
			return true
		}
	}
	return false
}

// Answer orders (media.answer_order).
const (
	AnswerOrderOffer = "offer"
	AnswerOrderOurs  = "ours"
)

func checkMedia(c *checker, m *Media) {
	if len(m.Codecs) == 0 {
		c.bad("media.codecs", "must name at least one codec of %s", quoteList(Codecs()))
	}
	seen := map[string]bool{}
	for _, name := range m.Codecs {
		canon, ok := CanonicalCodec(name)
		if !ok {
			c.bad("media.codecs", "%q is not one of %s", name, quoteList(Codecs()))
			continue
		}
		if seen[canon] {
			c.bad("media.codecs", "%q is listed twice", name)
		}
		seen[canon] = true
	}
	c.oneOf("media.answer_order", m.AnswerOrder, AnswerOrderOffer, AnswerOrderOurs)
	c.number("media.opus_bitrate", float64(m.OpusBitrate), 6000, 128000)
	c.number("media.opus_complexity", float64(m.OpusComplexity), 1, 10)
	c.duration("media.ptime", m.PTime, 10*time.Millisecond, 60*time.Millisecond)
	if m.PTime.err == nil && m.PTime.Duration%(10*time.Millisecond) != 0 {
		c.bad("media.ptime", "%s is not a multiple of 10ms", m.PTime.Duration)
	}
	c.err("media.rtp_ports", m.RTPPorts.err)
	if m.RTPTimeout.Duration != 0 {
		c.duration("media.rtp_timeout", m.RTPTimeout, time.Second, time.Hour)
	} else {
		c.err("media.rtp_timeout", m.RTPTimeout.err)
	}
	c.duration("media.jitter_min", m.JitterMin, 0, time.Second)
	c.duration("media.jitter_max", m.JitterMax, 10*time.Millisecond, 2*time.Second)
	if m.JitterMin.err == nil && m.JitterMax.err == nil && m.JitterMin.Duration <= time.Second && m.JitterMin.Duration > m.JitterMax.Duration {
		c.bad("media.jitter_min", "%s is above media.jitter_max (%s)", m.JitterMin.Duration, m.JitterMax.Duration)
	}
}

func checkVAD(c *checker, v *VAD) {
	c.number("vad.threshold_db", v.ThresholdDB, 1, 40)
	c.number("vad.min_level_db", v.MinLevelDB, -90, 0)
	c.duration("vad.hangover", v.Hangover, 0, 2*time.Second)
}

func checkCalls(c *checker, k *Calls) {
	c.duration("calls.auto_answer_delay", k.AutoAnswerDelay, 0, time.Minute)
	c.duration("calls.ring_timeout", k.RingTimeout, 5*time.Second, 10*time.Minute)
	if k.MaxDuration.Duration != 0 {
		c.duration("calls.max_duration", k.MaxDuration, 10*time.Second, 24*time.Hour)
	} else {
		c.err("calls.max_duration", k.MaxDuration.err)
	}
	for _, a := range k.Allow {
		c.err("calls.allow", checkAllow(a))
	}
	if (k.AuthUser == "") != (k.AuthPassword == "") {
		c.bad("calls.auth_user", "calls.auth_user and calls.auth_password must be set together")
	}
}

// CheckStateDir accepts a state folder: "" (the default search) or an
// absolute path outside /boot, whose FAT file system may lose a file that
// is being replaced when the power goes.
func CheckStateDir(dir string) error {
	if dir == "" {
		return nil
	}
	if !filepath.IsAbs(dir) {
		return fmt.Errorf("%q must be an absolute path (e.g. \"/var/lib/skoip\")", dir)
	}
	if d := filepath.Clean(dir); d == "/boot" || strings.HasPrefix(d, "/boot/") {
		return fmt.Errorf("%q is on the boot partition (FAT): use a folder such as /var/lib/skoip", dir)
	}
	return nil
}

// CheckTarget reports whether s is a target this configuration can call
// (`skoip ctl call`, a button's target): what peer.address accepts, that is
// an IP, ip:port, a host name or a sip:/sips: URI, and with a PBX account
// also a bare user name or number; a URI's transport parameter must name a
// transport of sip.transport. "group:NAME" must name one of [[groups]].
func (cfg *Config) CheckTarget(s string) error {
	if name, ok := strings.CutPrefix(s, GroupPrefix); ok {
		if _, found := cfg.Group(name); !found {
			return fmt.Errorf("%q names no group (define it with [[groups]] name = %q)", s, name)
		}
		return nil
	}
	return cfg.checkPlainTarget(s)
}

// checkPlainTarget is CheckTarget for a target that is not a group.
func (cfg *Config) checkPlainTarget(s string) error {
	if cfg.SIP.Account.Enabled() && isUserName(s) {
		return nil
	}
	if err := checkTarget(s); err != nil {
		return err
	}
	tp, ok := uriTransport(s)
	if !ok {
		return nil
	}
	switch tp {
	case "tls":
		if !cfg.TLS() {
			return fmt.Errorf("%q: transport tls needs sip.tls_listen", s)
		}
		return nil
	case "udp", "tcp":
	default:
		return fmt.Errorf("%q: transport %q is not udp, tcp or tls", s, tp)
	}
	served := cfg.SIP.Transport
	if served == "tls" {
		served = "udp" // plain SIP listens on UDP beside TLS
	}
	if served != "both" && served != tp {
		return fmt.Errorf("%q: transport %s is not served (sip.transport = %q)", s, tp, cfg.SIP.Transport)
	}
	return nil
}

// isUserName reports whether s is a bare user name or number ("1002",
// "door-b"), which a PBX account turns into user@registrar: letters, digits
// and the other characters a SIP URI's user part takes unescaped, no '@',
// '.', ':' or ';'.
func isUserName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("-_!~*'()&=+$,?/", r)
		if !ok {
			return false
		}
	}
	return true
}

// uriTransport returns the transport parameter of a SIP URI, lower case.
func uriTransport(s string) (string, bool) {
	rest, isURI := cutScheme(s)
	if !isURI {
		return "", false
	}
	_, params, ok := strings.Cut(rest, ";")
	if !ok {
		return "", false
	}
	if i := strings.IndexByte(params, '?'); i >= 0 {
		params = params[:i]
	}
	for _, p := range strings.Split(params, ";") {
		if v, ok := strings.CutPrefix(strings.ToLower(p), "transport="); ok {
			return v, true
		}
	}
	return "", false
}
