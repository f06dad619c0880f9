package phone

import (
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Who may make the phone ring:
//
//   - with an Account, INVITEs from the registrar's (resolved) IP: the
//     proxy has vouched for its callers;
//   - other (direct) callers must match Allow; with an Account an empty
//     Allow admits no direct caller unless DirectAuth is set;
//   - with DirectAuth, a direct caller must also authenticate: without
//     valid credentials it gets 401 with a fresh challenge and never rings.

// setProxy records the registrar's address (re-resolved by each REGISTER).
func (p *Phone) setProxy(ip netip.Addr) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.proxyIP = ip.Unmap()
}

// isProxy reports whether ip is the registrar's address.
func (p *Phone) isProxy(ip netip.Addr) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.proxyIP.IsValid() && p.proxyIP == ip.Unmap()
}

// screening is what the caller's address alone says about a new INVITE.
type screening int

const (
	screenDirect  screening = iota // a direct caller Allow admits (DirectAuth may still challenge)
	screenProxy                    // the registrar: taken without further checks
	screenRefused                  // 403
)

// screen decides from the source address alone whether a new INVITE may go
// on; when refused, why says so for the log. Both admit and the gate in
// front of sipgo (gate.go) ask it.
func (p *Phone) screen(src netip.Addr) (s screening, why string) {
	if p.acct != nil && p.isProxy(src) {
		return screenProxy, ""
	}
	if p.acct != nil && len(p.allow) == 0 && p.guard == nil {
		return screenRefused, "call refused: direct caller, and calls.allow is empty with an account"
	}
	if !p.allow.allows(src) {
		return screenRefused, "call refused: caller not allowed"
	}
	return screenDirect, ""
}

// admit decides whether a new INVITE may ring, answering it when not.
func (p *Phone) admit(req *sip.Request, tx sip.ServerTransaction) bool {
	src := sourceAddr(req)
	caller := req.From().Address.String()
	switch s, why := p.screen(src.Addr()); s {
	case screenProxy:
		return true
	case screenRefused:
		p.warnLimited(why, "from", src.String(), "caller", caller)
		p.reply(tx, req, 403, "Forbidden", nil)
		return false
	}
	if p.guard == nil {
		return true
	}
	switch p.guard.check(req) {
	case authOK:
		return true
	case authWrong:
		p.warnLimited("call refused: wrong digest credentials", "from", src.String(), "caller", caller)
		p.reply(tx, req, 401, "Unauthorized", nil, p.guard.challenges(false)...)
	case authStale:
		p.reply(tx, req, 401, "Unauthorized", nil, p.guard.challenges(true)...)
	default:
		p.log.Debug("direct call challenged", "from", src.String(), "caller", caller)
		p.reply(tx, req, 401, "Unauthorized", nil, p.guard.challenges(false)...)
	}
	return false
}

// warnInterval rate-limits the warnings a stranger can provoke.
const warnInterval = 10 * time.Second

// warnLimited logs at warn level at most once per warnInterval (debug
// otherwise), so that a scanner cannot flood the log.
func (p *Phone) warnLimited(msg string, args ...any) {
	p.mu.Lock()
	now := time.Now()
	loud := now.Sub(p.lastWarn) >= warnInterval
	if loud {
		p.lastWarn = now
	}
	p.mu.Unlock()
	if loud {
		p.log.Warn(msg, args...)
		return
	}
	p.log.Debug(msg, args...)
}
