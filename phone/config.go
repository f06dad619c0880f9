package phone

import (
	"fmt"
	"log/slog"
	"net/netip"
	"time"
)

// Config is the phone's part of the intercom configuration (cmd translates
// the config file into it).
type Config struct {
	Listen          string        // "ip:port"; port 0 picks a free port (see Phone.Addr)
	Transport       string        // "udp" (default), "tcp" or "both"
	PublicAddr      string        // optional IP advertised in Contact, Via and SDP instead of the routed local address
	DeviceName      string        // user part of our From and Contact URIs (default "skoip")
	UserAgent       string        // User-Agent / Server header (default "SKOIP")
	Codecs          []string      // preference order: "opus", "G722", "PCMU", "PCMA", "L16" (default PCMU, PCMA)
	OpusFMTP        string        // the a=fmtp we write for Opus ("" = codec.OpusLocalFMTP's default)
	AnswerOwnOrder  bool          // answers pick by Codecs' order, not the offerer's (RFC 3264 recommends the offerer's)
	PTime           time.Duration // packetisation interval (default 20ms)
	DTMF            bool          // offer and accept telephone-event (RFC 4733)
	CN              bool          // offer comfort noise (RFC 3389, PT 13); an offered CN is always accepted
	AutoAnswer      bool          // answer incoming calls by itself
	AutoAnswerDelay time.Duration // ring this long before auto-answering
	RingTimeout     time.Duration // outgoing: CANCEL after this; incoming: 480 after this (default 60s)
	MaxDuration     time.Duration // hang up a connected call after this (0 = no limit)
	NoACKTimeout    time.Duration // free an answered call whose 200 OK is never ACKed (default 32s)
	GhostTimeout    time.Duration // free an answered incoming call that has neither its ACK nor any RTP after this (default 2s)
	Allow           []string      // who may call directly: CIDRs, IPs or host names; empty = anyone (with an Account: nobody)
	Account         Account       // optional registration; its registrar is also the outbound proxy
	DirectAuth      Credentials   // optional: direct INVITEs must authenticate with these; our direct calls answer challenges with them
	Fallback        string        // optional IP or ip:port dialled instead of a target through the proxy while not registered
	TLS             *TLS          // optional SIP over TLS (tls.go)
	// Encryption is SRTP with SDES keys (RFC 4568), only ever in calls over
	// TLS: "off" (default), "optional" (offered and accepted over TLS) or
	// "required" (a call that is not TLS, or whose SDP has no usable crypto,
	// is refused with 488, or ended).
	Encryption string
	Logger     *slog.Logger // nil = discard

	addrTable int // tests: addresses sipgo may remember before a recycle (0: sipgoAddrs)
}

// Defaults for zero Config fields.
const (
	DefaultListen       = "0.0.0.0:5060"
	DefaultDeviceName   = "skoip"
	DefaultUserAgent    = "SKOIP"
	DefaultPTime        = 20 * time.Millisecond
	DefaultRingTimeout  = 60 * time.Second
	DefaultNoACKTimeout = 32 * time.Second
	DefaultGhostTimeout = 2 * time.Second
)

// withDefaults returns cfg with zero fields filled in, or an error naming
// the first invalid field.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if _, err := netip.ParseAddrPort(cfg.Listen); err != nil {
		return cfg, fmt.Errorf("%w: Listen %q: want ip:port: %v", ErrBadConfig, cfg.Listen, err)
	}
	switch cfg.Transport {
	case "":
		cfg.Transport = "udp"
	case "udp", "tcp", "both":
	default:
		return cfg, fmt.Errorf("%w: Transport %q: want udp, tcp or both", ErrBadConfig, cfg.Transport)
	}
	switch cfg.Encryption {
	case "":
		cfg.Encryption = "off"
	case "off", "optional", "required":
	default:
		return cfg, fmt.Errorf("%w: Encryption %q: want off, optional or required", ErrBadConfig, cfg.Encryption)
	}
	if cfg.PublicAddr != "" {
		if _, err := netip.ParseAddr(cfg.PublicAddr); err != nil {
			return cfg, fmt.Errorf("%w: PublicAddr %q: want an IP address", ErrBadConfig, cfg.PublicAddr)
		}
	}
	cfg.DeviceName = orDefault(cfg.DeviceName, DefaultDeviceName)
	cfg.UserAgent = orDefault(cfg.UserAgent, DefaultUserAgent)
	if len(cfg.Codecs) == 0 {
		cfg.Codecs = []string{"PCMU", "PCMA"}
	}
	cfg.PTime = durOr(cfg.PTime, DefaultPTime)
	cfg.RingTimeout = durOr(cfg.RingTimeout, DefaultRingTimeout)
	cfg.NoACKTimeout = durOr(cfg.NoACKTimeout, DefaultNoACKTimeout)
	cfg.GhostTimeout = durOr(cfg.GhostTimeout, DefaultGhostTimeout)
	if cfg.AutoAnswerDelay < 0 || cfg.MaxDuration < 0 {
		return cfg, fmt.Errorf("%w: negative duration", ErrBadConfig)
	}
	if cfg.Fallback != "" {
		u, err := parseURI(cfg.Fallback)
		if _, ip := hostIP(u); err != nil || !ip {
			return cfg, fmt.Errorf("%w: Fallback %q: want an IP, ip:port or sip:user@IP", ErrBadConfig, cfg.Fallback)
		}
	}
	if cfg.DirectAuth.Password != "" && cfg.DirectAuth.User == "" {
		return cfg, fmt.Errorf("%w: DirectAuth.Password without DirectAuth.User", ErrBadConfig)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func durOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
