package phone

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone/sdp"
)

// route registers our handlers; each runs on its own sipgo goroutine.
func (p *Phone) route(srv *sipgo.Server) {
	for _, m := range []sip.RequestMethod{sip.INVITE, sip.ACK, sip.BYE, sip.CANCEL, sip.OPTIONS, sip.INFO} {
		srv.OnRequest(m, p.handlerFor(m))
	}
	srv.OnNoRoute(p.handlerFor(""))
}

// handlerFor is the handler of a request method ("" for the others).
func (p *Phone) handlerFor(m sip.RequestMethod) sipgo.RequestHandler {
	switch m {
	case sip.INVITE:
		return p.handler(p.onInvite)
	case sip.ACK:
		return p.handler(p.onAck)
	case sip.BYE:
		return p.handler(p.onBye)
	case sip.CANCEL:
		return p.handler(p.onCancel)
	case sip.OPTIONS:
		return p.handler(p.onOptions)
	case sip.INFO:
		return p.handler(p.onInfo)
	}
	return p.handler(p.onOther)
}

// handler wraps h: it is tracked by Run, dropped while stopping, and a panic
// in it (sipgo recovers none) is logged and answered 500.
func (p *Phone) handler(h func(*sip.Request, sip.ServerTransaction)) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		if req == nil || tx == nil || !p.enter() {
			return
		}
		defer p.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				p.log.Error("panic in SIP handler", "panic", r, "method", string(req.Method))
				if !req.IsAck() {
					p.reply(tx, req, 500, "Server Internal Error", nil)
				}
			}
		}()
		h(req, tx)
	}
}

// dialogOf returns the current call when req belongs to its dialog. Both
// tags must be present: an empty tag never matches (before the 2xx of our
// INVITE the remote tag is not known yet, and a request without a From tag
// must not pass for the far end).
func (p *Phone) dialogOf(req *sip.Request) *call {
	cid, from, to := req.CallID(), req.From(), req.To()
	if cid == nil || from == nil || to == nil {
		return nil
	}
	fromTag, _ := from.Params.Get("tag")
	toTag, _ := to.Params.Get("tag")
	if fromTag == "" || toTag == "" {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.call
	if c == nil || c.id != cid.Value() || c.localTag != toTag || c.remoteTag != fromTag {
		return nil
	}
	return c
}

// fromPeer reports whether req, in c's dialog, comes from the dialog's
// peer: from the host it signals from (the source of its INVITE, or where
// ours went), from the host of its Contact when that is an IP literal, or
// from the registrar (which relays the far end's requests). The Call-ID and
// tags can be read by anyone on the LAN: they do not prove who sends.
func (p *Phone) fromPeer(c *call, req *sip.Request) bool {
	src := sourceAddr(req).Addr()
	if !src.IsValid() {
		return false
	}
	if src == c.peer.Addr().Unmap() || p.isProxy(src) {
		return true
	}
	p.mu.Lock()
	host := c.remoteTarget.Host
	p.mu.Unlock()
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.Unmap() == src
}

// inOrder checks and records the CSeq of an in-dialog request.
func (p *Phone) inOrder(c *call, req *sip.Request) bool {
	seq := req.CSeq().SeqNo
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.remoteCSeq != 0 && seq <= c.remoteCSeq {
		return false
	}
	c.remoteCSeq = seq
	return true
}

// inDialogRequest finds the dialog of a request that needs one, answering
// 481 or 500 itself when it fails.
func (p *Phone) inDialogRequest(req *sip.Request, tx sip.ServerTransaction) *call {
	if v := check(req); v != nil {
		p.reply(tx, req, v.code, v.reason, nil, v.extra...)
		return nil
	}
	c := p.dialogOf(req)
	if c == nil {
		p.reply(tx, req, 481, "Call/Transaction Does Not Exist", nil)
		return nil
	}
	if !p.fromPeer(c, req) {
		p.warnLimited("in-dialog request refused: not from the dialog's peer",
			"method", string(req.Method), "from", sourceAddr(req).String(), "peer", c.peer.String(), "call_id", c.id)
		p.reply(tx, req, 403, "Forbidden (not the dialog's peer)", nil)
		return nil
	}
	if !p.inOrder(c, req) {
		p.reply(tx, req, 500, "Server Internal Error", c, sip.NewHeader("Retry-After", "1"))
		return nil
	}
	return c
}

// onBye ends the call; it may overtake the ACK of our 200 OK.
func (p *Phone) onBye(req *sip.Request, tx sip.ServerTransaction) {
	c := p.inDialogRequest(req, tx)
	if c == nil {
		return
	}
	p.reply(tx, req, 200, "OK", c)
	c.markAcked()
	p.end(c, "remote hangup", 0)
}

// onAck confirms our 2xx (a late ACK after a BYE finds no dialog: dropped).
func (p *Phone) onAck(req *sip.Request, _ sip.ServerTransaction) {
	c := p.dialogOf(req)
	if c == nil || req.CSeq() == nil || !p.fromPeer(c, req) {
		return
	}
	seq := req.CSeq().SeqNo
	p.mu.Lock()
	re := c.reAcked
	if re != nil && seq == c.reCSeq {
		c.reAcked = nil
	}
	p.mu.Unlock()
	switch {
	case seq == c.inviteCSeq:
		c.markAcked()
	case re != nil && seq == c.reCSeq:
		close(re)
	}
}

// onCancel: a CANCEL that matched no INVITE transaction (sipgo answers the
// matching ones itself with 200 and 487).
func (p *Phone) onCancel(req *sip.Request, tx sip.ServerTransaction) {
	if v := check(req); v != nil {
		p.reply(tx, req, v.code, v.reason, nil, v.extra...)
		return
	}
	p.reply(tx, req, 481, "Call/Transaction Does Not Exist", nil)
}

// onOptions says what we can do, in or out of a dialog.
func (p *Phone) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	if v := check(req); v != nil {
		p.reply(tx, req, v.code, v.reason, nil, v.extra...)
		return
	}
	p.reply(tx, req, 200, "OK", nil, optionsHeaders()...)
}

// onOther: 405 for SIP methods we do not take, 501 for unknown ones.
func (p *Phone) onOther(req *sip.Request, tx sip.ServerTransaction) {
	if req.IsAck() {
		return
	}
	if v := check(req); v != nil {
		p.reply(tx, req, v.code, v.reason, nil, v.extra...)
		return
	}
	code, reason := methodAnswer(req.Method)
	p.reply(tx, req, code, reason, nil, sip.NewHeader("Allow", allowMethods))
}

// onReInvite answers a re-INVITE (hold, resume, new address) in the dialog.
func (p *Phone) onReInvite(req *sip.Request, tx sip.ServerTransaction) {
	c := p.inDialogRequest(req, tx)
	if c == nil {
		return
	}
	p.mu.Lock()
	connected := p.call == c && p.state == StateConnected && c.reAcked == nil
	p.mu.Unlock()
	if !connected {
		p.reply(tx, req, 491, "Request Pending", c)
		return
	}
	if len(req.Body()) == 0 {
		p.reply(tx, req, 488, "Not Acceptable Here (offer required)", c)
		return
	}
	answer, params, err := c.sdp.Answer(req.Body(), p.localSDP(c, c.stream.LocalPort()))
	if err != nil {
		code, reason := 400, "Bad SDP"
		if errors.Is(err, sdp.ErrNoCommonCodec) || errors.Is(err, sdp.ErrNotAcceptable) {
			code, reason = 488, "Not Acceptable Here"
		}
		p.reply(tx, req, code, reason, c)
		return
	}
	if err := c.stream.Update(params); err != nil {
		p.log.Error("update media", "err", err, "call_id", c.id)
		p.reply(tx, req, 500, "Server Internal Error", c)
		return
	}
	acked := make(chan struct{})
	p.mu.Lock()
	c.params = params
	if ct := req.Contact(); ct != nil && ct.Address.Host != "" {
		c.remoteTarget = *ct.Address.Clone()
	}
	c.reAcked, c.reCSeq = acked, req.CSeq().SeqNo
	p.mu.Unlock()
	p.log.Info("re-INVITE answered", "call_id", c.id, "remote", params.Remote.String(), "direction", int(params.Direction))
	ok := p.okResponse(req, c, answer)
	p.send(tx, ok)
	p.awaitACK(c, tx, ok, acked, false)
	p.mu.Lock()
	if c.reAcked == acked {
		c.reAcked = nil
	}
	p.mu.Unlock()
}
