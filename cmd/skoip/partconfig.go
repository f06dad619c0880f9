package main

import (
	"log/slog"
	"math"
	"net/netip"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/media/codec"
	"github.com/skoip/skoip/phone"
)

// mediaConfig is what the media engine gets of cfg.
func mediaConfig(cfg *config.Config, log *slog.Logger) media.Config {
	m := cfg.Media
	return media.Config{
		PortMin: m.RTPPorts.First, PortMax: m.RTPPorts.Last,
		RTPTimeout: m.RTPTimeout.Duration,
		JitterMin:  m.JitterMin.Duration, JitterMax: m.JitterMax.Duration,
		VAD: media.VADConfig{Enabled: cfg.VAD.Enabled, ThresholdDB: cfg.VAD.ThresholdDB,
			MinLevelDB: cfg.VAD.MinLevelDB, Hangover: cfg.VAD.Hangover.Duration},
		HighPass: cfg.Audio.HighPass, AGC: cfg.Audio.AGC, NoiseGate: cfg.Audio.NoiseGate,
		EchoCancel: cfg.Audio.EchoCancel, EchoTail: cfg.Audio.EchoTail.Duration,
		NoiseSuppress: noiseSuppressDB(cfg.Audio.NoiseSuppress), HalfDuplex: cfg.Audio.HalfDuplex,
		CaptureGain:  math.Pow(10, cfg.Audio.CaptureGainDB/20),
		PlaybackGain: math.Pow(10, cfg.Audio.PlaybackGainDB/20),
		Rate:         engineRate(cfg),
		Opus:         opusOptions(cfg),
		Logger:       log,
	}
}

// codecs is media.codecs spelt as media and SDP spell them, without opus
// in a build that lacks it (cgo-free): said once in the log.
func codecs(cfg *config.Config, log *slog.Logger) []string {
	out := make([]string, 0, len(cfg.Media.Codecs))
	for _, n := range cfg.Media.Codecs {
		c, ok := config.CanonicalCodec(n)
		if !ok {
			continue // check-config refused it already
		}
		if c == "opus" && !codec.OpusAvailable {
			if log != nil {
				log.Warn("media.codecs: opus is not in this build (built without cgo); it is left out")
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// engineRate is what the media engine mixes at: 16 kHz when a wideband
// codec (G.722, Opus) is on, else 8 kHz.
func engineRate(cfg *config.Config) int {
	if config.Wideband(codecs(cfg, nil)) {
		return 16000
	}
	return 8000
}

// opusOptions are the Opus encoder's settings from media.opus_*.
func opusOptions(cfg *config.Config) codec.Options {
	m := cfg.Media
	return codec.Options{Bitrate: m.OpusBitrate, Complexity: m.OpusComplexity, DTX: m.OpusDTX, NoFEC: !m.OpusFEC}
}

// noiseSuppressDB is how much steady noise an audio.noise_suppress level
// removes, in dB (0: off).
func noiseSuppressDB(level string) int {
	switch level {
	case config.NoiseLow:
		return 12
	case config.NoiseModerate:
		return 18 // +10 dB SNR on pink noise at 5 dB (media/aec TestTargets)
	case config.NoiseHigh:
		return 24
	case config.NoiseVeryHigh:
		return 30
	}
	return 0
}

// phoneConfig is what the phone gets of cfg.
func phoneConfig(cfg *config.Config, log *slog.Logger) phone.Config {
	transport := cfg.SIP.Transport
	if transport == "tls" { // TLS for targets that do not say; plain SIP listens on UDP
		transport = "udp"
	}
	return phone.Config{
		Listen: cfg.SIP.Listen, Transport: transport, PublicAddr: cfg.SIP.PublicAddress,
		DeviceName: "skoip", UserAgent: "SKOIP/" + version,
		Codecs: codecs(cfg, log), PTime: cfg.Media.PTime.Duration, DTMF: cfg.Media.DTMF,
		OpusFMTP:       codec.OpusLocalFMTP(opusOptions(cfg)),
		AnswerOwnOrder: cfg.Media.AnswerOrder == config.AnswerOrderOurs,
		CN:             cfg.VAD.Enabled, // silence is suppressed only with VAD: then send comfort noise
		AutoAnswer:     cfg.Calls.AutoAnswer, AutoAnswerDelay: cfg.Calls.AutoAnswerDelay.Duration,
		RingTimeout: cfg.Calls.RingTimeout.Duration, MaxDuration: cfg.Calls.MaxDuration.Duration,
		Allow: cfg.Calls.Allow,
		Account: phone.Account{Registrar: cfg.SIP.Account.Registrar, Username: cfg.SIP.Account.Username,
			Password: cfg.SIP.Account.Password, Expires: cfg.SIP.Account.Expires.Duration},
		DirectAuth: phone.Credentials{User: cfg.Calls.AuthUser, Password: cfg.Calls.AuthPassword},
		Fallback:   cfg.Peer.Fallback,
		Encryption: cfg.Media.Encryption,
		Logger:     log,
	}
}

// engineMedia adapts *media.Engine to phone.Media.
type engineMedia struct{ e *media.Engine }

func (m engineMedia) NewStream(local netip.Addr) (phone.Stream, error) {
	s, err := m.e.NewStream(local)
	if err != nil {
		return nil, err
	}
	return s, nil
}
