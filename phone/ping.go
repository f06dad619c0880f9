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
	req := p.newRequest(sip.OPTIONS, 1, c, pl)
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
