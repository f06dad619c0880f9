package phone

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// guard checks the digest credentials of direct INVITEs against one
// configured user and password. Nonces are stateless: a timestamp and its
// HMAC under a key drawn at start, valid for nonceLifetime.
type guard struct {
	cred  Credentials
	realm string
	key   [32]byte
	now   func() time.Time
}

// nonceLifetime is how long a nonce we issued is accepted.
const nonceLifetime = 5 * time.Minute

func newGuard(cred Credentials, realm string) *guard {
	g := &guard{cred: cred, realm: realm, now: time.Now}
	_, _ = rand.Read(g.key[:]) // never fails: it crashes the program instead (Go 1.24)
	return g
}

// nonce issues a fresh nonce.
func (g *guard) nonce() string {
	var b [8 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(g.now().Unix()))
	copy(b[8:], g.mac(b[:8]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (g *guard) mac(ts []byte) []byte {
	m := hmac.New(sha256.New, g.key[:])
	m.Write(ts)
	return m.Sum(nil)[:16]
}

// nonceState says whether a nonce is ours, and whether it expired.
func (g *guard) nonceState(n string) (ours, fresh bool) {
	b, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil || len(b) != 24 || !hmac.Equal(b[8:], g.mac(b[:8])) {
		return false, false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	age := g.now().Sub(issued)
	return true, age >= -time.Minute && age <= nonceLifetime
}

// challenges are the WWW-Authenticate headers of a 401: SHA-256 first,
// then MD5 (RFC 8760 asks for the preferred one first).
func (g *guard) challenges(stale bool) []sip.Header {
	n := g.nonce()
	var out []sip.Header
	for _, alg := range []string{"SHA-256", "MD5"} {
		v := "Digest realm=" + quoted(g.realm) + ", nonce=" + quoted(n) + ", algorithm=" + alg + ", qop=\"auth\""
		if stale {
			v += ", stale=true"
		}
		out = append(out, sip.NewHeader("WWW-Authenticate", v))
	}
	return out
}

// verdict of a request's credentials.
type authResult int

const (
	authMissing authResult = iota // no usable credentials: challenge
	authStale                     // right credentials, old nonce: challenge with stale=true
	authWrong                     // wrong user or password
	authOK
)

// check verifies the Authorization headers of req.
func (g *guard) check(req *sip.Request) authResult {
	best := authMissing
	for _, h := range req.GetHeaders("Authorization") {
		if r := g.checkOne(h.Value(), string(req.Method)); r > best {
			best = r
		}
	}
	return best
}

func (g *guard) checkOne(v, method string) authResult {
	scheme, ps, err := authParams(v)
	if err != nil || !strings.EqualFold(scheme, "Digest") || ps["realm"] != g.realm {
		return authMissing
	}
	ours, fresh := g.nonceState(ps["nonce"])
	if !ours || digestStrength(ps["algorithm"]) == 0 {
		return authMissing
	}
	nc, ok := parseNC(ps["nc"])
	if ps["qop"] != "" && !ok {
		return authMissing
	}
	want, err := digestResponse(digestInput{Algorithm: ps["algorithm"], Username: g.cred.User, Realm: g.realm,
		Password: g.cred.Password, Nonce: ps["nonce"], CNonce: ps["cnonce"], NC: nc, QOP: ps["qop"],
		Method: method, URI: ps["uri"]})
	if err != nil {
		return authMissing
	}
	if ps["username"] != g.cred.User || subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(ps["response"]))) != 1 {
		return authWrong
	}
	if !fresh {
		return authStale
	}
	return authOK
}

// parseNC reads an 8-hex-digit nonce count.
func parseNC(s string) (uint32, bool) {
	if len(s) != 8 {
		return 0, false
	}
	var n uint32
	for i := 0; i < 8; i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | uint32(d)
	}
	return n, true
}
