package phone

import (
	"context"
	"fmt"

	"github.com/emiago/sipgo/sip"
)

// What we take and understand, for Allow/Accept/Supported.
const (
	allowMethods  = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"
	acceptTypes   = "application/sdp, application/dtmf-relay, application/dtmf"
	sdpType       = "application/sdp"
	dtmfRelayType = "application/dtmf-relay"
	dtmfType      = "application/dtmf"
)

// response builds a response to req; with c, the To tag is the dialog's.
func (p *Phone) response(req *sip.Request, code int, reason string, c *call) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	if to := res.To(); c != nil && code > 100 && to != nil {
		to.Params.Add("tag", c.localTag)
	}
	res.AppendHeader(sip.NewHeader("Server", p.cfg.UserAgent))
	return res
}

// reply sends a bodiless response; extra headers are appended.
func (p *Phone) reply(tx sip.ServerTransaction, req *sip.Request, code int, reason string, c *call, extra ...sip.Header) {
	res := p.response(req, code, reason, c)
	for _, h := range extra {
		res.AppendHeader(h)
	}
	p.send(tx, res)
}

// send hands res to the transaction.
func (p *Phone) send(tx sip.ServerTransaction, res *sip.Response) {
	if err := tx.Respond(res); err != nil {
		p.log.Debug("respond", "status", res.StatusCode, "err", err)
	}
}

// withBody sets an SDP or other body on a response or request.
func withBody(m sip.Message, ctype string, body []byte) {
	m.AppendHeader(sip.NewHeader("Content-Type", ctype))
	m.SetBody(body)
}

// contact is our Contact for call c.
func (p *Phone) contact(c *call) *sip.ContactHeader {
	host, port := p.hostPort(c.local, c.transport)
	u := sip.Uri{Scheme: "sip", User: p.cfg.DeviceName, Host: host, Port: port}
	switch {
	case c.transport == "TCP":
		u.UriParams = sip.HeaderParams{{K: "transport", V: "tcp"}}
	case isTLS(c.transport):
		u.UriParams = sip.HeaderParams{{K: "transport", V: "tls"}}
	}
	return &sip.ContactHeader{Address: u}
}

// via is a fresh top Via for a request of call c.
func (p *Phone) via(c *call) *sip.ViaHeader {
	host, port := p.hostPort(c.local, c.transport)
	v := &sip.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: c.transport, Host: host, Port: port}
	v.Params.Add("branch", sip.GenerateBranch())
	v.Params.Add("rport", "")
	return v
}

// prepare fixes transport, source socket and destination of a request.
func (p *Phone) prepare(req *sip.Request, c *call) {
	req.SetTransport(c.transport)
	if c.transport == "UDP" {
		req.Laddr = p.laddr
	}
}

// inDialog builds a new request inside c's dialog (BYE, INFO).
func (p *Phone) inDialog(c *call, method sip.RequestMethod) *sip.Request {
	p.mu.Lock()
	c.localCSeq++
	seq := c.localCSeq
	p.mu.Unlock()
	return p.dialogRequest(c, method, seq)
}

// dialogRequest builds a request of c's dialog with CSeq seq.
func (p *Phone) dialogRequest(c *call, method sip.RequestMethod, seq uint32) *sip.Request {
	p.mu.Lock()
	target, remoteTag := c.remoteTarget, c.remoteTag
	routes := append([]sip.Uri(nil), c.routes...)
	p.mu.Unlock()

	req := sip.NewRequest(method, *target.Clone())
	req.AppendHeader(p.via(c))
	for _, r := range routes {
		req.AppendHeader(&sip.RouteHeader{Address: r})
	}
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	from := &sip.FromHeader{Address: *c.localURI.Clone()}
	from.Params.Add("tag", c.localTag)
	req.AppendHeader(from)
	to := &sip.ToHeader{Address: *c.remoteURI.Clone()}
	if remoteTag != "" {
		to.Params.Add("tag", remoteTag)
	}
	req.AppendHeader(to)
	cid := sip.CallIDHeader(c.id)
	req.AppendHeader(&cid)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	req.AppendHeader(sip.NewHeader("User-Agent", p.cfg.UserAgent))
	req.SetBody(nil)
	p.prepare(req, c)
	return req
}

// do sends a non-INVITE request and waits for its final response.
func (p *Phone) do(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	tx, err := p.ua.TransactionLayer().Request(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, req.Method, err)
	}
	return p.finish(ctx, tx, req)
}

// finish waits for the final response of a client transaction.
func (p *Phone) finish(ctx context.Context, tx sip.ClientTransaction, req *sip.Request) (*sip.Response, error) {
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res.IsProvisional() {
				continue
			}
			return res, nil
		case <-tx.Done():
			return nil, fmt.Errorf("%w: %s: %v", ErrTimeout, req.Method, tx.Err())
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w", req.Method, ctx.Err())
		case <-p.quit:
			return nil, fmt.Errorf("%s: %w", req.Method, ErrNotRunning)
		}
	}
}
