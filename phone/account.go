package phone

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Account is a registration with a PBX or SIP registrar. The registrar
// is also our outbound proxy: calls to its domain go through it.
type Account struct {
	Registrar string        // SIP URI or host[:port] of the registrar; "" = no account
	Username  string        // user part of our address-of-record, and the digest user name
	Password  string        // digest password
	Expires   time.Duration // binding lifetime we ask for (default 10m); the registrar's grant wins
}

// DefaultExpires is the binding lifetime asked for when Account.Expires
// is zero.
const DefaultExpires = 10 * time.Minute

// enabled reports whether an account is configured.
func (a Account) enabled() bool { return a.Registrar != "" }

// account is a checked Account.
type account struct {
	Account
	uri       sip.Uri // Request-URI of REGISTER: sip:host[:port]
	aor       sip.Uri // our address-of-record: sip:user@host
	transport string  // "UDP", "TCP" or "TLS"
}

// parseAccount checks a and derives the registrar and AOR URIs.
func parseAccount(a Account) (*account, error) {
	if !a.enabled() {
		return nil, nil
	}
	u, err := parseURI(a.Registrar)
	if err != nil {
		return nil, fmt.Errorf("%w: Account.Registrar %q: want a SIP URI or host[:port]: %v", ErrBadConfig, a.Registrar, err)
	}
	if a.Username == "" {
		return nil, fmt.Errorf("%w: Account.Username is required with a registrar", ErrBadConfig)
	}
	if a.Expires < 0 {
		return nil, fmt.Errorf("%w: Account.Expires is negative", ErrBadConfig)
	}
	a.Expires = durOr(a.Expires, DefaultExpires)
	acc := &account{Account: a, transport: "UDP"}
	if tp, ok := u.UriParams.Get("transport"); ok {
		acc.transport = strings.ToUpper(tp)
	}
	if strings.EqualFold(u.Scheme, "sips") {
		acc.transport = "TLS"
	}
	if acc.transport == "TLS" && u.Port == 0 {
		u.Port = 5061
	}
	acc.uri = sip.Uri{Scheme: "sip", Host: u.Host, Port: u.Port}
	if acc.transport != "UDP" {
		acc.uri.UriParams = sip.HeaderParams{{K: "transport", V: strings.ToLower(acc.transport)}}
	}
	acc.aor = sip.Uri{Scheme: "sip", User: a.Username, Host: u.Host}
	return acc, nil
}

// parseURI accepts an IP, ip:port, host[:port] or a sip:/sips: URI.
func parseURI(s string) (sip.Uri, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	if s == "" {
		return sip.Uri{}, fmt.Errorf("empty")
	}
	raw := s
	if low := strings.ToLower(s); !strings.HasPrefix(low, "sip:") && !strings.HasPrefix(low, "sips:") {
		if a, err := netip.ParseAddr(s); err == nil && a.Is6() {
			s = "[" + s + "]"
		}
		raw = "sip:" + s
	}
	var u sip.Uri
	if err := sip.ParseUri(raw, &u); err != nil {
		return sip.Uri{}, err
	}
	if u.Host == "" {
		return sip.Uri{}, fmt.Errorf("no host")
	}
	return u, nil
}

// hostIP returns the IP a URI's host is, if it is an IP literal.
func hostIP(u sip.Uri) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(u.Host, "["), "]"))
	return a.Unmap(), err == nil
}

// isUserName reports whether a dial target is a bare user name or number
// ("1002", "door-b"): no scheme, '@', dot or colon.
func isUserName(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && !strings.ContainsAny(s, "@.:[]<>; ")
}

// viaProxy reports whether a call to u goes through the registrar: every
// target that is not an IP literal (a domain, the registrar's own host),
// and an IP target equal to the registrar's host and port. Other IP
// targets are called directly.
func (a *account) viaProxy(u sip.Uri) bool {
	if _, ok := hostIP(u); !ok {
		return true
	}
	return strings.EqualFold(u.Host, a.uri.Host) && portOr5060(u.Port) == portOr5060(a.uri.Port)
}

func portOr5060(p int) int {
	if p == 0 {
		return 5060
	}
	return p
}
