package phone

import (
	"cmp"
	"hash/maphash"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
)

// The gate reads every UDP datagram before sipgo does (tracedPacketConn
// calls it) and answers, statelessly and without a sipgo transaction,
// whatever needs no state: a sipgo server transaction lives 32 s after its
// answer, about 6.5 KB each, so a flood of refused INVITEs once took the
// process from 12 MB to 295 MB. What it hands to sipgo is rate-limited.
// It runs on sipgo's one UDP read goroutine, which owns its state.

// The gate's limits.
const (
	gateAddrs     = 256 // addresses with a bucket, per table; the oldest is evicted
	recentInvites = 64  // Call-IDs of INVITEs handed to sipgo: their ACKs and CANCELs pass
)

var (
	passPerSource = limit{rate: 20, burst: 40}   // messages per source IP handed to sipgo
	passTrusted   = limit{rate: 50, burst: 100}  // all handed to sipgo from addresses screen admits
	passStrangers = limit{rate: 20, burst: 40}   // all handed to sipgo from other addresses
	replyPerDest  = limit{rate: 50, burst: 100}  // stateless replies per destination IP
	replyAll      = limit{rate: 500, burst: 500} // stateless replies in all
)

// gate is the UDP front door; see the comment above.
type gate struct {
	p      *Phone
	conn   net.PacketConn // the socket the replies go out on (traced here)
	sent   *sentTo        // where the phone itself sent datagrams
	tag    string         // To tag of our stateless replies
	parser *sip.Parser
	seed   maphash.Seed

	sources   *perAddr // passing, per source
	replies   *perAddr // stateless replies, per destination
	trusted   bucket
	strangers bucket
	replyAll  bucket
	invites   *recentSet
	addrs     *addrTable // what sipgo remembers (gate_recycle.go)

	counts     [outcomes]atomic.Uint64
	lastLog    time.Time // of the debug record of a dropped datagram
	lastReport time.Time // of the warning that a limit was reached
}

// outcome is what the gate did with a datagram.
type outcome int

const (
	passed     outcome = iota // handed to sipgo
	answered                  // a stateless reply went out
	dropped                   // ACK or response of no interest, keep-alive, no readable Via
	overLimit                 // beyond a pass limit (503 when a reply is allowed)
	replyLimit                // a reply withheld: rate or size
	outcomes
)

func newGate(p *Phone, conn net.PacketConn, sent *sentTo) *gate {
	return &gate{
		p: p, conn: conn, sent: sent, tag: sip.GenerateTagN(16), parser: sip.NewParser(), seed: maphash.MakeSeed(),
		sources: newPerAddr(gateAddrs, passPerSource),
		replies: newPerAddr(gateAddrs, replyPerDest),
		invites: newRecentSet(recentInvites),
		addrs:   newAddrTable(cmp.Or(p.cfg.addrTable, sipgoAddrs)),
	}
}

// filter reports whether sipgo should see the datagram b from addr; when
// not, the gate has answered or dropped it.
func (g *gate) filter(b []byte, addr net.Addr) bool {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return true
	}
	src := ua.AddrPort()
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	m := scanRaw(b)
	if len(m.start) == 0 {
		return g.done(dropped)
	}
	if m.isResponse() {
		// We ask for symmetric responses (rport, RFC 3581): one from an
		// address we never sent to answers nothing of ours.
		if !g.fromPeer(&m, src.Addr()) || !g.sent.has(src.Addr()) {
			return g.done(dropped)
		}
		return g.pass(src, g.trustedAddr(src.Addr()), nil, len(b))
	}
	return g.request(b, &m, src)
}

// request sorts a request: refused when malformed, answered when no state
// is needed, else handed to sipgo within the limits.
func (g *gate) request(b []byte, m *rawMsg, src netip.AddrPort) bool {
	isAck := m.method() == "ACK"
	if isAck && !m.viaReadable() {
		return g.done(dropped)
	}
	if v := lint(m, true); v != nil {
		return g.refuseRaw(m, v, isAck, src, len(b))
	}
	msg, err := g.parser.ParseSIP(b)
	req, ok := msg.(*sip.Request)
	if err != nil || !ok {
		return g.refuseRaw(m, bad("unparsable"), isAck, src, len(b))
	}
	req.SetSource(src.String())
	req.SetTransport("UDP")
	if !m.viaReadable() || req.Via() == nil {
		g.p.debugLimited(&g.lastLog, "datagram dropped", "from", src.String(), "why", "no readable Via")
		return g.done(dropped)
	}
	if m.method() != string(req.Method) {
		// sipgo upper-cases the method; SIP methods are case-sensitive.
		return g.answer(req, src, len(b), 501, "Not Implemented", sip.NewHeader("Allow", allowMethods))
	}
	if v := check(req); v != nil {
		if isAck {
			return g.done(dropped)
		}
		return g.answer(req, src, len(b), v.code, v.reason, v.extra...)
	}
	return g.route(req, src, len(b))
}

// route passes what belongs to the call or to an INVITE sipgo holds, and
// answers the rest as the handlers would, without their state.
func (g *gate) route(req *sip.Request, src netip.AddrPort, n int) bool {
	id := g.hash(req.CallID().Value())
	if c := g.p.current(); c != nil && c.id == req.CallID().Value() {
		// A stranger's request in the call must come from the dialog's
		// peer (dialog.go decides; its handler answers the same 403).
		// CANCEL and ACK are matched to the INVITE by sipgo's transaction
		// layer, before any handler could check who sent them: only the
		// peer's pass, whatever calls.allow says.
		trusted := g.trustedAddr(src.Addr())
		peer := g.p.fromPeer(c, req)
		switch {
		case peer || trusted && !req.IsCancel() && !req.IsAck():
			return g.pass(src, trusted, req, n)
		case req.IsAck():
			return g.done(dropped)
		}
		return g.answer(req, src, n, 403, "Forbidden (not the dialog's peer)")
	}
	toTag, _ := req.To().Params.Get("tag")
	switch {
	case req.IsAck():
		if g.invites.has(id) {
			return g.pass(src, g.trustedAddr(src.Addr()), req, n)
		}
		return g.done(dropped)
	case req.IsCancel():
		if g.invites.has(id) {
			return g.pass(src, g.trustedAddr(src.Addr()), req, n)
		}
		return g.answer(req, src, n, 481, "Call/Transaction Does Not Exist")
	case req.IsInvite() && toTag == "":
		return g.newInvite(req, src, n, id)
	case req.Method == sip.OPTIONS:
		return g.answer(req, src, n, 200, "OK", optionsHeaders()...)
	}
	code, reason := methodAnswer(req.Method)
	if code == 405 || code == 501 {
		return g.answer(req, src, n, code, reason, sip.NewHeader("Allow", allowMethods))
	}
	return g.answer(req, src, n, code, reason)
}

// fromPeer reports whether a response may concern the current call: one
// with its Call-ID must come from the host we sent the request to. A
// forged 200 OK whose branch was read off the LAN would otherwise reach
// sipgo's INVITE transaction first, and that transaction then ignores the
// real peer's provisional responses.
func (g *gate) fromPeer(m *rawMsg, ip netip.Addr) bool {
	c := g.p.current()
	if c == nil || string(m.first("call-id")) != c.id {
		return true
	}
	return ip == c.peer.Addr().Unmap()
}

// newInvite refuses a stranger (403) or a second call (486) itself.
func (g *gate) newInvite(req *sip.Request, src netip.AddrPort, n int, id uint64) bool {
	if s, why := g.p.screen(src.Addr()); s == screenRefused {
		g.p.warnLimited(why, "from", src.String(), "caller", req.From().Address.String())
		return g.answer(req, src, n, 403, "Forbidden")
	}
	if g.p.current() != nil {
		return g.answer(req, src, n, 486, "Busy Here")
	}
	if !g.pass(src, true, req, n) {
		return false
	}
	g.invites.add(id)
	return true
}

// trustedAddr reports whether ip may call (Allow, or the registrar).
func (g *gate) trustedAddr(ip netip.Addr) bool {
	s, _ := g.p.screen(ip)
	return s != screenRefused
}

// pass spends a token of the source's bucket and of the global one; beyond
// them a request gets 503 (when the reply limits allow) and the rest is
// dropped.
func (g *gate) pass(src netip.AddrPort, trusted bool, req *sip.Request, n int) bool {
	now := time.Now()
	global := &g.strangers
	lim := passStrangers
	if trusted {
		global, lim = &g.trusted, passTrusted
	}
	if g.sources.take(src.Addr(), now) && global.take(now, lim.rate, lim.burst) && g.admitAddr(src) {
		return g.done(passed)
	}
	g.count(overLimit)
	if req != nil && !req.IsAck() {
		g.answer(req, src, n, 503, "Service Unavailable", sip.NewHeader("Retry-After", "1"))
	}
	return false
}
