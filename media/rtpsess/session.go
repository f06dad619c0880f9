package rtpsess

import (
	crand "crypto/rand"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// Config configures a Session. Zero values pick sensible defaults.
type Config struct {
	Local            netip.Addr // address to bind (unspecified = all)
	PortMin, PortMax int        // RTP port range; 0,0 = any even pair from the system
	ClockRate        int        // RTP clock of the media, default 8000
	CNAME            string     // SDES CNAME, default "skoip@<local>"
	Timeout          time.Duration
	Logger           *slog.Logger
	// Now is the clock (default time.Now); Rand the random source (default
	// seeded from crypto/rand). Tests inject both.
	Now  func() time.Time
	Rand *rand.Rand
	// OnRTP is called on the receive goroutine for each accepted packet. The
	// packet and its payload alias a buffer reused for the next read: copy
	// what must outlive the call. newSource is true on the first packet of a
	// new remote SSRC.
	OnRTP func(p *rtp.Packet, arrival time.Time, newSource bool)
	// OnTimeout is called once when no RTP or RTCP arrived for Timeout.
	OnTimeout func()
	// OnBye is called when the peer sends an RTCP BYE.
	OnBye func()
	// Polled asks for a session whose RTP is read only by Poll, called by
	// the owner (once per audio period), instead of on a goroutine of the
	// session woken by every packet. Where the platform cannot (Polled()
	// says), the session reads on its own goroutine as without it.
	Polled bool
}

// Peer is where the session sends, and whom it accepts media from.
type Peer struct {
	RTP  netip.AddrPort // negotiated RTP address; RTCP is port+1
	Send bool           // send RTP (SR) to the peer
	Recv bool           // accept and deliver RTP from the peer
	// SRTP, when not nil, protects everything sent and requires everything
	// received to be SRTP/SRTCP under these keys (RFC 3711); nil is plain
	// RTP. Start and Update copy it.
	SRTP *SRTP
	// ClockRate is the RTP clock of the negotiated codec (8000, or 48000
	// for Opus); 0 keeps Config.ClockRate.
	ClockRate int
}

// Session is one RTP/RTCP socket pair and its state. Send methods are safe
// for use from one goroutine (the audio callback) concurrently with the
// session's own goroutines.
type Session struct {
	cfg      Config
	log      *slog.Logger
	rtpConn  *net.UDPConn // nil when polled
	rtpIO    packetConn   // what RTP is sent with (and closed)
	poller   *polledConn  // the RTP socket of a polled session
	port     int
	rtcpConn *net.UDPConn
	ssrc     uint32
	start    time.Time
	clock    atomic.Int64 // RTP clock rate, Hz (Config.ClockRate, then Peer.ClockRate)

	mu          sync.Mutex // guards the fields below
	peer        Peer
	rtpDst      netip.AddrPort // latched RTP destination (symmetric RTP)
	latched     bool           // rtpDst was taken from a received datagram
	rtcpLatched bool           // rtcpDst was taken from a received datagram
	rtcpDst     netip.AddrPort
	src         *source
	lastRx      time.Time
	started     bool
	closed      bool
	lsr         uint32 // middle bits of the last SR's NTP time
	lsrAt       time.Time
	rtt         time.Duration
	peerStats   PeerReport
	stats       Stats
	keys        *SRTP // current SRTP keys; nil: plain RTP

	// The SRTP contexts (nil when plain), each with its own lock: rtpTx
	// is used by SendRTP, rtcpTx by the RTCP sends, rtpRx by the RTP
	// receive path, rtcpRx by the RTCP goroutine. Lock order: s.mu or
	// send.mu before these.
	rtpTx, rtcpTx, rtpRx, rtcpRx cryptoDir
	srtpOn                       atomic.Bool // keys != nil, read without s.mu

	send sender // owned by the sending goroutine (own lock)

	pollMu  sync.Mutex // serialises Poll (the poller's one reader); guards pollPkt
	pollPkt rtp.Packet

	wg   sync.WaitGroup
	done chan struct{}
}

// New binds the RTP/RTCP pair now, so its port can go into SDP. Nothing is
// sent or received until Start.
func New(cfg Config) (*Session, error) {
	cfg = withDefaults(cfg)
	a, b, err := bindPair(cfg.Local, cfg.PortMin, cfg.PortMax, cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("rtpsess.bindPair: %w", err)
	}
	s := &Session{
		cfg: cfg, rtpConn: a, rtpIO: a, rtcpConn: b, done: make(chan struct{}),
		port: a.LocalAddr().(*net.UDPAddr).Port, ssrc: cfg.Rand.Uint32(), start: cfg.Now(),
	}
	s.clock.Store(int64(cfg.ClockRate))
	if cfg.Polled && pollSupported {
		pc, err := newPolledConn(a) // closes a, also on error
		if err != nil {
			_ = b.Close() // unused, never written: newPolledConn's error is the one to report
			return nil, err
		}
		s.rtpConn, s.rtpIO, s.poller = nil, pc, pc
	}
	s.log = cfg.Logger.With("rtp_port", s.LocalPort())
	s.send.init(s.ssrc, uint16(cfg.Rand.Uint32()), cfg.Rand.Uint32())
	return s, nil
}

func withDefaults(cfg Config) Config {
	if cfg.ClockRate == 0 {
		cfg.ClockRate = 8000
	}
	if !cfg.Local.IsValid() {
		cfg.Local = netip.IPv4Unspecified()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		var seed [32]byte
		_, _ = crand.Read(seed[:]) // never fails: it crashes the program instead (Go 1.24)
		cfg.Rand = rand.New(rand.NewChaCha8(seed))
	}
	if cfg.CNAME == "" {
		cfg.CNAME = "skoip@" + cfg.Local.String()
	}
	return cfg
}

// LocalPort is the bound RTP port (RTCP is LocalPort()+1).
func (s *Session) LocalPort() int { return s.port }

// Polled says whether RTP is read by Poll (Config.Polled, where supported).
func (s *Session) Polled() bool { return s.poller != nil }

// SSRC is this session's own synchronisation source.
func (s *Session) SSRC() uint32 { return s.ssrc }

// Start sets the peer and starts the RTCP goroutines, and the RTP receive
// goroutine unless the session is polled. ErrBadSRTP: p.SRTP is unusable
// (nothing is started).
func (s *Session) Start(p Peer) error {
	c, err := newContexts(p.SRTP)
	if err != nil {
		return fmt.Errorf("rtpsess.Start: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.rekeyLocked(p.SRTP, c)
	s.setPeerLocked(p)
	if s.started {
		return nil
	}
	s.started = true
	s.lastRx = s.cfg.Now()
	if s.poller == nil {
		s.wg.Add(1)
		go s.readRTP()
	}
	s.wg.Add(2)
	go s.readRTCP()
	go s.rtcpLoop()
	return nil
}

// Update changes the peer (re-INVITE: new address, direction or hold).
// New SRTP keys re-key the session: fresh contexts (rollover counters,
// replay windows) for both directions. The same keys keep the contexts;
// nil turns SRTP off. ErrBadSRTP: p.SRTP is unusable (nothing changes).
func (s *Session) Update(p Peer) error {
	c, err := newContexts(p.SRTP)
	if err != nil {
		return fmt.Errorf("rtpsess.Update: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.rekeyLocked(p.SRTP, c)
	s.setPeerLocked(p)
	return nil
}

func (s *Session) setPeerLocked(p Peer) {
	if p.ClockRate > 0 {
		s.clock.Store(int64(p.ClockRate))
	}
	if p.RTP != s.peer.RTP {
		s.rtpDst, s.latched = p.RTP, false
		s.rtcpDst, s.rtcpLatched = netip.AddrPortFrom(p.RTP.Addr(), p.RTP.Port()+1), false
	}
	s.peer = p
	s.peer.SRTP = nil // s.keys holds the copy
}

// Close sends an RTCP BYE (if started), stops the goroutines and releases
// the ports.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	started := s.started
	s.mu.Unlock()
	if started {
		s.sendBye()
	}
	close(s.done)
	err1 := s.rtpIO.Close()
	err2 := s.rtcpConn.Close()
	s.wg.Wait()
	if err1 != nil {
		return fmt.Errorf("rtpsess.Close: %w", err1)
	}
	if err2 != nil {
		return fmt.Errorf("rtpsess.Close: %w", err2)
	}
	return nil
}

// rtpUnits converts a time since the session start to RTP clock units.
func (s *Session) rtpUnits(t time.Time) int64 {
	return int64(t.Sub(s.start)) * s.clock.Load() / int64(time.Second)
}
