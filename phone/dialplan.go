package phone

import (
	"fmt"

	"github.com/emiago/sipgo/sip"
)

// dialPlan is how a dial target is reached.
type dialPlan struct {
	t        target
	viaProxy bool        // sent to the registrar, From = our AOR
	cred     Credentials // answers 401/407
}

// plan decides the route of a dial target. With an Account:
//
//   - a bare user name or number becomes user@registrar-host[:port];
//   - targets that are not IP literals, and the registrar's own host and
//     port, go through the registrar (outbound proxy) with the Account's
//     credentials;
//   - IP targets go directly, with DirectAuth's credentials;
//   - while not registered, a target through the proxy is replaced by
//     Fallback when it is set (the peer by IP).
func (p *Phone) plan(s string) (pl dialPlan, err error) {
	defer func() {
		if err == nil && p.needsTLS(pl.t.transport) {
			err = fmt.Errorf("%w: %q: media.encryption \"required\" calls over TLS only (sips: or ;transport=tls)", ErrBadTarget, s)
		}
	}()
	if p.acct == nil {
		t, err := p.parseTarget(s)
		return dialPlan{t: t, cred: p.cfg.DirectAuth}, err
	}
	if isUserName(s) {
		u := sip.Uri{Scheme: "sip", User: s, Host: p.acct.uri.Host, Port: p.acct.uri.Port}
		s = u.String()
	}
	t, err := p.parseTarget(s)
	if err != nil {
		return dialPlan{}, err
	}
	if !p.acct.viaProxy(t.uri) {
		return dialPlan{t: t, cred: p.cfg.DirectAuth}, nil
	}
	if !p.Registration().Registered && p.cfg.Fallback != "" {
		ft, err := p.parseTarget(p.cfg.Fallback)
		if err != nil {
			return dialPlan{}, fmt.Errorf("fallback: %w", err)
		}
		p.log.Warn("not registered: calling the fallback instead", "target", t.uri.String(), "fallback", ft.uri.String())
		return dialPlan{t: ft, cred: p.cfg.DirectAuth}, nil
	}
	if !p.serves(p.acct.transport) {
		return dialPlan{}, fmt.Errorf("%w: registrar transport %s not served", ErrBadTarget, p.acct.transport)
	}
	t.transport = p.acct.transport
	return dialPlan{t: t, viaProxy: true, cred: Credentials{User: p.acct.Username, Password: p.acct.Password}}, nil
}
