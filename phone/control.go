package phone

import (
	"context"
	"fmt"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/skoip/skoip/media"
)

// Status is a snapshot of the phone's call.
type Status struct {
	State    State
	Peer     string // the other party's URI
	CallID   string
	Outgoing bool
	Codec    string        // negotiated codec once connected
	Duration time.Duration // time since connected
	RTPRx    uint64        // packets received
	RTPTx    uint64        // packets sent
	Media    *media.Stats  // the stream's counters once connected
	// Ringing are the targets of DialAll still being called, while it
	// rings (Peer is then one of them).
	Ringing []string
}

// Status reports the current call (State "idle" and nothing else when none).
func (p *Phone) Status() Status {
	p.mu.Lock()
	st := Status{State: p.state}
	c := p.call
	var stream Stream
	if c != nil {
		st.Peer, st.CallID, st.Outgoing = c.peerString(), c.id, c.outgoing
		if f := c.fork; f != nil && p.state == StateOutgoing {
			for _, b := range f.branches {
				if !b.ended {
					st.Ringing = append(st.Ringing, b.target)
				}
			}
		}
		if p.state == StateConnected {
			st.Codec = c.params.Codec
			st.Duration = time.Since(c.connectedAt)
			stream = c.stream
		}
	}
	p.mu.Unlock()
	if stream != nil {
		s := stream.Stats()
		st.RTPRx, st.RTPTx, st.Media = s.RTPRx, s.RTPTx, &s
	}
	return st
}

// ringingCall returns the call if it is incoming and ringing.
func (p *Phone) ringingCall() (*call, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.call == nil || p.state != StateIncoming {
		return nil, fmt.Errorf("%w: no incoming call ringing", ErrNoCall)
	}
	return p.call, nil
}

// Answer answers the ringing incoming call and returns once it is
// connected.
func (p *Phone) Answer(ctx context.Context) error {
	c, err := p.ringingCall()
	if err != nil {
		return fmt.Errorf("phone.Answer: %w", err)
	}
	select {
	case c.decide <- decideAnswer:
	default:
	}
	select {
	case <-c.answered:
		return nil
	case <-c.done:
		return fmt.Errorf("phone.Answer: %w: call ended", ErrNoCall)
	case <-ctx.Done():
		return fmt.Errorf("phone.Answer: %w", ctx.Err())
	}
}

// Decline refuses the ringing incoming call with 603 Decline.
func (p *Phone) Decline(ctx context.Context) error {
	c, err := p.ringingCall()
	if err != nil {
		return fmt.Errorf("phone.Decline: %w", err)
	}
	select {
	case c.decide <- decideDecline:
	default:
	}
	return waitEnded(ctx, c, "phone.Decline")
}

// Hangup ends the call whatever its state: BYE when connected, CANCEL while
// dialing, 603 Decline while ringing here.
func (p *Phone) Hangup(ctx context.Context) error {
	c := p.current()
	if c == nil {
		return fmt.Errorf("phone.Hangup: %w", ErrNoCall)
	}
	p.terminate(ctx, c, "local hangup", decideDecline)
	return waitEnded(ctx, c, "phone.Hangup")
}

func waitEnded(ctx context.Context, c *call, op string) error {
	select {
	case <-c.over():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
}

// terminate ends c in whatever state it is; d is what a ringing incoming
// call gets.
func (p *Phone) terminate(ctx context.Context, c *call, reason string, d decision) {
	p.mu.Lock()
	st := p.state
	if p.call != c {
		st = StateIdle
	}
	if st == StateIncoming {
		c.hangReason = reason
	}
	p.mu.Unlock()
	switch st {
	case StateIncoming:
		select {
		case c.decide <- d:
		default:
		}
		select {
		case <-c.done:
		case <-ctx.Done():
		}
	case StateOutgoing:
		c.cancelDial()
		select {
		case <-c.over():
		case <-ctx.Done():
		}
	case StateConnected:
		p.bye(ctx, c, reason)
	}
}

// hangupCall is an internal hang-up (timeouts, missing ACK).
func (p *Phone) hangupCall(c *call, reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), cancelGuard)
	defer cancel()
	p.terminate(ctx, c, reason, decideHangup)
}

// bye ends c now and sends BYE; its response is awaited on a goroutine
// until the transaction ends (Timer F, or Run stopping).
func (p *Phone) bye(ctx context.Context, c *call, reason string) {
	if !p.end(c, reason, 0) {
		return
	}
	req := p.inDialog(c, sip.BYE)
	if h := p.reasonOf(c); h != nil {
		req.AppendHeader(h)
	}
	tx, err := p.ua.TransactionLayer().Request(ctx, req)
	if err != nil {
		p.log.Info("BYE not sent", "err", err, "call_id", c.id)
		return
	}
	p.spawn(func() {
		res, err := p.finish(context.WithoutCancel(ctx), tx, req)
		if err != nil {
			p.log.Info("BYE unanswered", "err", err, "call_id", c.id)
			return
		}
		p.log.Debug("BYE answered", "status", res.StatusCode, "call_id", c.id)
	})
}
