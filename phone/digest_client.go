package phone

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Credentials are a digest user name and password.
type Credentials struct {
	User     string
	Password string
}

// valid reports whether credentials are configured.
func (c Credentials) valid() bool { return c.User != "" }

// challenge is one parsed WWW-Authenticate or Proxy-Authenticate.
type challenge struct {
	header    string // "Authorization" or "Proxy-Authorization": where the answer goes
	realm     string
	nonce     string
	opaque    string
	algorithm string
	qop       string // "auth" or "" (none offered)
	stale     bool
}

// parseChallenge reads one digest challenge; header is the name of the
// header that will carry the answer.
func parseChallenge(value, header string) (challenge, error) {
	scheme, ps, err := authParams(value)
	if err != nil {
		return challenge{}, err
	}
	if !strings.EqualFold(scheme, "Digest") {
		return challenge{}, fmt.Errorf("%w: scheme %q", ErrAuthUnsupported, scheme)
	}
	ch := challenge{header: header, realm: ps["realm"], nonce: ps["nonce"], opaque: ps["opaque"],
		algorithm: ps["algorithm"], stale: strings.EqualFold(ps["stale"], "true")}
	if ch.nonce == "" {
		return challenge{}, fmt.Errorf("%w: challenge without nonce", ErrBadAuthHeader)
	}
	if digestStrength(ch.algorithm) == 0 {
		return challenge{}, fmt.Errorf("%w: algorithm %q", ErrAuthUnsupported, ch.algorithm)
	}
	if q, ok := ps["qop"]; ok {
		for _, opt := range strings.Split(q, ",") {
			if strings.EqualFold(strings.TrimSpace(opt), "auth") {
				ch.qop = "auth"
			}
		}
		if ch.qop == "" {
			return challenge{}, fmt.Errorf("%w: qop %q", ErrAuthUnsupported, q)
		}
	}
	return ch, nil
}

// challengesOf returns the best challenge per realm of a 401 or 407.
func challengesOf(res *sip.Response) ([]challenge, error) {
	name, answer := "WWW-Authenticate", "Authorization"
	if res.StatusCode == 407 {
		name, answer = "Proxy-Authenticate", "Proxy-Authorization"
	}
	var out []challenge
	var firstErr error
	for _, h := range res.GetHeaders(name) {
		ch, err := parseChallenge(h.Value(), answer)
		if err != nil {
			firstErr = cmpOr(firstErr, err)
			continue
		}
		out = keepStronger(out, ch)
	}
	if len(out) == 0 {
		if firstErr == nil {
			firstErr = fmt.Errorf("%w: %d without %s", ErrBadAuthHeader, res.StatusCode, name)
		}
		return nil, firstErr
	}
	return out, nil
}

// keepStronger adds ch unless a stronger challenge of its realm is there.
func keepStronger(list []challenge, ch challenge) []challenge {
	for i, c := range list {
		if c.realm == ch.realm {
			if digestStrength(ch.algorithm) > digestStrength(c.algorithm) {
				list[i] = ch
			}
			return list
		}
	}
	return append(list, ch)
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// authorizer answers the challenges of one request (and its re-sends)
// with one set of credentials.
type authorizer struct {
	cred    Credentials
	answers []challenge // what we answer, one per header and realm
	rounds  int
}

// maxAuthRounds bounds the challenges one request may meet (a registrar
// and a proxy, plus a stale nonce each).
const maxAuthRounds = 4

// challenged takes a 401/407. It fails with ErrAuthFailed when a realm
// we already answered challenges again without calling our nonce stale:
// the credentials are wrong, and trying again would only flood the server.
func (a *authorizer) challenged(res *sip.Response) error {
	if !a.cred.valid() {
		return fmt.Errorf("%w: %d %s and no credentials", ErrAuthFailed, res.StatusCode, res.Reason)
	}
	chs, err := challengesOf(res)
	if err != nil {
		return err
	}
	a.rounds++
	if a.rounds > maxAuthRounds {
		return fmt.Errorf("%w: %d %s after %d answers", ErrAuthFailed, res.StatusCode, res.Reason, maxAuthRounds)
	}
	for _, ch := range chs {
		i := a.find(ch)
		switch {
		case i < 0:
			a.answers = append(a.answers, ch)
		case !ch.stale:
			return fmt.Errorf("%w: %d %s: credentials of %q refused (realm %q)",
				ErrAuthFailed, res.StatusCode, res.Reason, a.cred.User, ch.realm)
		default:
			a.answers[i] = ch
		}
	}
	return nil
}

func (a *authorizer) find(ch challenge) int {
	for i, c := range a.answers {
		if c.header == ch.header && c.realm == ch.realm {
			return i
		}
	}
	return -1
}

// apply puts our answers on req (replacing older ones).
func (a *authorizer) apply(req *sip.Request) error {
	req.RemoveHeader("Authorization")
	req.RemoveHeader("Proxy-Authorization")
	uri := req.Recipient.String()
	for _, ch := range a.answers {
		v, err := authorization(ch, a.cred, string(req.Method), uri, newCNonce())
		if err != nil {
			return err
		}
		req.AppendHeader(sip.NewHeader(ch.header, v))
	}
	return nil
}

// authorization is the header value answering ch (nonce count 1: every
// challenge is answered once).
func authorization(ch challenge, cred Credentials, method, uri, cnonce string) (string, error) {
	in := digestInput{Algorithm: ch.algorithm, Username: cred.User, Realm: ch.realm, Password: cred.Password,
		Nonce: ch.nonce, CNonce: cnonce, NC: 1, QOP: ch.qop, Method: method, URI: uri}
	resp, err := digestResponse(in)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Digest username=%s, realm=%s, nonce=%s, uri=%s, response=%s",
		quoted(cred.User), quoted(ch.realm), quoted(ch.nonce), quoted(uri), quoted(resp))
	if ch.algorithm != "" {
		b.WriteString(", algorithm=" + ch.algorithm)
	}
	if ch.qop != "" {
		fmt.Fprintf(&b, ", qop=%s, nc=%08x, cnonce=%s", ch.qop, 1, quoted(cnonce))
	} else if strings.HasSuffix(strings.ToUpper(ch.algorithm), "-SESS") {
		b.WriteString(", cnonce=" + quoted(cnonce))
	}
	if ch.opaque != "" {
		b.WriteString(", opaque=" + quoted(ch.opaque))
	}
	return b.String(), nil
}

func newCNonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead (Go 1.24)
	return hex.EncodeToString(b[:])
}
