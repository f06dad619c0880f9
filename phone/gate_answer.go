package phone

import (
	"hash/maphash"
	"net"
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
)

// The gate's stateless answers: built from the request (or its raw lines)
// and written straight to the socket, to the datagram's source.

// methodAnswer is the answer to a request outside any dialog: 481 for the
// methods that need one, 405 for SIP methods we do not take, 501 for the
// others (the handlers in dialog.go answer the same).
func methodAnswer(m sip.RequestMethod) (int, string) {
	switch m {
	case sip.BYE, sip.INFO, sip.INVITE, sip.CANCEL:
		return 481, "Call/Transaction Does Not Exist"
	case "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH", "PRACK", "UPDATE":
		return 405, "Method Not Allowed"
	}
	return 501, "Not Implemented"
}

// optionsHeaders say what we can do, in a 200 to OPTIONS.
func optionsHeaders() []sip.Header {
	return []sip.Header{
		sip.NewHeader("Allow", allowMethods),
		sip.NewHeader("Accept", acceptTypes),
		sip.NewHeader("Accept-Encoding", "identity"),
		sip.NewHeader("Accept-Language", "en"),
		sip.NewHeader("Supported", ""),
	}
}

// answer replies to a parsed request statelessly.
func (g *gate) answer(req *sip.Request, src netip.AddrPort, n int, code int, reason string, extra ...sip.Header) bool {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	res.SipVersion = "SIP/2.0" // not the request's: 505 answers SIP/7.0
	if to := res.To(); to != nil && !req.To().Params.Has("tag") {
		to.Params.Add("tag", g.tag)
	}
	res.AppendHeader(sip.NewHeader("Server", g.p.cfg.UserAgent))
	for _, h := range extra {
		res.AppendHeader(h)
	}
	return g.send(src, n, []byte(res.String()))
}

// refuseRaw answers a request sipgo cannot read, from its raw lines: 400
// (or the verdict's code) when its top Via is readable, else nothing.
func (g *gate) refuseRaw(m *rawMsg, v *verdict, isAck bool, src netip.AddrPort, n int) bool {
	if isAck || !m.viaReadable() {
		g.p.debugLimited(&g.lastLog, "datagram dropped", "from", src.String(), "why", v.reason)
		return g.done(dropped)
	}
	return g.send(src, n, rawReply(m, v.code, v.reason, g.tag, g.p.cfg.UserAgent))
}

// send writes a stateless reply to the datagram's source (never to an
// address named in the message, so that no reply can be reflected), when
// it is no larger than twice the request and within the reply limits.
func (g *gate) send(src netip.AddrPort, n int, b []byte) bool {
	now := time.Now()
	if len(b) > 2*n || !g.replies.take(src.Addr(), now) || !g.replyAll.take(now, replyAll.rate, replyAll.burst) {
		return g.done(replyLimit)
	}
	g.p.trace(src.String(), true, b)
	if _, err := g.conn.WriteTo(b, net.UDPAddrFromAddrPort(src)); err != nil {
		g.p.log.Debug("stateless reply", "to", src.String(), "err", err)
	}
	return g.done(answered)
}

// done counts an outcome; only passed lets sipgo see the datagram.
func (g *gate) done(o outcome) bool {
	g.count(o)
	return o == passed
}

func (g *gate) count(o outcome) {
	g.counts[o].Add(1)
	if o == overLimit || o == replyLimit {
		g.report()
	}
}

// report warns, at most once per warnInterval, that a limit was reached,
// with what the gate has done since the phone started.
func (g *gate) report() {
	now := time.Now()
	if now.Sub(g.lastReport) < warnInterval {
		return
	}
	g.lastReport = now
	g.p.log.Warn("SIP front door: rate limits reached", "passed", g.counts[passed].Load(),
		"answered", g.counts[answered].Load(), "dropped", g.counts[dropped].Load(),
		"over_limit", g.counts[overLimit].Load(), "replies_withheld", g.counts[replyLimit].Load())
}

func (g *gate) hash(s string) uint64 { return maphash.String(g.seed, s) }

// debugLimited logs at debug level at most once per warnInterval per
// timestamp last.
func (p *Phone) debugLimited(last *time.Time, msg string, args ...any) {
	if now := time.Now(); now.Sub(*last) >= warnInterval {
		*last = now
		p.log.Debug(msg, args...)
	}
}
