package phone

import (
	"context"
	"math/rand/v2"
	"time"
)

// Registration is the state of the account's registration.
type Registration struct {
	Registered bool
	Reason     string    // "registered", "registering", or why not
	Code       int       // last SIP status from the registrar (0: none)
	Expires    time.Time // end of the binding when registered
	Failures   int       // consecutive failed attempts
	NextTry    time.Time // next REGISTER: refresh or retry
}

// regOutcome is the result of one registration attempt.
type regOutcome struct {
	granted    time.Duration // binding lifetime granted (success)
	err        error         // nil on success
	kind       failKind      // on failure
	code       int           // final SIP status, 0 when none came
	retryAfter time.Duration // the registrar's Retry-After
}

// regLoop keeps a binding alive: it REGISTERs, refreshes before expiry
// and retries with backoff. attempt does one REGISTER (with its digest
// rounds); report receives each new state. Time is the time package's:
// tests run the loop in a testing/synctest bubble.
type regLoop struct {
	policy  regPolicy
	expires time.Duration
	attempt func(ctx context.Context, expires time.Duration) regOutcome
	report  func(Registration)
	rnd     func() float64
}

// run loops until ctx ends.
func (l *regLoop) run(ctx context.Context) {
	var st Registration
	failures := 0
	for {
		out := l.try(ctx, st)
		if ctx.Err() != nil {
			return
		}
		now := time.Now()
		var wait time.Duration
		if out.err == nil {
			failures = 0
			st = Registration{Registered: true, Reason: "registered", Code: out.code, Expires: now.Add(out.granted)}
			wait = l.policy.refreshIn(out.granted)
		} else {
			failures++
			st = Registration{Reason: out.err.Error(), Code: out.code, Failures: failures}
			wait = l.policy.retryIn(out.kind, failures, out.retryAfter, l.rnd)
		}
		st.NextTry = now.Add(wait)
		l.report(st)
		if !sleepCtx(ctx, wait) {
			return
		}
	}
}

// try makes one attempt; while a binding exists it must end before the
// binding does (then the binding is gone and we say so).
func (l *regLoop) try(ctx context.Context, st Registration) regOutcome {
	if !st.Registered {
		return l.attempt(ctx, l.expires)
	}
	actx, cancel := context.WithDeadline(ctx, st.Expires)
	defer cancel()
	return l.attempt(actx, l.expires)
}

// sleepCtx waits d or until ctx ends; false when ctx ended.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// startRegistration runs the account's loop on a goroutine that
// stopRegistration ends.
func (p *Phone) startRegistration() {
	if p.acct == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.regCancel = cancel
	l := &regLoop{
		policy:  defaultRegPolicy(),
		expires: p.acct.Expires,
		attempt: func(ctx context.Context, exp time.Duration) regOutcome { return p.register(ctx, exp) },
		report:  p.setRegistration,
		rnd:     rand.Float64,
	}
	p.regDone.Add(1)
	go func() {
		defer p.regDone.Done()
		l.run(ctx)
	}()
}

// stopRegistration ends the loop and removes our binding (REGISTER with
// Expires: 0) when there is one.
func (p *Phone) stopRegistration() {
	if p.acct == nil || p.regCancel == nil {
		return
	}
	p.regCancel()
	p.regDone.Wait()
	if reg := p.Registration(); !reg.Registered {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out := p.register(ctx, 0)
	if out.err != nil {
		p.log.Warn("un-REGISTER failed", "err", out.err, "registrar", p.acct.Registrar)
	} else {
		p.log.Info("unregistered", "registrar", p.acct.Registrar)
	}
	p.setRegistration(Registration{Reason: "unregistered (shutdown)", Code: out.code})
}

// setRegistration records st, logs changes and publishes
// EventRegistration when Registered or Reason changed.
func (p *Phone) setRegistration(st Registration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.reg
	p.reg = st
	if old.Registered == st.Registered && old.Reason == st.Reason {
		p.log.Debug("registration refreshed", "expires", st.Expires.Format(time.RFC3339), "next", st.NextTry.Format(time.RFC3339))
		return
	}
	if st.Registered {
		p.log.Info("registered", "registrar", p.acct.Registrar, "user", p.acct.Username,
			"granted", time.Until(st.Expires).Round(time.Second).String(), "refresh_in", time.Until(st.NextTry).Round(time.Second).String())
	} else {
		p.log.Warn("not registered", "registrar", p.acct.Registrar, "user", p.acct.Username, "reason", st.Reason,
			"code", st.Code, "failures", st.Failures, "retry_in", time.Until(st.NextTry).Round(time.Second).String())
	}
	p.emitLocked(Event{Kind: EventRegistration, State: p.state, Registered: st.Registered, Reason: st.Reason, Code: st.Code})
}

// Registered reports whether the account is registered; nil without an
// account.
func (p *Phone) Registered() *bool {
	if p.acct == nil {
		return nil
	}
	r := p.Registration().Registered
	return &r
}

// Registration returns the registration state (zero without an account).
func (p *Phone) Registration() Registration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reg
}
