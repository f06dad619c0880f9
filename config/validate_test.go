package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryRule sets one bad value per case and checks the one problem it
// must produce: the key, the line and the message.
func TestEveryRule(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	writeWAV(t, good, 1, 1, 8000, 16, 320)
	bad := map[string][]any{ // name -> format, channels, rate, bits, data bytes
		"float.wav":  {uint16(3), uint16(1), uint32(8000), uint16(32), 320},
		"six.wav":    {uint16(1), uint16(6), uint32(8000), uint16(16), 320},
		"slow.wav":   {uint16(1), uint16(1), uint32(4000), uint16(16), 320},
		"bits12.wav": {uint16(1), uint16(1), uint32(8000), uint16(12), 320},
		"empty.wav":  {uint16(1), uint16(1), uint32(8000), uint16(16), 0},
	}
	for name, a := range bad {
		writeWAV(t, filepath.Join(dir, name), a[0].(uint16), a[1].(uint16), a[2].(uint32), a[3].(uint16), a[4].(int))
	}
	if err := os.WriteFile(filepath.Join(dir, "text.wav"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	trunc, _ := os.ReadFile(good)
	if err := os.WriteFile(filepath.Join(dir, "trunc.wav"), trunc[:30], 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		toml string // the file; the bad value is on its last line
		key  string
		msg  string
	}{
		{"[device]\nname = \"\"", "device.name", "must be 1 to 64 characters"},
		{"[sip]\nlisten = \"5060\"", "sip.listen", "is not ip:port"},
		{"[sip]\nlisten = \"pbx:5060\"", "sip.listen", "is not an IP address"},
		{"[sip]\nlisten = \"0.0.0.0:70000\"", "sip.listen", "port \"70000\" is not a number between 0 and 65535"},
		{"[sip]\ntransport = \"tlss\"", "sip.transport", `"tlss" is not one of "udp", "tcp", "both", "tls"`},
		{"[sip]\ntransport = \"tls\"", "sip.transport", `"tls" needs sip.tls_listen`},
		{"[peer]\ntls_fingerprint = \"AB:CD\"", "peer.tls_fingerprint", "is not a SHA-256 fingerprint"},
		{"[sip]\ntls_listen = \"0.0.0.0:5061\"\n[peer]\ntls_fingerprint = \"" + strings.Repeat("AB:", 31) + "AB\"\n[media]\nencryption = \"always\"", "media.encryption", `"always" is not one of "off", "optional", "required"`},
		{"[media]\nencryption = \"required\"", "media.encryption", "needs sip.tls_listen"},
		{"[door]\nrequire_secure = true", "door.require_secure", "needs sip.tls_listen"},
		{"[sip]\ntls_listen = \"0.0.0.0:5061\"", "sip.tls_listen", "no TLS peer can be trusted"},
		{"[peer]\ntls_fingerprint = \"" + strings.Repeat("ab", 32) + "\"\n[sip]\ntls_listen = \"0.0.0.0:99999\"", "sip.tls_listen", "port"},
		{"[sip]\npublic_address = \"door.example.org\"", "sip.public_address", "is not an IP address (the address peers reach this unit at)"},
		{"[sip.account]\nusername = \"a\"\nregistrar = \"sip:\"", "sip.account.registrar", "is not an IP address or host name"},
		{"[sip.account]\nregistrar = \"pbx.example.org\"\nusername = \"a\"\nexpires = \"10s\"", "sip.account.expires", "is out of range (1m0s to 24h0m0s)"},
		{"[peer]\naddress = \"192.168.1.300\"", "peer.address", "is not an IP, ip:port or SIP URI"},
		{"[peer]\naddress = \"door.123\"", "peer.address", "is not an IP, ip:port or SIP URI"},
		{"[peer]\naddress = \"10.0.0.1:0\"", "peer.address", "is not an IP, ip:port or SIP URI"},
		{"[peer]\naddress = \"sip:@10.0.0.1\"", "peer.address", "empty user part"},
		{"[peer]\naddress = \"sip:door@10.0.0.1:99999\"", "peer.address", "port \"99999\""},
		{"[[buttons]]\npin = \"GPIO5\"\nname = \"a b\"", "buttons[0].name", "must be a non-empty word"},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\n[[buttons]]\npin = \"GPIO6\"\nname = \"a\"", "buttons[1].name", `"a" is used twice`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO28\"", "buttons[0].pin", `"GPIO28" is not a GPIO line name`},
		{"[[buttons]]\nname = \"a\"\npin = \"17\"", "buttons[0].pin", `"17" is not a GPIO line name`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO017\"", "buttons[0].pin", `"GPIO017" is not a GPIO line name`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\n[[buttons]]\nname = \"b\"\npin = \"GPIO5\"", "buttons[1].pin", "GPIO5 is already used by buttons[0].pin"},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\naction = \"ring\"", "buttons[0].action", `"ring" is not one of "call", "answer", "hangup", "toggle", "open"`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\ntarget = \"sip:x@\"", "buttons[0].target", "is not an IP address or host name"},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\ndebounce = \"2s\"", "buttons[0].debounce", "is out of range (0s to 1s)"},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\ndebounce = \"fast\"", "buttons[0].debounce", `"fast" is not a duration`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\nlong_press = \"10ms\"", "buttons[0].long_press", "is out of range"},
		{"[[leds]]\npin = \"GPIO5\"\nshow = \"call\"\nname = \"\"", "leds[0].name", "must be a non-empty word"},
		{"[[leds]]\nname = \"l\"\npin = \"GPIO5\"\nshow = \"rainbow\"", "leds[0].show", `"rainbow" is not one of "status", "call", "door"`},
		{"[door]\nrelay_pin = \"GPIO17\"", "door.relay_pin", "GPIO17 is already used by buttons[0].pin"},
		{"[door]\npulse = \"20s\"", "door.pulse", "is out of range (100ms to 10s)"},
		{"[door]\ncode = \"12x4\"", "door.code", "must be up to 16 DTMF digits"},
		{"[door]\ncode = \"12345678901234567\"", "door.code", "must be up to 16 DTMF digits"},
		{"[door]\nlockout_attempts = 0", "door.lockout_attempts", "0 is out of range (1 to 100)"},
		{"[door]\nlockout_time = \"-1s\"", "door.lockout_time", "is out of range"},
		{"[door]\nhangup_after_open = \"1h\"", "door.hangup_after_open", "is out of range"},
		{"[audio]\nbackend = \"oss\"", "audio.backend", `"oss" is not one of "alsa", "alsa-kernel", "file", "loopback", "null", "room"`},
		{"[audio]\necho_tail = \"20ms\"", "audio.echo_tail", "is out of range (50ms to 500ms)"},
		{"[audio]\nnoise_suppress = \"max\"", "audio.noise_suppress", `"max" is not one of "off", "low", "moderate", "high", "very_high"`},
		{"[audio]\nbackend = \"room\"\n[audio.room]\ndelay = \"1s\"", "audio.room.delay", "is out of range (0s to 500ms)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nt60 = \"50ms\"", "audio.room.t60", "is out of range (100ms to 1s)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\necho_gain_db = 30.0", "audio.room.echo_gain_db", "30 is out of range (-40 to 20)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nclip = -1.0", "audio.room.clip", "-1 is out of range (0 to 20)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\ndrift_ppm = 5000.0", "audio.room.drift_ppm", "5000 is out of range (-1000 to 1000)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nchange_at = \"-1s\"", "audio.room.change_at", "is out of range"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nsnr_db = 99.0", "audio.room.snr_db", "99 is out of range (-20 to 60)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nsnr_db = nan", "audio.room.snr_db", "NaN is out of range (-20 to 60)"},
		{"[audio]\ncapture_gain_db = nan", "audio.capture_gain_db", "NaN is out of range (-30 to 30)"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nseed = -3", "audio.room.seed", "-3 is negative"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\ntalker = \"" + filepath.Join(dir, "nope.wav") + "\"", "audio.room.talker", "no such file or directory"},
		{"[audio]\nbackend = \"room\"\n[audio.room]\nnoise = \"" + filepath.Join(dir, "text.wav") + "\"", "audio.room.noise", "not a WAV file"},
		{"[audio]\ncapture = \"\"", "audio.capture", "must name ALSA devices"},
		{"[audio]\nbackend = \"file\"\nplayback = \"/tmp/out.wav\"\ncapture = \"" + filepath.Join(dir, "nope.wav") + "\"", "audio.capture", "no such file or directory"},
		{"[audio]\nbackend = \"file\"\ncapture = \"" + good + "\"\nplayback = \"\"", "audio.playback", "must name the WAV file to write"},
		{"[audio]\nsample_rate = 22050", "audio.sample_rate", "22050 is not one of"},
		{"[audio]\nperiod = \"1ms\"", "audio.period", "is out of range (5ms to 100ms)"},
		{"[audio]\ncapture_gain_db = 40.0", "audio.capture_gain_db", "40 is out of range (-30 to 30)"},
		{"[audio]\nplayback_gain_db = -31.0", "audio.playback_gain_db", "-31 is out of range (-30 to 30)"},
		{"[media]\ncodecs = []", "media.codecs", "must name at least one codec"},
		{"[media]\ncodecs = [\"G729\"]", "media.codecs", `"G729" is not one of "opus", "G722", "PCMU", "PCMA", "L16"`},
		{"[media]\ncodecs = [\"opus\", \"OPUS\"]", "media.codecs", `"OPUS" is listed twice`},
		{"[media]\nanswer_order = \"mine\"", "media.answer_order", `"mine" is not one of "offer", "ours"`},
		{"[media]\nopus_bitrate = 500", "media.opus_bitrate", `500 is out of range (6000 to 128000)`},
		{"[media]\nopus_complexity = 0", "media.opus_complexity", `0 is out of range (1 to 10)`},
		{"[media]\ncodecs = [\"PCMU\", \"PCMU\"]", "media.codecs", `"PCMU" is listed twice`},
		{"[media]\nptime = \"25ms\"", "media.ptime", "25ms is not a multiple of 10ms"},
		{"[media]\nptime = \"100ms\"", "media.ptime", "is out of range (10ms to 1m0s)"[:16]},
		{"[media]\nrtp_ports = \"16384\"", "media.rtp_ports", "is not a port range"},
		{"[media]\nrtp_ports = \"16385-16483\"", "media.rtp_ports", "must start on an even port"},
		{"[media]\nrtp_ports = \"80-200\"", "media.rtp_ports", "starts below 1024"},
		{"[media]\nrtp_ports = \"20000-20000\"", "media.rtp_ports", "at least one RTP/RTCP pair"},
		{"[media]\nrtp_ports = \"20000-70000\"", "media.rtp_ports", `port "70000" is not a number`},
		{"[media]\nrtp_timeout = \"500ms\"", "media.rtp_timeout", "is out of range (1s to 1h0m0s)"},
		{"[media]\nrtp_timeout = \"soon\"", "media.rtp_timeout", `"soon" is not a duration`},
		{"[media]\njitter_min = \"2s\"", "media.jitter_min", "is out of range (0s to 1s)"},
		{"[media]\njitter_min = \"0s\"\njitter_max = \"5ms\"", "media.jitter_max", "is out of range (10ms to 2s)"},
		{"[media]\njitter_min = \"300ms\"", "media.jitter_min", "300ms is above media.jitter_max (200ms)"},
		{"[vad]\nthreshold_db = 0.5", "vad.threshold_db", "is out of range (1 to 40)"},
		{"[vad]\nmin_level_db = 3.0", "vad.min_level_db", "is out of range (-90 to 0)"},
		{"[vad]\nhangover = \"3s\"", "vad.hangover", "is out of range (0s to 2s)"},
		{"[sounds]\ndoorbell = \"" + filepath.Join(dir, "missing.wav") + "\"", "sounds.doorbell", "no such file or directory"},
		{"[sounds]\nringtone = \"" + filepath.Join(dir, "text.wav") + "\"", "sounds.ringtone", "not a WAV file"},
		{"[sounds]\nbusy = \"" + filepath.Join(dir, "float.wav") + "\"", "sounds.busy", "not PCM (format 3)"},
		{"[sounds]\nno_answer = \"" + filepath.Join(dir, "six.wav") + "\"", "sounds.no_answer", "6 channels"},
		{"[sounds]\ndoor_open = \"" + filepath.Join(dir, "slow.wav") + "\"", "sounds.door_open", "sample rate 4000 Hz"},
		{"[sounds]\nwarning = \"" + filepath.Join(dir, "bits12.wav") + "\"", "sounds.warning", "12 bits per sample"},
		{"[sounds]\ndoorbell = \"" + filepath.Join(dir, "empty.wav") + "\"", "sounds.doorbell", "no audio"},
		{"[sounds]\ndoorbell = \"" + filepath.Join(dir, "trunc.wav") + "\"", "sounds.doorbell", "truncated"},
		{"[calls]\nauto_answer_delay = \"2m\"", "calls.auto_answer_delay", "is out of range (0s to 1m0s)"},
		{"[calls]\nring_timeout = \"1s\"", "calls.ring_timeout", "is out of range (5s to 10m0s)"},
		{"[calls]\nmax_duration = \"5s\"", "calls.max_duration", "is out of range (10s to 24h0m0s)"},
		{"[calls]\nmax_duration = \"forever\"", "calls.max_duration", `"forever" is not a duration`},
		{"[calls]\nallow = [\"10.0.0.0/8\", \"10.0.0.0/40\"]", "calls.allow", `"10.0.0.0/40" is not a CIDR`},
		{"[calls]\nallow = [\"not a host\"]", "calls.allow", "is not a CIDR, IP address or host name"},
		{"[calls]\nauth_password = \"x\"\nauth_user = \"\"", "calls.auth_user", "must be set together"},
		{"[peer]\nfallback = \"192.168.1.20\"", "peer.fallback", "is only used with a PBX account"},
		{"[sip.account]\nregistrar = \"pbx.example.org\"\nusername = \"door\"\n[peer]\nfallback = \"door.example.org\"", "peer.fallback", "is not an IP, ip:port or sip:user@IP"},
		{"[control]\nsocket = \"skoip.sock\"", "control.socket", "must be an absolute path"},
		{"[state]\ndir = \"state\"", "state.dir", "must be an absolute path"},
		{"[state]\ndir = \"/boot/firmware/skoip\"", "state.dir", "is on the boot partition (FAT)"},
		{"[log]\nlevel = \"verbose\"", "log.level", `"verbose" is not one of "debug", "info", "warn", "error"`},
		{"[mqtt]\nbroker = \"192.168.1.10\"", "mqtt.broker", "is not a broker URL"},
		{"[mqtt]\nbroker = \"http://broker:1883\"", "mqtt.broker", `scheme "http" is not tcp, mqtt, ssl, tls or mqtts`},
		{"[mqtt]\nbroker = \"tcp://broker:99999\"", "mqtt.broker", `port "99999" is not a number`},
		{"[mqtt]\nbroker = \"tcp://u:p@broker:1883\"", "mqtt.broker", "has no path, query or user"},
		{"[mqtt]\nbroker = \"tcp://broker/x\"", "mqtt.broker", "has no path, query or user"},
		{"[[groups]]\nname = \"a\"\nmembers = [\"10.0.0.1\"]\nmode = \"ring\"", "groups[0].mode", `"ring" is not one of "parallel", "sequential"`},
		{"[[groups]]\nmode = \"parallel\"\nmembers = [\"10.0.0.1\"]\nname = \"a b\"", "groups[0].name", "must be 1 to 32 letters"},
		{"[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = []", "groups[0].members", "is empty"},
		{"[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = [\"group:a\"]", "groups[0].members", `"group:a" names the group itself`},
		{"[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = [\"group:b\"]", "groups[0].members", `"group:b" names no group`},
		{"[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = [\"10.0.0.300\"]", "groups[0].members", "is not an IP, ip:port or SIP URI"},
		{"[[groups]]\nname = \"b\"\nmode = \"sequential\"\nmembers = [\"10.0.0.1\"]\n[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = [\"group:b\"]", "groups[1].members", "a parallel group may only hold parallel groups"},
		{"[[groups]]\nname = \"c\"\nmode = \"parallel\"\nmembers = [\"10.0.0.1\"]\n[[groups]]\nname = \"b\"\nmode = \"parallel\"\nmembers = [\"group:c\"]\n[[groups]]\nname = \"a\"\nmode = \"sequential\"\nmembers = [\"group:b\"]", "groups[2].members", "groups nest one level only"},
		{"[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = [\"10.0.0.1\"]\nring_time = \"1s\"", "groups[0].ring_time", "is out of range (5s to 10m0s)"},
		{"[[groups]]\nname = \"a\"\nmode = \"parallel\"\nmembers = [\"10.0.0.1\"]\n[[groups]]\nmode = \"parallel\"\nmembers = [\"10.0.0.2\"]\nname = \"a\"", "groups[1].name", `"a" is used twice`},
		{"[peer]\naddress = \"group:nobody\"", "peer.address", `"group:nobody" names no group`},
		{"[calls]\ndnd_target = \"group:nobody\"", "calls.dnd_target", `"group:nobody" names no group`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\ntarget = \"group:x\"", "buttons[0].target", `"group:x" names no group`},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\nprofile = \"night\"", "buttons[0].profile", `"night" names no profile`},
		{"[device]\ntimezone = \"Mars/Olympus\"", "device.timezone", `unknown time zone "Mars/Olympus"`},
		{"[[profiles]]\nname = \"p\"\nrules = []", "profiles[0].rules", "empty"},
		{"[[profiles]]\nname = \"p\"\nrules = [\"mon-fri 08:00 10.0.0.1\"]", "profiles[0].rules", "is not FROM-TO"},
		{"[[profiles]]\nname = \"p\"\nrules = [\"weekdays 08:00-17:00 10.0.0.1\"]", "profiles[0].rules", "days"},
		{"[[profiles]]\nname = \"p\"\nrules = [\"mon-fri 08:00-17:00 group:zz\"]", "profiles[0].rules", `"group:zz" names no group`},
		{"[[profiles]]\nname = \"p\"\nrules = [\"mon-fri 08:00-17:00 dnd\", \"mon 16:00-18:00 10.0.0.1\"]", "profiles[0].rules", "rules 1 and 2 overlap on Mon 16:00"},
		{"[[profiles]]\nname = \"p\"\nrules = [\"mon 22:00-07:00 dnd\", \"tue 06:00-08:00 dnd\"]", "profiles[0].rules", "overlap on Tue 06:00"},
		{"[voicemail]\nmax_length = \"1h\"", "voicemail.max_length", "is out of range"},
		{"[voicemail]\nmax_messages = 0", "voicemail.max_messages", "is out of range"},
		{"[history]\nmax_calls = 0", "history.max_calls", "is out of range"},
		{"[voicemail]\ndir = \"messages\"", "voicemail.dir", "must be an absolute path"},
		{"[voicemail]\ndir = \"/boot/firmware/msgs\"", "voicemail.dir", "/boot"},
		{"[mqtt]\nbroker = \"tcp://broker\"\ntopic_prefix = \"home/+/door\"", "mqtt.topic_prefix", "without spaces, '+' or '#'"},
		{"[mqtt]\nbroker = \"tcp://broker\"\ntopic_prefix = \"home/door/\"", "mqtt.topic_prefix", "empty topic level"},
		{"[mqtt]\nbroker = \"tcp://broker\"\ntopic_prefix = \"home door\"", "mqtt.topic_prefix", "without spaces"},
		{"[mqtt]\nbroker = \"tcp://broker\"\ndiscovery_prefix = \"\"", "mqtt.discovery_prefix", "must not be empty"},
		{"[mqtt]\nbroker = \"tcp://broker\"\nclient_id = \"front door\"", "mqtt.client_id", "printable characters without spaces"},
		{"[mqtt]\nbroker = \"tcp://broker\"\nca_file = \"/etc/ca.pem\"", "mqtt.ca_file", "only used with a TLS broker"},
		{"[mqtt]\nbroker = \"tcp://broker\"\npassword = \"secret\"", "mqtt.password", "is set without mqtt.username"},
		{"[mqtt]\nallow_commands = [\"dnd\", \"open\"]", "mqtt.allow_commands", `"open" is not one of "call", "answer", "hangup", "door", "mute", "dnd"`},
		{"[calls]\ndnd_target = \"sip:@10.0.0.1\"", "calls.dnd_target", "empty user part"},
		{"[sip]\nlisten = \"0.0.0.0:5060\"\nlisen = \"x\"", "sip.lisen", "unknown key"},
		{"[[buttons]]\nname = \"a\"\npin = \"GPIO5\"\ncolour = \"red\"", "buttons[0].colour", "unknown key"},
		{"[sip]\n[sip.acount]\nregistrar = \"x\"", "sip.acount.registrar", "unknown key"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			_, err := Parse("t.toml", []byte(tc.toml+"\n"))
			if err == nil {
				t.Fatalf("no error for\n%s", tc.toml)
			}
			line := strings.Count(tc.toml, "\n") + 1
			want := "t.toml:" + strconv.Itoa(line) + ": " + tc.key + ": "
			got := err.Error()
			if strings.Count(got, "\n") != 0 {
				t.Fatalf("want one problem, got:\n%s", got)
			}
			if !strings.HasPrefix(got, want) || !strings.Contains(got, tc.msg) {
				t.Errorf("got  %q\nwant %q...%q", got, want, tc.msg)
			}
		})
	}
}

// A missing key is reported on the line of its table.
func TestMissingKeyPointsAtItsTable(t *testing.T) {
	_, err := Parse("t.toml", []byte("[log]\nlevel = \"info\"\n[sip.account]\nregistrar = \"pbx.example.org\"\n"))
	want := "t.toml:3: sip.account.username: is required when sip.account.registrar is set"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestGoodValuesPass(t *testing.T) {
	for _, f := range []string{
		"[sip]\nlisten = \"[::]:5070\"\ntransport = \"both\"\npublic_address = \"203.0.113.7\"",
		"[sip]\nlisten = \"127.0.0.1:0\"",
		"[peer]\naddress = \"sip:flat12@192.168.1.20:5062;transport=udp\"",
		"[peer]\naddress = \"[fd00::1]:5060\"",
		"[peer]\naddress = \"pbx.local\"",
		"[sip.account]\nregistrar = \"sip:pbx.example.org\"\nusername = \"door\"\npassword = \"x\"",
		"[door]\ncode = \"*12#\"\nrelay_pin = \"\"",
		"[audio]\nbackend = \"loopback\"\nsample_rate = 8000",
		"[audio]\nbackend = \"room\"\necho_cancel = false\nnoise_suppress = \"off\"\nhalf_duplex = true\n[audio.room]\nnoise = \"babble\"\nt60 = \"0s\"\ndrift_ppm = -200.0",
		"[media]\ncodecs = [\"L16\", \"PCMA\"]\nptime = \"30ms\"\nrtp_timeout = \"0s\"",
		"[calls]\nmax_duration = \"0s\"\nallow = [\"192.168.1.0/24\", \"10.0.0.7\", \"flat.local\", \"fd00::/8\"]",
		"[control]\nsocket = \"/run/skoip/skoip.sock\"",
		"[sip.account]\nregistrar = \"pbx.example.org\"\nusername = \"door\"\n[peer]\naddress = \"1002\"\nfallback = \"sip:flat@192.168.1.20:5062\"",
		"[calls]\nauth_user = \"door\"\nauth_password = \"secret\"",
		"[state]\ndir = \"/var/lib/skoip\"",
		"[state]\ndir = \"/bootstrap/skoip\"",
	} {
		if _, err := Parse("ok.toml", []byte(f+"\n")); err != nil {
			t.Errorf("%q: %v", f, err)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	direct := Default()
	pbx, err := Parse("pbx.toml", []byte("[sip.account]\nregistrar = \"pbx.example.org\"\nusername = \"door\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := Parse("tcp.toml", []byte("[sip]\ntransport = \"tcp\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg    *Config
		target string
		ok     bool
	}{
		{direct, "192.168.1.20", true},
		{direct, "192.168.1.20:5062", true},
		{direct, "[fd00::1]:5060", true},
		{direct, "fd00::1", true},
		{direct, "flat.local", true},
		{direct, "sip:flat12@192.168.1.20:5062", true},
		{direct, "SIPS:flat12@pbx.example.org", true},
		{direct, "sip:flat@192.168.1.20;transport=udp", true},
		{direct, "sip:flat@192.168.1.20;transport=tcp", false}, // only udp is served
		{tcp, "sip:flat@192.168.1.20;transport=TCP", true},
		{direct, "sip:flat@192.168.1.20;transport=sctp", false},
		{direct, "1002", false}, // a bare number needs a PBX account
		{pbx, "1002", true},
		{pbx, "door-b", true},
		{pbx, "door b", false},
		{direct, "", false},
		{direct, "999.1.1.1", false},
		{direct, "192.168.1.20:99999", false},
		{direct, "sip:@192.168.1.20", false},
		{direct, "not a target!", false},
		{direct, "sip:", false},
	} {
		err := tc.cfg.CheckTarget(tc.target)
		if (err == nil) != tc.ok {
			t.Errorf("%s: CheckTarget(%q) = %v, want ok %v", tc.cfg.Source, tc.target, err, tc.ok)
		}
	}
}

// A ;transport=tls target is accepted with sip.tls_listen, refused without.
func TestTLSTargets(t *testing.T) {
	pin := strings.Repeat("AB:", 31) + "AB"
	on, err := Parse("t.toml", []byte("[sip]\ntls_listen = \"127.0.0.1:0\"\n[peer]\ntls_fingerprint = \""+pin+"\"\naddress = \"sip:bob@10.0.0.1;transport=tls\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"sip:x@10.0.0.2;transport=tls", "sips:x@10.0.0.2", "10.0.0.3"} {
		if err := on.CheckTarget(target); err != nil {
			t.Errorf("%s with TLS: %v", target, err)
		}
	}
	off := Default()
	if err := off.CheckTarget("sip:x@10.0.0.2;transport=tls"); err == nil || !strings.Contains(err.Error(), "needs sip.tls_listen") {
		t.Errorf("a tls target without TLS: %v", err)
	}
}
