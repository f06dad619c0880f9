package phone

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
)

// guard checks the digest credentials of direct INVITEs against one
// configured user and password.
//
// Issuing a nonce keeps no state: a nonce is a serial number, the time it
// was issued and their HMAC under a key drawn at start, so that a stranger
// asking for challenges costs no memory. A nonce is accepted for
// nonceLifetime after it was issued, and only while it has not been used
// up; what has been used is remembered, within bounds:
//
//   - with qop=auth, a request is accepted only if its nonce count (nc) is
//     strictly greater than the highest one accepted so far with that nonce
//     (none: 0, so the first use needs nc >= 00000001), as RFC 7616 3.4.5
//     and RFC 2617 3.2.2 say; a repeated or smaller nc is a replay;
//   - without qop (RFC 2069 responses, no nc), a nonce is accepted once;
//     it is then used up for qop=auth answers too;
//   - the nonces used are kept in a table of at most maxUsedNonces entries,
//     ordered by serial. An entry leaves it when its nonce expires, or,
//     when the table is full, the one with the lowest serial (the oldest
//     issued) makes room. Either way the guard then refuses every nonce
//     with that serial or a lower one (floor), used or not: a nonce that
//     left the table is refused, never taken as new. A legitimate client
//     whose nonce was pushed out gets a stale challenge and answers a
//     fresh nonce;
//   - only requests with the right credentials enter the table, so a
//     caller without the password cannot grow it or push anything out of
//     it (forged or unused nonces, wrong answers and replays add nothing).
//
// A replayed request (same nonce, nc not greater, or a used-up nonce
// without qop, whatever its Call-ID, tags or source) gets authStale: a
// 401 with a fresh challenge and stale=true, as for an expired nonce with
// the right credentials. The replayer learns nothing from it: it already
// holds a valid answer.
//
// A wrong password and an unknown user are the same verdict (authWrong),
// hence the same 401 with a fresh challenge and no stale: the expected
// response is computed for the configured user whatever username the
// request claims, and the username and response are both compared in
// constant time, so neither the answer nor its timing tells whether the
// user exists.
type guard struct {
	cred  Credentials
	realm string
	key   [32]byte
	now   func() time.Time

	serial atomic.Uint64 // of the last nonce issued; the first is 1

	mu    sync.Mutex
	used  []usedNonce // (mu) nonces used, by serial; at most maxUsedNonces
	floor uint64      // (mu) nonces with a serial up to this are refused
}

// usedNonce is a nonce accepted at least once.
type usedNonce struct {
	serial uint64
	issued int64  // Unix seconds
	nc     uint32 // highest nonce count accepted; math.MaxUint32 after an answer without qop
}

// nonceLifetime is how long a nonce we issued is accepted.
const nonceLifetime = 5 * time.Minute

// maxUsedNonces bounds the table of used nonces (24 bytes each). It only
// grows with authenticated calls, a handful every few minutes at a door.
const maxUsedNonces = 1024

// nonceBytes is the length of a decoded nonce: serial, time, HMAC.
const nonceBytes = 8 + 8 + 16

func newGuard(cred Credentials, realm string) *guard {
	g := &guard{cred: cred, realm: realm, now: time.Now}
	_, _ = rand.Read(g.key[:]) // never fails: it crashes the program instead (Go 1.24)
	return g
}

// nonce issues a fresh nonce: no two nonces of a guard are the same.
func (g *guard) nonce() string {
	var b [nonceBytes]byte
	binary.BigEndian.PutUint64(b[:8], g.serial.Add(1))
	binary.BigEndian.PutUint64(b[8:16], uint64(g.now().Unix()))
	copy(b[16:], g.mac(b[:16]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (g *guard) mac(msg []byte) []byte {
	m := hmac.New(sha256.New, g.key[:])
	m.Write(msg)
	return m.Sum(nil)[:16]
}

// parseNonce reads a nonce we issued; ok is false for any other string.
func (g *guard) parseNonce(n string) (serial uint64, issued int64, ok bool) {
	if len(n) != base64.RawURLEncoding.EncodedLen(nonceBytes) {
		return 0, 0, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(n) // one spelling per nonce
	if err != nil || len(b) != nonceBytes || !hmac.Equal(b[16:], g.mac(b[:16])) {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(b[:8]), int64(binary.BigEndian.Uint64(b[8:16])), true
}

// nonceState says whether a nonce is ours, and whether it has not expired
// (whether it was used is consume's business).
func (g *guard) nonceState(n string) (ours, fresh bool) {
	_, issued, ok := g.parseNonce(n)
	if !ok {
		return false, false
	}
	return true, g.fresh(issued, g.now())
}

// fresh says whether a nonce issued at issued (Unix seconds) is still
// valid at now; a minute ahead is tolerated for a clock step back.
func (g *guard) fresh(issued int64, now time.Time) bool {
	age := now.Sub(time.Unix(issued, 0))
	return age >= -time.Minute && age <= nonceLifetime
}

// challenges are the WWW-Authenticate headers of a 401: SHA-256 first,
// then MD5 (RFC 8760 asks for the preferred one first). Both carry the
// same fresh nonce.
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
	authStale                     // right credentials, but the nonce expired or was used up (replay): challenge with stale=true
	authWrong                     // wrong user or password: challenge, as authMissing
	authOK
)

// nonceUse is what an answer with the right credentials would use up.
type nonceUse struct {
	serial uint64
	issued int64
	nc     uint32
	qop    bool
}

// check verifies the Authorization headers of req. An authOK uses its
// nonce count up: the same request checked again gets authStale.
func (g *guard) check(req *sip.Request) authResult {
	best := authMissing
	for _, h := range req.GetHeaders("Authorization") {
		r, use := g.checkOne(h.Value(), string(req.Method))
		if r == authOK {
			r = g.consume(use)
		}
		if r > best {
			best = r
		}
		if best == authOK {
			break
		}
	}
	return best
}

// checkOne verifies one Authorization header without looking at, or
// changing, the used nonces: authOK here means the right credentials on a
// nonce of ours that has not expired.
func (g *guard) checkOne(v, method string) (authResult, nonceUse) {
	scheme, ps, err := authParams(v)
	if err != nil || !strings.EqualFold(scheme, "Digest") || ps["realm"] != g.realm {
		return authMissing, nonceUse{}
	}
	serial, issued, ours := g.parseNonce(ps["nonce"])
	if !ours || digestStrength(ps["algorithm"]) == 0 {
		return authMissing, nonceUse{}
	}
	nc, ok := parseNC(ps["nc"])
	qop := ps["qop"] != ""
	if qop && !ok {
		return authMissing, nonceUse{}
	}
	// The expected response is the configured user's, whatever username
	// the request claims: an unknown user costs the same as a wrong
	// password, and both comparisons below always run, in constant time
	// (the username's through fixed-length hashes).
	want, err := digestResponse(digestInput{Algorithm: ps["algorithm"], Username: g.cred.User, Realm: g.realm,
		Password: g.cred.Password, Nonce: ps["nonce"], CNonce: ps["cnonce"], NC: nc, QOP: ps["qop"],
		Method: method, URI: ps["uri"]})
	if err != nil {
		return authMissing, nonceUse{}
	}
	gotUser, wantUser := sha256.Sum256([]byte(ps["username"])), sha256.Sum256([]byte(g.cred.User))
	userOK := subtle.ConstantTimeCompare(gotUser[:], wantUser[:])
	responseOK := subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(ps["response"])))
	if userOK&responseOK != 1 {
		return authWrong, nonceUse{}
	}
	if !g.fresh(issued, g.now()) {
		return authStale, nonceUse{}
	}
	return authOK, nonceUse{serial: serial, issued: issued, nc: nc, qop: qop}
}

// consume records the use of a nonce by a request with the right
// credentials: authOK when the nonce was not used up (see guard), else
// authStale.
func (g *guard) consume(u nonceUse) authResult {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expire(g.now())
	if u.serial <= g.floor {
		return authStale
	}
	i, found := slices.BinarySearchFunc(g.used, u.serial, func(e usedNonce, s uint64) int { return cmp.Compare(e.serial, s) })
	if found {
		e := &g.used[i]
		if !u.qop || u.nc <= e.nc {
			return authStale
		}
		e.nc = u.nc
		return authOK
	}
	nc := u.nc
	switch {
	case !u.qop:
		nc = math.MaxUint32
	case nc == 0:
		return authStale // nonce counts start at 00000001
	}
	g.used = slices.Insert(g.used, i, usedNonce{serial: u.serial, issued: u.issued, nc: nc})
	if n := len(g.used) - maxUsedNonces; n > 0 {
		g.drop(n)
	}
	return authOK
}

// expire drops the used nonces that expired, from the oldest issued on
// (the clock ordering them as their serials; one out of order stays until
// pushed out).
func (g *guard) expire(now time.Time) {
	n := 0
	for n < len(g.used) && now.Sub(time.Unix(g.used[n].issued, 0)) > nonceLifetime {
		n++
	}
	if n > 0 {
		g.drop(n)
	}
}

// drop removes the n used nonces with the lowest serials and raises the
// floor to the highest of them, so that none of them, nor any unused
// nonce issued before, can be taken as new.
func (g *guard) drop(n int) {
	g.floor = max(g.floor, g.used[n-1].serial)
	g.used = slices.Delete(g.used, 0, n)
}

// usedNonces is the size of the table of used nonces.
func (g *guard) usedNonces() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.used)
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
