package phone

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
)

// elsewhere is the Reason of the CANCEL (or BYE) a destination gets when
// another one of the same ring answered (RFC 3326).
const elsewhere = `SIP;cause=200;text="Call completed elsewhere"`

// branchQuiet is how long a destination of DialAll may leave our INVITE
// without any response (not even 100 Trying, which a UA or proxy sends at
// once) before it counts as unreachable: the INVITE went out three times
// (0, 0.5 and 1.5 s). A host that is down, or a port nobody serves,
// drops out of the ring then rather than after the whole ring time.
const branchQuiet = 3 * time.Second

// errElsewhere ends a branch whose callee answered after another one did.
var errElsewhere = errors.New("answered elsewhere")

// fork is one outgoing call placed to several destinations at once
// (DialAll). Each destination is a branch: a call of its own (Call-ID,
// tags, INVITE transaction) offering the same media stream. The phone's
// call (Phone.call) is one live branch while they ring, and the branch
// that answered first once one does. Fields marked (mu) are guarded by
// Phone.mu.
type fork struct {
	stream   Stream
	branches []*call
	live     int           // (mu) branches not ended
	winner   *call         // (mu) the first to answer
	done     chan struct{} // closed when the call as a whole ended
}

// ended is closed when c's call as a whole has ended: c's own end, or for
// a branch of a fork, the end of the fork.
func (c *call) over() <-chan struct{} {
	if c.fork != nil {
		return c.fork.done
	}
	return c.done
}

// endBranchLocked records the end of branch c and reports whether it ends
// the call as a whole (the winner's end, or the last branch without a
// winner). Otherwise another live branch becomes the phone's call if c was
// it. p.mu is held.
func (f *fork) endBranchLocked(p *Phone, c *call) bool {
	f.live--
	switch {
	case f.winner == c:
		return true
	case f.winner != nil:
		return false
	case f.live > 0:
		if p.call == c {
			for _, b := range f.branches {
				if !b.ended {
					p.call = b
					break
				}
			}
		}
		return false
	}
	// The last branch: the call ends with it, and the stream too.
	if p.call != nil && p.call.fork == f {
		p.call = c
	}
	c.stream = f.stream
	return true
}

// DialAll calls every target at once (as Dial would one) and returns the
// index of the one that answered first once that call is connected. The
// others get CANCEL with Reason: SIP;cause=200;text="Call completed
// elsewhere"; one that answers at the same moment gets ACK and BYE with the
// same Reason. ring bounds the ringing (0: Config.RingTimeout). A target
// that cannot be planned or resolved fails alone, and so does one that
// sends no response at all within 3 s (ErrUnreachable: a host that is
// down, a port nobody serves). When no target answers,
// the error is the first of: cancellation (ctx, Hangup), no answer
// (ErrTimeout), the first other failure. Each destination's start and end
// is published as an EventAttempt.
func (p *Phone) DialAll(ctx context.Context, targets []string, ring time.Duration) (int, error) {
	if !p.isRunning() {
		return -1, fmt.Errorf("phone.DialAll: %w", ErrNotRunning)
	}
	if len(targets) == 0 {
		return -1, fmt.Errorf("phone.DialAll: %w: no target", ErrBadTarget)
	}
	if ring <= 0 {
		ring = p.cfg.RingTimeout
	}
	if p.current() != nil {
		return -1, fmt.Errorf("phone.DialAll: %w", ErrCallInProgress)
	}
	type leg struct {
		idx  int
		pl   dialPlan
		dest netip.AddrPort
	}
	var legs []leg
	var firstErr error
	for i, t := range targets {
		pl, dest, err := p.destination(ctx, t)
		if err != nil {
			p.emit(Event{Kind: EventAttempt, State: p.Status().State, Target: t, Reason: err.Error()})
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		legs = append(legs, leg{i, pl, dest})
	}
	if len(legs) == 0 {
		return -1, fmt.Errorf("phone.DialAll: %w", firstErr)
	}
	stream, err := p.media.NewStream(p.bindIP)
	if err != nil {
		return -1, fmt.Errorf("phone.DialAll: media: %w", err)
	}
	f := &fork{stream: stream, live: len(legs), done: make(chan struct{})}
	fctx, cancelAll := context.WithCancel(ctx)
	defer cancelAll()
	cancels := make([]context.CancelFunc, len(legs))
	ctxs := make([]context.Context, len(legs))
	for k, l := range legs {
		c := p.outgoingCall(l.pl, l.dest)
		c.fork, c.target, c.ringTimeout, c.cancelDial = f, targets[l.idx], ring, cancelAll
		c.quietLimit = branchQuiet
		ctxs[k], cancels[k] = context.WithCancel(fctx)
		c.cancelBranch = cancels[k]
		f.branches = append(f.branches, c)
	}
	defer func() {
		for _, cancel := range cancels {
			cancel()
		}
	}()
	if err := p.begin(f.branches[0], inDial, fmt.Sprintf("dialing %d destinations", len(legs))); err != nil {
		if cerr := stream.Close(); cerr != nil {
			p.log.Warn("close stream", "err", cerr)
		}
		return -1, fmt.Errorf("phone.DialAll: %w", err)
	}
	type result struct {
		idx int
		err error
	}
	results := make(chan result, len(legs))
	for k, l := range legs {
		c := f.branches[k]
		p.emit(Event{Kind: EventAttempt, State: StateOutgoing, Target: c.target, Peer: c.peerString(), CallID: c.id, Reason: "calling"})
		if !p.enter() {
			p.end(c, "shutdown", 0)
			results <- result{l.idx, ErrNotRunning}
			continue
		}
		go func() {
			defer p.wg.Done()
			err := p.sendInvite(ctxs[k], c, l.pl, l.dest, stream.LocalPort())
			results <- result{l.idx, err}
		}()
	}
	var cancelled, timeout, other error
	for range legs {
		r := <-results
		switch {
		case r.err == nil:
			return r.idx, nil
		case errors.Is(r.err, errElsewhere):
		case errors.Is(r.err, ErrCancelled) && cancelled == nil:
			cancelled = r.err
		case errors.Is(r.err, ErrTimeout) && timeout == nil:
			timeout = r.err
		case other == nil:
			other = r.err
		}
	}
	for _, err := range []error{cancelled, timeout, other, firstErr} {
		if err != nil {
			return -1, fmt.Errorf("phone.DialAll: %w", err)
		}
	}
	return -1, fmt.Errorf("phone.DialAll: %w", ErrCancelled)
}

// destination plans a dial target and resolves where its INVITE goes.
func (p *Phone) destination(ctx context.Context, target string) (dialPlan, netip.AddrPort, error) {
	pl, err := p.plan(target)
	if err != nil {
		return pl, netip.AddrPort{}, err
	}
	where := pl.t.uri
	if pl.viaProxy {
		where = p.acct.uri
	}
	dest, err := resolve(ctx, where)
	return pl, dest, err
}

// claim makes branch c, whose callee answered, the fork's call, and cancels
// the others. It is false when another branch answered first (or c ended).
func (p *Phone) claim(c *call) bool {
	f := c.fork
	p.mu.Lock()
	if f.winner != nil || c.ended {
		p.mu.Unlock()
		return false
	}
	f.winner = c
	c.stream = f.stream
	p.call = c
	var losers []*call
	for _, b := range f.branches {
		if b != c && !b.ended {
			b.cancelReason = elsewhere
			losers = append(losers, b)
		}
	}
	p.emitLocked(Event{Kind: EventAttempt, State: StateOutgoing, Target: c.target, Peer: c.peerString(), CallID: c.id, Reason: "answered"})
	p.mu.Unlock()
	p.log.Info("answered", "target", c.target, "peer", c.peerString(), "call_id", c.id, "cancelled", len(losers))
	for _, b := range losers {
		b.cancelBranch()
	}
	return true
}

// reasonOf is the Reason header c's CANCEL or BYE carries, if any.
func (p *Phone) reasonOf(c *call) sip.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.cancelReason == "" {
		return nil
	}
	return sip.NewHeader("Reason", c.cancelReason)
}

// lost2xx answers a 2xx of branch c that came after another branch (or
// another fork of a proxy, with another To tag) answered: ACK, then BYE
// with Reason "Call completed elsewhere".
func (p *Phone) lost2xx(c *call, res *sip.Response) {
	toTag := ""
	if to := res.To(); to != nil {
		toTag, _ = to.Params.Get("tag")
	}
	if toTag == "" {
		return
	}
	d := newCall(c.id)
	d.outgoing, d.transport, d.peer, d.local = true, c.transport, c.peer, c.local
	d.localURI, d.remoteURI, d.localTag = c.localURI, c.remoteURI, c.localTag
	d.inviteCSeq = c.inviteCSeq
	d.localCSeq = c.inviteCSeq
	d.remoteTag = toTag
	d.remoteTarget = c.remoteTarget
	if ct := res.Contact(); ct != nil && ct.Address.Host != "" {
		d.remoteTarget = *ct.Address.Clone()
	}
	d.routes = routeSet(res.GetHeaders("Record-Route"), true)
	d.cancelReason = elsewhere
	p.sendACK(p.dialogRequest(d, sip.ACK, d.inviteCSeq))
	p.log.Info("second answer refused: the call was answered elsewhere", "call_id", c.id, "to_tag", toTag, "from", res.Source())
	req := p.inDialog(d, sip.BYE)
	req.AppendHeader(sip.NewHeader("Reason", elsewhere))
	p.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cancelGuard)
		defer cancel()
		if _, err := p.do(ctx, req); err != nil {
			p.log.Debug("BYE of a second answer", "err", err, "call_id", c.id)
		}
	})
}
