package phone

import (
	"math"
	"net/netip"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone/sdp"
)

// decision is what the local side does with a ringing incoming call.
type decision int

const (
	decideAnswer decision = iota + 1
	decideDecline
	decideHangup // shutdown or Hangup while ringing
)

// call is the one call's dialog and media. Fields marked (mu) are guarded
// by Phone.mu; the others are set before the call is published.
type call struct {
	id        string
	outgoing  bool
	transport string         // "UDP" or "TCP"
	peer      netip.AddrPort // signalling peer
	local     netip.Addr     // our advertised address
	localURI  sip.Uri        // our From (outgoing) or To (incoming) URI
	remoteURI sip.Uri        // the other party's URI
	localTag  string
	sdp       *sdp.Session
	stream    Stream

	remoteTag    string        // (mu)
	remoteTarget sip.Uri       // (mu) Contact of the peer
	routes       []sip.Uri     // (mu) route set
	localCSeq    uint32        // (mu) last CSeq we used
	remoteCSeq   uint32        // (mu) highest CSeq received
	inviteCSeq   uint32        // CSeq of the INVITE that made the dialog
	params       media.Params  // (mu) negotiated media
	connectedAt  time.Time     // (mu)
	ended        bool          // (mu)
	maxTimer     *time.Timer   // (mu)
	cancelDial   func()        // outgoing: abandons the attempt (CANCEL)
	decide       chan decision // incoming: buffered 1
	answered     chan struct{} // closed when connected
	done         chan struct{} // closed when ended
	acked        chan struct{} // incoming: closed on the ACK of our 200
	ackOnce      sync.Once
	inviteTx     sip.ServerTransaction
	ack          *sip.Request  // outgoing: our ACK, resent on 200 retransmissions
	endReason    string        // (mu)
	hangReason   string        // (mu) why a ringing incoming call is hung up
	localSDPBody []byte        // incoming: our SDP answer
	reAcked      chan struct{} // (mu) ACK of the pending re-INVITE 2xx
	reCSeq       uint32        // (mu) CSeq of that re-INVITE

	// Outgoing calls.
	ringTimeout time.Duration // how long it may ring; 0: Config.RingTimeout
	quietLimit  time.Duration // give up when nothing answers this long; 0: never
	// A branch of a fork (DialAll); nil fork for Dial's calls.
	fork         *fork
	target       string // the target as the caller gave it
	cancelBranch func() // abandons this branch only (CANCEL)
	cancelReason string // (mu) the Reason of its CANCEL or BYE, if any

	// authenticated: the peer proved who it is over TLS (the server
	// certificate of our TLS call checked, or a caller's trusted client
	// certificate, or the registrar's connection).
	authenticated bool
}

// isSecure is secureLocked taking p.mu.
func (p *Phone) isSecure(c *call) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return c.secureLocked()
}

// secureLocked reports whether c is a secure call: signalled over TLS with an
// authenticated peer, and its audio SRTP. Only then does a door code count
// where door.require_secure asks for it.
func (c *call) secureLocked() bool {
	return isTLS(c.transport) && c.authenticated && c.params.SRTP != nil
}

func newCall(id string) *call {
	return &call{
		id:       id,
		decide:   make(chan decision, 1),
		answered: make(chan struct{}),
		done:     make(chan struct{}),
		acked:    make(chan struct{}),
	}
}

// peerString is the other party as events show it.
func (c *call) peerString() string { return c.remoteURI.String() }

// markAcked records the ACK of our 2xx.
func (c *call) markAcked() { c.ackOnce.Do(func() { close(c.acked) }) }

// confirmed reports whether c's dialog is confirmed (RFC 3261 12): answered
// and, for an incoming call, its 2xx ACKed by the peer. Only then do DTMF
// digits count: a caller whose call nobody answered cannot open the door.
func (c *call) confirmed() bool {
	select {
	case <-c.answered:
	default:
		return false
	}
	if c.outgoing {
		return true // we sent the ACK with the 2xx
	}
	select {
	case <-c.acked:
		return true
	default:
		return false
	}
}

// begin publishes c as the phone's call (idle -> outgoing/incoming).
func (p *Phone) begin(c *call, in input, reason string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return ErrNotRunning
	}
	if p.call != nil {
		return ErrCallInProgress
	}
	p.call = c
	return p.transitionLocked(c, in, reason, 0)
}

// connected moves c to connected.
func (p *Phone) connected(c *call, params media.Params) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.call != c || c.ended {
		return ErrNoCall
	}
	c.params = params
	c.connectedAt = time.Now()
	if err := p.transitionLocked(c, inAnswered, "answered", 200); err != nil {
		return err
	}
	close(c.answered)
	if d := p.cfg.MaxDuration; d > 0 {
		c.maxTimer = time.AfterFunc(d, func() {
			p.spawn(func() { p.hangupCall(c, "max duration") })
		})
	}
	return nil
}

// end ends c once (-> idle), releases its media, then closes c.done and
// publishes EventEnded. It reports whether this call ended it.
func (p *Phone) end(c *call, reason string, code int) bool {
	p.mu.Lock()
	if c.ended {
		p.mu.Unlock()
		return false
	}
	c.ended = true
	c.endReason = reason
	if c.maxTimer != nil {
		c.maxTimer.Stop()
	}
	if f := c.fork; f != nil && !f.endBranchLocked(p, c) {
		// A branch of a call that goes on: no state change, no stream.
		close(c.done)
		p.emitLocked(Event{Kind: EventAttempt, State: p.state, Target: c.target, Reason: reason, Code: code, Peer: c.peerString(), CallID: c.id})
		p.mu.Unlock()
		return true
	}
	if p.call == c {
		if err := p.transitionLocked(c, inEnded, reason, code); err != nil {
			p.log.Error("end call", "err", err)
		}
		p.call = nil
	}
	stream, connectedAt, codec := c.stream, c.connectedAt, c.params.Codec
	p.mu.Unlock()
	var q *Quality
	if stream != nil {
		if !connectedAt.IsZero() {
			q = &Quality{Duration: time.Since(connectedAt), Codec: codec, Stats: stream.Stats()}
			p.logQuality(c, q.Duration, q.Stats)
		}
		if err := stream.Close(); err != nil {
			p.log.Warn("close stream", "err", err, "call_id", c.id)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	close(c.done)
	if c.fork != nil {
		p.emitLocked(Event{Kind: EventAttempt, State: p.state, Target: c.target, Reason: reason, Code: code, Peer: c.peerString(), CallID: c.id})
		close(c.fork.done)
	}
	p.emitLocked(Event{Kind: EventEnded, State: p.state, Reason: reason, Code: code, Peer: c.peerString(), CallID: c.id, Quality: q})
	return true
}

// logQuality is the one line an installer reads after a bad call: how much
// was lost, how late it came and what the playout buffer had to do.
func (p *Phone) logQuality(c *call, d time.Duration, s media.Stats) {
	p.log.Info("call quality", "call_id", c.id, "codec", c.params.Codec, "codec_rate", s.CodecRate,
		"duration", d.Round(time.Millisecond),
		"rtp_rx", s.RTPRx, "rtp_tx", s.RTPTx, "lost", s.Lost, "jitter", s.Jitter.Round(10*time.Microsecond),
		"rtt", s.RTT.Round(10*time.Microsecond), "playout_delay", s.PlayoutDelay.Round(100*time.Microsecond),
		"underruns", s.Underruns, "concealed", s.Concealed, "fec_recovered", s.Recovered, "late", s.Late, "foreign_dropped", s.ForeignDropped,
		"srtp_dropped", s.SRTPDropped,
		"erle_db", math.Round(s.ERLE*10)/10, "echo_delay", s.EchoDelay.Round(100*time.Microsecond),
		"noise_dbfs", math.Round(s.NoiseDB*10)/10)
}

// transitionLocked runs the state machine for c and tells subscribers.
func (p *Phone) transitionLocked(c *call, in input, reason string, code int) error {
	to, err := next(p.state, in)
	if err != nil {
		return err
	}
	from := p.state
	p.state = to
	p.log.Info("call state", "from", string(from), "to", string(to), "on", in.String(),
		"reason", reason, "call_id", c.id, "peer", c.peerString())
	p.emitLocked(Event{Kind: EventState, State: to, Reason: reason, Code: code, Peer: c.peerString(), CallID: c.id})
	return nil
}

// current returns the phone's call, or nil.
func (p *Phone) current() *call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.call
}

// hangReason is why a ringing incoming call is being hung up.
func (p *Phone) hangReason(c *call) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.hangReason == "" {
		return "hung up while ringing"
	}
	return c.hangReason
}
