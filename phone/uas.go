package phone

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone/sdp"
)

// onInvite takes a new call, or a re-INVITE inside the current one.
func (p *Phone) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if v := check(req); v != nil {
		p.reply(tx, req, v.code, v.reason, nil, v.extra...)
		return
	}
	if tag, _ := req.To().Params.Get("tag"); tag != "" {
		p.onReInvite(req, tx)
		return
	}
	if !p.admit(req, tx) {
		return
	}
	if p.current() != nil {
		p.reply(tx, req, 486, "Busy Here", nil)
		return
	}
	p.reply(tx, req, 100, "Trying", nil)
	c, v := p.incoming(req, tx)
	if v != nil {
		p.reply(tx, req, v.code, v.reason, nil, v.extra...)
		return
	}
	if err := p.begin(c, inInvite, "incoming call"); err != nil {
		c.stream.Close()
		p.reply(tx, req, 486, "Busy Here", nil)
		return
	}
	p.emit(Event{Kind: EventIncoming, State: StateIncoming, Peer: c.peerString(), CallID: c.id})
	ringing := p.response(req, 180, "Ringing", c)
	ringing.AppendHeader(p.contact(c))
	p.send(tx, ringing)
	p.ring(c, req, tx)
}

// incoming builds the call of an acceptable INVITE: dialog, media stream
// and SDP answer. A verdict says why not.
func (p *Phone) incoming(req *sip.Request, tx sip.ServerTransaction) (*call, *verdict) {
	if len(req.Body()) == 0 {
		return nil, &verdict{code: 488, reason: "Not Acceptable Here (offer required)"}
	}
	if p.needsTLS(req.Transport()) {
		return nil, &verdict{code: 488, reason: "Not Acceptable Here (SRTP over TLS required)"}
	}
	src := sourceAddr(req)
	c := newCall(req.CallID().Value())
	c.transport = strings.ToUpper(req.Transport())
	c.authenticated = p.authenticatedCaller(req)
	c.peer = src
	c.local = p.localFor(src.Addr())
	c.localTag = sip.GenerateTagN(16)
	c.localURI = *req.To().Address.Clone()
	c.remoteURI = *req.From().Address.Clone()
	c.remoteTag, _ = req.From().Params.Get("tag")
	c.remoteTarget = *req.Contact().Address.Clone()
	c.routes = routeSet(req.GetHeaders("Record-Route"), false)
	c.inviteCSeq = req.CSeq().SeqNo
	c.remoteCSeq = c.inviteCSeq
	c.localCSeq = 1 + rand.Uint32N(1<<16)
	c.inviteTx = tx
	c.sdp = sdp.NewSession(p.cfg.DeviceName)

	stream, err := p.media.NewStream(p.bindIP)
	if err != nil {
		p.log.Error("media stream", "err", err)
		return nil, &verdict{code: 503, reason: "Service Unavailable"}
	}
	answer, params, err := c.sdp.Answer(req.Body(), p.localSDP(c, stream.LocalPort()))
	if err != nil {
		stream.Close()
		p.log.Info("offer refused", "err", err, "call_id", c.id)
		if errors.Is(err, sdp.ErrNoCommonCodec) || errors.Is(err, sdp.ErrNotAcceptable) {
			return nil, &verdict{code: 488, reason: "Not Acceptable Here"}
		}
		return nil, &verdict{code: 400, reason: "Bad SDP"}
	}
	c.stream = stream
	c.params = params
	c.localSDPBody = answer
	return c, nil
}

// localSDP is what we offer or answer with.
func (p *Phone) localSDP(c *call, port int) sdp.Local {
	return sdp.Local{Addr: c.local, Port: port, Codecs: p.cfg.Codecs, PTime: p.cfg.PTime, DTMF: p.cfg.DTMF, CN: p.cfg.CN,
		OpusFMTP: p.cfg.OpusFMTP, OwnOrder: p.cfg.AnswerOwnOrder, Direction: media.SendRecv, Crypto: p.crypto(c)}
}

// crypto is what c's SDP does about SRTP: keys are only ever exchanged in
// a call signalled over TLS (anyone on the LAN reads plain SIP).
func (p *Phone) crypto(c *call) sdp.Crypto {
	if !isTLS(c.transport) {
		return sdp.CryptoOff
	}
	switch p.cfg.Encryption {
	case "optional":
		return sdp.CryptoOptional
	case "required":
		return sdp.CryptoRequired
	}
	return sdp.CryptoOff
}

// needsTLS reports whether media.encryption "required" refuses a call on
// transport (it is not TLS).
func (p *Phone) needsTLS(transport string) bool {
	return p.cfg.Encryption == "required" && !isTLS(transport)
}

// routeSet turns Record-Route headers into a route set; a UAC reverses it.
func routeSet(hs []sip.Header, reverse bool) []sip.Uri {
	var out []sip.Uri
	for _, h := range hs {
		if rr, ok := h.(*sip.RecordRouteHeader); ok && rr != nil {
			out = append(out, *rr.Address.Clone())
		}
	}
	if reverse {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

// ring waits for the local decision, a CANCEL, or a timeout.
func (p *Phone) ring(c *call, req *sip.Request, tx sip.ServerTransaction) {
	cancelled := make(chan struct{})
	var once sync.Once
	if !tx.OnCancel(func(*sip.Request) { once.Do(func() { close(cancelled) }) }) {
		once.Do(func() { close(cancelled) })
	}
	ringT := time.NewTimer(p.cfg.RingTimeout)
	defer ringT.Stop()
	var auto <-chan time.Time
	if p.cfg.AutoAnswer {
		t := time.NewTimer(p.cfg.AutoAnswerDelay)
		defer t.Stop()
		auto = t.C
	}
	select {
	case d := <-c.decide:
		p.decided(c, req, tx, d, cancelled)
	case <-auto:
		p.accept(c, req, tx, cancelled)
	case <-cancelled: // sipgo has answered 487
		p.end(c, "cancelled by caller", 487)
	case <-ringT.C:
		p.reply(tx, req, 480, "Temporarily Unavailable", c)
		p.end(c, "no answer", 480)
	case <-c.done: // BYE in the early dialog
		p.reply(tx, req, 487, "Request Terminated", c)
	case <-tx.Done():
		p.end(c, "transaction ended", 0)
	case <-p.quit:
		p.reply(tx, req, 480, "Temporarily Unavailable", c)
		p.end(c, "shutdown", 480)
	}
}

// decided carries out Answer, Decline or a hang-up while ringing.
func (p *Phone) decided(c *call, req *sip.Request, tx sip.ServerTransaction, d decision, cancelled <-chan struct{}) {
	switch d {
	case decideAnswer:
		p.accept(c, req, tx, cancelled)
	case decideDecline:
		p.reply(tx, req, 603, "Decline", c)
		p.end(c, "declined", 603)
	default:
		p.reply(tx, req, 480, "Temporarily Unavailable", c)
		p.end(c, p.hangReason(c), 480)
	}
}

// accept answers with 200 OK and the SDP answer, then waits for the ACK on
// its own goroutine.
func (p *Phone) accept(c *call, req *sip.Request, tx sip.ServerTransaction, cancelled <-chan struct{}) {
	if err := c.stream.Start(c.params, p.onMedia(c)); err != nil {
		p.log.Error("start media", "err", err, "call_id", c.id)
		p.reply(tx, req, 500, "Server Internal Error", c)
		p.end(c, "media error", 500)
		return
	}
	if err := p.connected(c, c.params); err != nil {
		p.reply(tx, req, 487, "Request Terminated", c)
		return
	}
	ok := p.okResponse(req, c, c.localSDPBody)
	p.send(tx, ok)
	select {
	case <-cancelled: // CANCEL won the race: the caller got 487
		p.end(c, "cancelled by caller", 487)
		return
	default:
	}
	p.spawn(func() { p.awaitACK(c, tx, ok, c.acked, true) })
}

// okResponse is a 200 OK to an INVITE carrying our SDP.
func (p *Phone) okResponse(req *sip.Request, c *call, body []byte) *sip.Response {
	ok := p.response(req, 200, "OK", c)
	ok.AppendHeader(p.contact(c))
	ok.AppendHeader(sip.NewHeader("Allow", allowMethods))
	withBody(ok, sdpType, body)
	return ok
}

// awaitACK retransmits our 2xx on UDP (T1 doubling to T2, RFC 3261
// 13.3.1.4) until its ACK arrives. When hangup is set (the call's own 2xx),
// the call is hung up without an ACK for NoACKTimeout, and sooner, after
// GhostTimeout, when no RTP came either: a scanner or a caller that died
// after its INVITE must not keep real visitors out (they get 486 meanwhile).
func (p *Phone) awaitACK(c *call, tx sip.ServerTransaction, ok *sip.Response, acked <-chan struct{}, hangup bool) {
	deadline := time.NewTimer(p.cfg.NoACKTimeout)
	defer deadline.Stop()
	var ghost <-chan time.Time
	if hangup {
		t := time.NewTimer(p.cfg.GhostTimeout)
		defer t.Stop()
		ghost = t.C
	}
	interval := sip.T1
	resend := time.NewTimer(interval)
	defer resend.Stop()
	for {
		select {
		case <-acked:
			return
		case ack := <-tx.Acks(): // an ACK that kept the INVITE's branch
			if ack != nil && p.fromPeer(c, ack) {
				c.markAcked()
				return
			}
		case <-ghost:
			if c.stream.Stats().RTPRx == 0 {
				p.log.Warn("no ACK and no RTP: freeing the line", "call_id", c.id, "after", p.cfg.GhostTimeout)
				p.hangupCall(c, "no ACK and no RTP")
				return
			}
		case <-c.done:
			return
		case <-p.quit:
			return
		case <-resend.C:
			if c.transport == "UDP" {
				p.send(tx, ok)
			}
			interval = min(2*interval, sip.T2)
			resend.Reset(interval)
		case <-deadline.C:
			p.log.Warn("no ACK for our 200 OK", "call_id", c.id)
			if hangup {
				p.hangupCall(c, "no ACK")
			}
			return
		}
	}
}

// onMedia turns stream events into phone events.
func (p *Phone) onMedia(c *call) func(media.Event) {
	return func(ev media.Event) {
		switch ev.Kind {
		case media.EventDTMF:
			if !c.confirmed() { // a person types a code long after the ACK
				p.warnLimited("DTMF ignored: the dialog is not confirmed (not answered and ACKed)", "source", "rtp", "call_id", c.id)
				return
			}
			p.emit(Event{Kind: EventDTMF, State: StateConnected, Digit: ev.Digit, Source: "rtp", Peer: c.peerString(), CallID: c.id, Secure: p.isSecure(c)})
		case media.EventTimeout:
			p.spawn(func() { p.hangupCall(c, "rtp timeout") })
		}
	}
}
