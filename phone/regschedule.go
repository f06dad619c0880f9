package phone

import "time"

// When to REGISTER again. Pure functions of the outcome so far; the loop
// in register.go applies them with real (or synctest) timers.

// failKind sorts failed registrations by how soon a retry makes sense.
type failKind int

const (
	failNetwork failKind = iota + 1 // no answer, unreachable, 5xx, 408
	failAuth                        // wrong credentials (401/407 again, 403): retry in minutes
	failOther                       // other refusals (404, 4xx): retry like the network, capped higher
)

// regPolicy is the retry and refresh schedule.
type regPolicy struct {
	RetryMin time.Duration // first retry after a network failure
	RetryMax time.Duration // cap of network retries
	AuthMin  time.Duration // first retry after refused credentials
	AuthMax  time.Duration // cap of those
	Jitter   float64       // each retry delay is scaled by 1 ± Jitter
	MinGap   time.Duration // no refresh sooner than this
}

// defaultRegPolicy: 2 s doubling to 5 min on network trouble; 1 min
// doubling to 30 min when the credentials are refused; ±20 % jitter.
func defaultRegPolicy() regPolicy {
	return regPolicy{
		RetryMin: 2 * time.Second,
		RetryMax: 5 * time.Minute,
		AuthMin:  time.Minute,
		AuthMax:  30 * time.Minute,
		Jitter:   0.2,
		MinGap:   time.Second,
	}
}

// refreshIn is when to refresh a binding the registrar granted for
// granted: at half of it (so a lost refresh has time for retries), never
// sooner than MinGap.
func (p regPolicy) refreshIn(granted time.Duration) time.Duration {
	return max(granted/2, p.MinGap)
}

// retryIn is the delay before the next attempt after the n-th consecutive
// failure (n >= 1) of kind k; retryAfter (a server's Retry-After) is a
// lower bound. rnd returns a number in [0, 1).
func (p regPolicy) retryIn(k failKind, n int, retryAfter time.Duration, rnd func() float64) time.Duration {
	base, limit := p.RetryMin, p.RetryMax
	if k == failAuth {
		base, limit = p.AuthMin, p.AuthMax
	}
	if k == failOther {
		limit = p.AuthMax
	}
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	d = time.Duration(float64(d) * (1 - p.Jitter + 2*p.Jitter*rnd()))
	return max(d, min(retryAfter, limit), p.MinGap)
}
