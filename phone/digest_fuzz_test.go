package phone

import (
	"testing"

	"github.com/emiago/sipgo/sip"
)

// FuzzAuthHeader feeds header values from the network to the challenge
// parser (WWW-/Proxy-Authenticate) and to the guard (Authorization): no
// panic, and an accepted challenge can be answered.
func FuzzAuthHeader(f *testing.F) {
	for _, s := range []string{
		`Digest realm="127.0.0.1", nonce="ZmFrZQ", qop="auth", algorithm=SHA-256`,
		`Digest realm="asterisk",nonce="1a2b",algorithm=MD5`,
		`Digest realm="a \"b\"", nonce=x, qop="auth,auth-int", stale=TRUE, opaque="o"`,
		`Digest username="door", realm="skoip", nonce="AAAA", uri="sip:x@y", response="00", qop=auth, nc=00000001, cnonce="c", algorithm=MD5-sess`,
		`Basic realm="x"`,
		`Digest realm="open`,
		`Digest ,,,=`,
	} {
		f.Add(s)
	}
	g := newGuard(Credentials{User: "door", Password: "pw"}, "skoip")
	f.Fuzz(func(t *testing.T, v string) {
		if ch, err := parseChallenge(v, "Authorization"); err == nil {
			if _, err := authorization(ch, Credentials{User: "u", Password: "p"}, "REGISTER", "sip:h", "c"); err != nil {
				t.Fatalf("accepted challenge %q cannot be answered: %v", v, err)
			}
		}
		req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "h"})
		req.AppendHeader(sip.NewHeader("Authorization", v))
		if g.check(req) == authOK {
			t.Fatalf("fuzzed credentials accepted: %q", v)
		}
	})
}
