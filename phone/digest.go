package phone

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// HTTP digest authentication as SIP uses it (RFC 3261 22, RFC 2617,
// RFC 7616, RFC 8760): MD5 and SHA-256, their -sess variants, qop "auth"
// or none. These are the computations and the header syntax; the client
// side is in digest_client.go, the server side in digest_server.go.

// digestInput is everything one digest response is computed from.
type digestInput struct {
	Algorithm string // "MD5" (or ""), "MD5-sess", "SHA-256", "SHA-256-sess"
	Username  string
	Realm     string
	Password  string
	Nonce     string
	CNonce    string // with qop or -sess
	NC        uint32 // nonce count, with qop
	QOP       string // "auth" or ""
	Method    string
	URI       string
}

// digestHash returns the hash of an algorithm name and whether it is a
// -sess variant.
func digestHash(alg string) (func() hash.Hash, bool, error) {
	a := strings.ToUpper(alg)
	sess := strings.HasSuffix(a, "-SESS")
	a = strings.TrimSuffix(a, "-SESS")
	switch a {
	case "", "MD5":
		return md5.New, sess, nil
	case "SHA-256":
		return sha256.New, sess, nil
	}
	return nil, false, fmt.Errorf("%w: algorithm %q", ErrAuthUnsupported, alg)
}

// digestStrength orders the algorithms we can answer: higher is better,
// 0 is unsupported.
func digestStrength(alg string) int {
	switch strings.ToUpper(alg) {
	case "SHA-256":
		return 4
	case "SHA-256-SESS":
		return 3
	case "", "MD5":
		return 2
	case "MD5-SESS":
		return 1
	}
	return 0
}

// digestResponse computes the request-digest ("response" parameter).
func digestResponse(in digestInput) (string, error) {
	newHash, sess, err := digestHash(in.Algorithm)
	if err != nil {
		return "", err
	}
	h := func(parts ...string) string {
		d := newHash()
		d.Write([]byte(strings.Join(parts, ":")))
		return hex.EncodeToString(d.Sum(nil))
	}
	ha1 := h(in.Username, in.Realm, in.Password)
	if sess {
		ha1 = h(ha1, in.Nonce, in.CNonce)
	}
	ha2 := h(in.Method, in.URI)
	switch in.QOP {
	case "":
		return h(ha1, in.Nonce, ha2), nil
	case "auth":
		return h(ha1, in.Nonce, fmt.Sprintf("%08x", in.NC), in.CNonce, in.QOP, ha2), nil
	}
	return "", fmt.Errorf("%w: qop %q", ErrAuthUnsupported, in.QOP)
}

// authParams splits a "Digest k=v, k=\"v\"" header value into its scheme
// and lower-cased parameter names with unquoted values.
func authParams(v string) (string, map[string]string, error) {
	v = strings.TrimSpace(v)
	i := strings.IndexAny(v, " \t")
	if i <= 0 {
		return "", nil, fmt.Errorf("%w: no scheme in %q", ErrBadAuthHeader, v)
	}
	scheme, rest := v[:i], v[i:]
	params := make(map[string]string)
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			return scheme, params, nil
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return "", nil, fmt.Errorf("%w: parameter without value in %q", ErrBadAuthHeader, v)
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		val, tail, err := authValue(strings.TrimLeft(rest[eq+1:], " \t"))
		if err != nil {
			return "", nil, fmt.Errorf("%w: %s in %q", ErrBadAuthHeader, err, v)
		}
		params[key] = val
		rest = tail
	}
}

// authValue reads a token or a quoted string and returns the rest, which
// must start with a comma (or be empty).
func authValue(s string) (val, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s, ',')
		if end < 0 {
			end = len(s)
		}
		return strings.TrimSpace(s[:end]), s[end:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			rest = strings.TrimLeft(s[i+1:], " \t")
			if rest != "" && rest[0] != ',' {
				return "", "", fmt.Errorf("text after quoted value")
			}
			return b.String(), rest, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated quoted value")
}

// quoted returns s as a quoted-string.
func quoted(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
