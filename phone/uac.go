package phone

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone/sdp"
)

// cancelGuard bounds the wait for the final response after our CANCEL.
const cancelGuard = 4 * time.Second

// Dial calls target (an IP, ip:port, host or SIP URI; with an Account
// also a bare user name or number, taken as user@registrar) and returns
// nil once the call is answered. Otherwise it returns an error matching
// one of the outcome sentinels (ErrBusy, ErrDeclined, ...; a *CallError
// when a SIP response decided). Cancelling ctx, Hangup, or RingTimeout
// sends CANCEL. With an Account, targets that are not IP literals go
// through the registrar (outbound proxy); IP targets go directly; while
// not registered, targets through the proxy are replaced by Fallback when
// it is set. Digest challenges (401/407) are answered with the Account's
// credentials through the proxy, with DirectAuth's directly.
func (p *Phone) Dial(ctx context.Context, target string) error {
	if !p.isRunning() {
		return fmt.Errorf("phone.Dial: %w", ErrNotRunning)
	}
	pl, dest, err := p.destination(ctx, target)
	if err != nil {
		return fmt.Errorf("phone.Dial: %w", err)
	}
	c := p.outgoingCall(pl, dest)
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.cancelDial = cancel
	if err := p.begin(c, inDial, "dialing "+pl.t.uri.String()); err != nil {
		return fmt.Errorf("phone.Dial: %w", err)
	}
	if err := p.invite(dctx, c, pl, dest); err != nil {
		return fmt.Errorf("phone.Dial: %w", err)
	}
	return nil
}

// outgoingCall builds the dialog side of an outgoing call.
func (p *Phone) outgoingCall(pl dialPlan, dest netip.AddrPort) *call {
	t := pl.t
	c := newCall(sip.GenerateTagN(24))
	c.outgoing = true
	c.transport = t.transport
	c.authenticated = isTLS(t.transport) // the server's certificate is checked at the handshake
	c.peer = dest
	c.local = p.localFor(dest.Addr())
	c.localTag = sip.GenerateTagN(16)
	c.localURI = sip.Uri{Scheme: "sip", User: p.cfg.DeviceName, Host: c.local.String()}
	if pl.viaProxy {
		c.localURI = *p.acct.aor.Clone()
	}
	c.remoteURI = sip.Uri{Scheme: t.uri.Scheme, User: t.uri.User, Host: t.uri.Host, Port: t.uri.Port}
	c.remoteTarget = *t.uri.Clone()
	c.localCSeq, c.inviteCSeq = 1, 1
	c.sdp = sdp.NewSession(p.cfg.DeviceName)
	return c
}

// invite sends the INVITE, answers digest challenges, and waits for the
// outcome.
func (p *Phone) invite(ctx context.Context, c *call, pl dialPlan, dest netip.AddrPort) error {
	stream, err := p.media.NewStream(p.bindIP)
	if err != nil {
		p.end(c, "media error", 0)
		return fmt.Errorf("media: %w", err)
	}
	p.mu.Lock()
	c.stream = stream
	p.mu.Unlock()
	return p.sendInvite(ctx, c, pl, dest, stream.LocalPort())
}

// sendInvite offers the stream at port, answers digest challenges, and
// waits for the outcome.
func (p *Phone) sendInvite(ctx context.Context, c *call, pl dialPlan, dest netip.AddrPort, port int) error {
	offer, err := c.sdp.Offer(p.localSDP(c, port))
	if err != nil {
		p.end(c, "sdp error", 0)
		return fmt.Errorf("sdp offer: %w", err)
	}
	auth := &authorizer{cred: pl.cred}
	req := p.newInvite(c, pl, dest, offer)
	for {
		chal, err := p.inviteOnce(ctx, c, req)
		if chal == nil {
			return err
		}
		if req, err = p.reauth(ctx, c, auth, chal, pl, dest, offer); err != nil {
			return err
		}
	}
}

// reauth builds the INVITE answering chal (CSeq + 1, same Call-ID and
// tag), or ends the call when it cannot or should not be answered.
func (p *Phone) reauth(ctx context.Context, c *call, auth *authorizer, chal *sip.Response, pl dialPlan, dest netip.AddrPort, offer []byte) (*sip.Request, error) {
	reason := fmt.Sprintf("%d %s", chal.StatusCode, chal.Reason)
	if err := auth.challenged(chal); err != nil {
		p.log.Warn("call not authenticated", "err", err, "call_id", c.id)
		p.end(c, reason, chal.StatusCode)
		return nil, &CallError{Code: chal.StatusCode, Reason: chal.Reason, Err: ErrAuthFailed}
	}
	if ctx.Err() != nil {
		p.end(c, "cancelled", 487)
		return nil, fmt.Errorf("%w: %v", ErrCancelled, context.Cause(ctx))
	}
	p.mu.Lock()
	c.inviteCSeq++
	c.localCSeq = c.inviteCSeq
	p.mu.Unlock()
	req := p.newInvite(c, pl, dest, offer)
	if err := auth.apply(req); err != nil {
		p.end(c, reason, chal.StatusCode)
		return nil, &CallError{Code: chal.StatusCode, Reason: chal.Reason, Err: ErrAuthFailed}
	}
	p.log.Debug("INVITE challenged: answering", "status", chal.StatusCode, "call_id", c.id)
	return req, nil
}

// inviteOnce runs one INVITE transaction. A 401/407 is returned for
// reauth; any other end of the attempt as an error (nil: connected).
func (p *Phone) inviteOnce(ctx context.Context, c *call, req *sip.Request) (*sip.Response, error) {
	tx, err := p.ua.TransactionLayer().Request(ctx, req)
	if err != nil {
		p.end(c, "unreachable", 0)
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer tx.Terminate()
	return p.awaitAnswer(ctx, c, req, tx)
}

// newInvite builds our INVITE with its SDP offer.
func (p *Phone) newInvite(c *call, pl dialPlan, dest netip.AddrPort, offer []byte) *sip.Request {
	p.mu.Lock()
	seq := c.inviteCSeq
	p.mu.Unlock()
	req := p.newRequest(sip.INVITE, seq, c, pl)
	req.AppendHeader(sip.NewHeader("Allow", allowMethods))
	withBody(req, sdpType, offer)
	p.prepare(req, c)
	req.SetDestination(dest.String())
	return req
}

// newRequest builds a request outside a dialog (INVITE, OPTIONS) to pl's
// target as c's side: Via, the Route of the outbound proxy when pl goes
// through it, From with c's tag, To, Call-ID, CSeq seq, Contact and
// User-Agent.
func (p *Phone) newRequest(method sip.RequestMethod, seq uint32, c *call, pl dialPlan) *sip.Request {
	req := sip.NewRequest(method, *pl.t.uri.Clone())
	req.AppendHeader(p.via(c))
	if pl.viaProxy {
		r := *p.acct.uri.Clone()
		r.UriParams = append(r.UriParams, sip.HeaderParams{{K: "lr", V: ""}}...)
		req.AppendHeader(&sip.RouteHeader{Address: r})
	}
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	from := &sip.FromHeader{DisplayName: p.cfg.DeviceName, Address: *c.localURI.Clone()}
	from.Params.Add("tag", c.localTag)
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: *c.remoteURI.Clone()})
	cid := sip.CallIDHeader(c.id)
	req.AppendHeader(&cid)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	req.AppendHeader(p.contact(c))
	req.AppendHeader(sip.NewHeader("User-Agent", p.cfg.UserAgent))
	return req
}

// awaitAnswer follows the INVITE transaction to its end.
func (p *Phone) awaitAnswer(ctx context.Context, c *call, req *sip.Request, tx sip.ClientTransaction) (*sip.Response, error) {
	ring := c.ringTimeout
	if ring <= 0 {
		ring = p.cfg.RingTimeout
	}
	ringT := time.NewTimer(ring)
	defer ringT.Stop()
	done := ctx.Done()
	var gave error // why we sent CANCEL
	var guard <-chan time.Time
	ringing := false
	heard := false // a provisional response came: the callee is there
	sent := false  // our CANCEL is sent
	var quiet <-chan time.Time
	if c.quietLimit > 0 {
		t := time.NewTimer(c.quietLimit)
		defer t.Stop()
		quiet = t.C
	}
	for {
		select {
		case res := <-tx.Responses():
			if !p.responseFromPeer(c, res) {
				continue
			}
			switch code := res.StatusCode; {
			case code < 200:
				heard = true
				if gave != nil && !sent { // given up in its grace: CANCEL now
					guard, sent = p.cancelInvite(c, req), true
				}
				if code > 100 && !ringing {
					ringing = true
					p.emit(Event{Kind: EventRinging, State: StateOutgoing, Code: code, Peer: c.peerString(), CallID: c.id})
				}
			case code < 300:
				return nil, p.established(c, tx, res, gave)
			case (code == 401 || code == 407) && gave == nil:
				return res, nil
			default:
				return nil, p.failed(c, res, gave)
			}
		case <-tx.Done():
			err := fmt.Errorf("%w: %v", ErrUnreachable, tx.Err())
			if errors.Is(tx.Err(), sip.ErrTransactionTimeout) {
				err = fmt.Errorf("%w: no final response: %v", ErrTimeout, tx.Err())
			}
			p.end(c, "no response", 408)
			return nil, orGave(gave, err)
		case <-done:
			gave, done = fmt.Errorf("%w: %v", ErrCancelled, context.Cause(ctx)), nil
			guard, sent = p.giveUp(c, req, heard)
		case <-quiet:
			if gave == nil && !heard {
				gave = fmt.Errorf("%w: no response within %v", ErrUnreachable, c.quietLimit)
				guard, sent = p.giveUp(c, req, heard)
			}
		case <-ringT.C:
			if gave == nil {
				gave = fmt.Errorf("%w: no answer within %v", ErrTimeout, ring)
				guard, sent = p.giveUp(c, req, heard)
			}
		case <-guard:
			if !sent {
				return nil, p.abandon(c, gave)
			}
			p.end(c, "cancelled", 487)
			return nil, gave
		}
	}
}

// responseFromPeer reports whether a response to our INVITE comes from the
// host we sent it to. The branch that matches it to our transaction can be
// read off the LAN: a forged 200 OK from another host would otherwise
// connect the door's microphone, and its DTMF, to whoever sent it.
func (p *Phone) responseFromPeer(c *call, res *sip.Response) bool {
	src, err := netip.ParseAddrPort(res.Source())
	if err == nil && src.Addr().Unmap() == c.peer.Addr().Unmap() {
		return true
	}
	p.warnLimited("response ignored: not from the host we called", "status", res.StatusCode,
		"from", res.Source(), "peer", c.peer.String(), "call_id", c.id)
	return false
}

// abandonGrace is how long an INVITE given up before any response waits
// for one that may be on its way: a 1xx then gets its CANCEL, a 2xx its
// ACK and BYE.
const abandonGrace = 100 * time.Millisecond

// giveUp starts the end of our INVITE: CANCEL when the callee has answered
// provisionally (sent true), else only the grace for a response on its
// way (a CANCEL must not precede a provisional response, RFC 3261 9.1).
// It returns the guard timer.
func (p *Phone) giveUp(c *call, req *sip.Request, heard bool) (<-chan time.Time, bool) {
	if heard {
		return p.cancelInvite(c, req), true
	}
	return time.After(abandonGrace), false
}

// abandon ends an INVITE that nothing answered, not even 100 Trying: a host
// that is not there would not answer a CANCEL either, so the call ends
// after abandonGrace instead of the CANCEL's guard time.
func (p *Phone) abandon(c *call, gave error) error {
	p.log.Info("INVITE abandoned: no response at all", "call_id", c.id, "peer", c.peer.String())
	p.end(c, "no response", 408)
	return gave
}

func orGave(gave, err error) error {
	if gave != nil {
		return gave
	}
	return err
}

// failed ends the call on a 3xx-6xx final response.
func (p *Phone) failed(c *call, res *sip.Response, gave error) error {
	p.end(c, fmt.Sprintf("%d %s", res.StatusCode, res.Reason), res.StatusCode)
	if gave != nil && res.StatusCode == 487 {
		return gave
	}
	return &CallError{Code: res.StatusCode, Reason: res.Reason, Err: outcomeOf(res.StatusCode)}
}

// cancelInvite sends CANCEL for our INVITE (RFC 3261 9.1) and returns the
// guard timer for the final response.
func (p *Phone) cancelInvite(c *call, inv *sip.Request) <-chan time.Time {
	req := sip.NewRequest(sip.CANCEL, *inv.Recipient.Clone())
	req.AppendHeader(inv.Via().Clone())
	for _, h := range inv.GetHeaders("Route") {
		req.AppendHeader(sip.HeaderClone(h))
	}
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	req.AppendHeader(sip.HeaderClone(inv.From()))
	req.AppendHeader(sip.HeaderClone(inv.To()))
	req.AppendHeader(sip.HeaderClone(inv.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: sip.CANCEL})
	if h := p.reasonOf(c); h != nil {
		req.AppendHeader(h)
	}
	req.SetBody(nil)
	p.prepare(req, c)
	req.SetDestination(inv.Destination())
	p.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cancelGuard)
		defer cancel()
		if _, err := p.do(ctx, req); err != nil {
			p.log.Debug("CANCEL", "err", err, "call_id", c.id)
		}
	})
	return time.After(cancelGuard)
}

// established handles the 2xx: ACK, then media, then connected. A 2xx that
// crossed our CANCEL is ACKed and hung up.
func (p *Phone) established(c *call, tx sip.ClientTransaction, res *sip.Response, gave error) error {
	p.mu.Lock()
	if to := res.To(); to != nil {
		c.remoteTag, _ = to.Params.Get("tag")
	}
	if ct := res.Contact(); ct != nil && ct.Address.Host != "" {
		c.remoteTarget = *ct.Address.Clone()
	}
	c.routes = routeSet(res.GetHeaders("Record-Route"), true)
	p.mu.Unlock()
	ack := p.dialogRequest(c, sip.ACK, c.inviteCSeq)
	p.mu.Lock()
	c.ack = ack
	p.mu.Unlock()
	p.sendACK(ack)
	tx.OnRetransmission(func(r *sip.Response) { p.late2xx(c, r) })
	if gave != nil {
		p.byeAfter(c, "cancelled")
		return gave
	}
	if c.fork != nil && !p.claim(c) {
		p.byeAfter(c, "answered elsewhere")
		return errElsewhere
	}
	params, err := c.sdp.Accept(res.Body())
	if err == nil {
		err = c.stream.Start(params, p.onMedia(c))
	}
	if err != nil {
		p.byeAfter(c, "unusable answer")
		return &CallError{Code: 488, Reason: "unusable SDP answer: " + err.Error(), Err: ErrNotAcceptable}
	}
	if err := p.connected(c, params); err != nil {
		return fmt.Errorf("%w: ended while answering", ErrCancelled)
	}
	return nil
}

// byeAfter ends an established dialog we do not want.
func (p *Phone) byeAfter(c *call, reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), cancelGuard)
	defer cancel()
	p.bye(ctx, c, reason)
}

// sendACK writes an ACK for a 2xx (it is not a transaction).
func (p *Phone) sendACK(ack *sip.Request) {
	if err := p.ua.TransportLayer().WriteMsg(ack); err != nil {
		p.log.Warn("send ACK", "err", err)
	}
}

// onStrayResponse sees responses no transaction wanted: a 2xx retransmitted
// after our INVITE transaction ended gets its ACK again.
func (p *Phone) onStrayResponse(res *sip.Response) {
	cid, cseq := res.CallID(), res.CSeq()
	if cid == nil || cseq == nil || !res.IsSuccess() || cseq.MethodName != sip.INVITE {
		return
	}
	p.mu.Lock()
	var found *call
	if c := p.call; c != nil && c.id == cid.Value() {
		found = c
	} else if c != nil && c.fork != nil {
		for _, b := range c.fork.branches {
			if b.id == cid.Value() {
				found = b
			}
		}
	}
	p.mu.Unlock()
	if found != nil {
		p.late2xx(found, res)
	}
}

// late2xx answers a 2xx of c's INVITE that came after its transaction: the
// same dialog gets our ACK again; another dialog (a proxy forked the INVITE
// and a second phone answered), or any answer of a branch given up, gets
// ACK and BYE.
func (p *Phone) late2xx(c *call, res *sip.Response) {
	toTag := ""
	if to := res.To(); to != nil {
		toTag, _ = to.Params.Get("tag")
	}
	p.mu.Lock()
	ack, remoteTag := c.ack, c.remoteTag
	p.mu.Unlock()
	switch {
	case ack != nil && toTag == remoteTag:
		p.sendACK(ack)
	case p.responseFromPeer(c, res):
		// Another dialog, or a branch given up before its callee's
		// answer came (abandoned without a provisional response, or
		// cancelled when another answered): that phone must not stay
		// off-hook.
		p.lost2xx(c, res)
	}
}
