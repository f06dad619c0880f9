package phone

import (
	"context"
	"fmt"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Ping sends an OPTIONS request to target, routed as Dial would route it
// (directly, or through the registrar), and returns the time its final
// response took and its status. Any final response means a SIP stack
// answers there (a 401, 404 or 405 included); an error (ErrTimeout,
// ErrUnreachable) means none did. It does not touch the call.
func (p *Phone) Ping(ctx context.Context, target string) (time.Duration, int, error) {
	if !p.isRunning() {
		return 0, 0, fmt.Errorf("phone.Ping: %w", ErrNotRunning)
	}
	pl, dest, err := p.destination(ctx, target)
	if err != nil {
		return 0, 0, fmt.Errorf("phone.Ping: %w", err)
	}
	c := p.outgoingCall(pl, dest)
	req := sip.NewRequest(sip.OPTIONS, *pl.t.uri.Clone())
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
	req.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.OPTIONS})
	req.AppendHeader(p.contact(c))
	req.AppendHeader(sip.NewHeader("User-Agent", p.cfg.UserAgent))
	req.AppendHeader(sip.NewHeader("Accept", sdpType))
	req.SetBody(nil)
	p.prepare(req, c)
	req.SetDestination(dest.String())
	start := time.Now()
	res, err := p.do(ctx, req)
	if err != nil {
		return 0, 0, fmt.Errorf("phone.Ping: %w", err)
	}
	return time.Since(start), res.StatusCode, nil
}
