package phone

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Vectors: RFC 2617 3.5 (MD5, qop auth), RFC 7616 3.9.1 (MD5 and SHA-256,
// qop auth); the no-qop and -sess ones were computed with Python's hashlib.
func TestDigestResponseVectors(t *testing.T) {
	rfc7616 := digestInput{Username: "Mufasa", Realm: "http-auth@example.org", Password: "Circle of Life",
		Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", CNonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
		NC: 1, QOP: "auth", Method: "GET", URI: "/dir/index.html"}
	rfc2617 := digestInput{Username: "Mufasa", Realm: "testrealm@host.com", Password: "Circle Of Life",
		Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", CNonce: "0a4f113b", NC: 1, QOP: "auth",
		Method: "GET", URI: "/dir/index.html"}
	with := func(in digestInput, f func(*digestInput)) digestInput { f(&in); return in }
	cases := []struct {
		name string
		in   digestInput
		want string
	}{
		{"RFC 2617 3.5", rfc2617, "6629fae49393a05397450978507c4ef1"},
		{"RFC 7616 MD5", with(rfc7616, func(in *digestInput) { in.Algorithm = "MD5" }), "8ca523f5e9506fed4657c9700eebdbec"},
		{"RFC 7616 SHA-256", with(rfc7616, func(in *digestInput) { in.Algorithm = "SHA-256" }), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
		{"lower-case sha-256", with(rfc7616, func(in *digestInput) { in.Algorithm = "sha-256" }), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
		{"no qop", with(rfc2617, func(in *digestInput) { in.QOP, in.CNonce, in.NC = "", "", 0 }), "670fd8c2df070c60b045671b8b24ff02"},
		{"SHA-256-sess", digestInput{Algorithm: "SHA-256-sess", Username: "alice", Realm: "sip.example.org", Password: "s3cret",
			Nonce: "abc123", CNonce: "0a4f113b", NC: 2, QOP: "auth", Method: "REGISTER", URI: "sip:sip.example.org"},
			"e181adc965d0d019176a463049f431b3df06a1fcfc410bfae616da7206650d7d"},
	}
	for _, tc := range cases {
		got, err := digestResponse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := digestResponse(with(rfc7616, func(in *digestInput) { in.Algorithm = "SHA-512" })); !errors.Is(err, ErrAuthUnsupported) {
		t.Errorf("SHA-512: err %v, want ErrAuthUnsupported", err)
	}
	if _, err := digestResponse(with(rfc7616, func(in *digestInput) { in.QOP = "auth-int" })); !errors.Is(err, ErrAuthUnsupported) {
		t.Errorf("auth-int: err %v, want ErrAuthUnsupported", err)
	}
}

func TestAuthParams(t *testing.T) {
	scheme, ps, err := authParams(`Digest realm="a \"b\", c", nonce=xyz ,qop="auth,auth-int", ALGORITHM=SHA-256,stale=TRUE`)
	if err != nil || scheme != "Digest" {
		t.Fatalf("got %q, %v", scheme, err)
	}
	want := map[string]string{"realm": `a "b", c`, "nonce": "xyz", "qop": "auth,auth-int", "algorithm": "SHA-256", "stale": "TRUE"}
	for k, v := range want {
		if ps[k] != v {
			t.Errorf("%s = %q, want %q", k, ps[k], v)
		}
	}
	for _, bad := range []string{"", "Digest", `Digest realm="open`, `Digest realm`, `Digest realm="a"b`} {
		if _, _, err := authParams(bad); err == nil && bad != "Digest" {
			t.Errorf("%q: no error", bad)
		}
	}
}

// challengeResponse is a 401/407 carrying the given challenges.
func challengeResponse(code int, chs ...string) *sip.Response {
	req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "example.org"})
	res := sip.NewResponseFromRequest(req, code, "Unauthorized", nil)
	name := "WWW-Authenticate"
	if code == 407 {
		name = "Proxy-Authenticate"
	}
	for _, c := range chs {
		res.AppendHeader(sip.NewHeader(name, c))
	}
	return res
}

func TestAuthorizerPicksStrongestAndDetectsWrongPassword(t *testing.T) {
	a := &authorizer{cred: Credentials{User: "door", Password: "pw"}}
	res := challengeResponse(401, `Digest realm="r", nonce="n1", algorithm=MD5, qop="auth"`,
		`Digest realm="r", nonce="n1", algorithm=SHA-256, qop="auth-int,auth"`)
	if err := a.challenged(res); err != nil {
		t.Fatal(err)
	}
	req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "example.org"})
	if err := a.apply(req); err != nil {
		t.Fatal(err)
	}
	h := req.GetHeader("Authorization")
	if h == nil || !strings.Contains(h.Value(), "algorithm=SHA-256") || !strings.Contains(h.Value(), "qop=auth, nc=00000001") {
		t.Fatalf("Authorization = %v", h)
	}
	// Our own guard accepts it: the client and server halves agree.
	g := newGuard(Credentials{User: "door", Password: "pw"}, "r")
	_, ps, _ := authParams(h.Value())
	ps["nonce"] = g.nonce()
	ch := challenge{header: "Authorization", realm: "r", nonce: ps["nonce"], algorithm: "SHA-256", qop: "auth"}
	v, _ := authorization(ch, Credentials{User: "door", Password: "pw"}, "INVITE", "sip:x@y", "c1")
	inv := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: "x", Host: "y"})
	inv.AppendHeader(sip.NewHeader("Authorization", v))
	if r := g.check(inv); r != authOK {
		t.Errorf("guard check = %d, want authOK", r)
	}
	// A stale challenge is answered again; a fresh one means wrong credentials.
	if err := a.challenged(challengeResponse(401, `Digest realm="r", nonce="n2", algorithm=SHA-256, stale=true`)); err != nil {
		t.Fatalf("stale: %v", err)
	}
	if err := a.challenged(challengeResponse(401, `Digest realm="r", nonce="n3", algorithm=SHA-256`)); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("second challenge: %v, want ErrAuthFailed", err)
	}
}

func TestAuthorizerProxyAndUnsupported(t *testing.T) {
	a := &authorizer{cred: Credentials{User: "door", Password: "pw"}}
	if err := a.challenged(challengeResponse(407, `Digest realm="p", nonce="n", algorithm=MD5`)); err != nil {
		t.Fatal(err)
	}
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "example.org"})
	if err := a.apply(req); err != nil || req.GetHeader("Proxy-Authorization") == nil || req.GetHeader("Authorization") != nil {
		t.Fatalf("apply: %v %v", err, req)
	}
	b := &authorizer{cred: Credentials{User: "door", Password: "pw"}}
	if err := b.challenged(challengeResponse(401, `Digest realm="r", nonce="n", algorithm=SHA-512-256`)); !errors.Is(err, ErrAuthUnsupported) {
		t.Errorf("SHA-512-256: %v", err)
	}
	if err := (&authorizer{}).challenged(challengeResponse(401, `Digest realm="r", nonce="n"`)); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("no credentials: %v", err)
	}
}

func TestGuardNonces(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	g := newGuard(Credentials{User: "u", Password: "p"}, "skoip")
	g.now = func() time.Time { return now }
	n := g.nonce()
	if ours, fresh := g.nonceState(n); !ours || !fresh {
		t.Fatalf("fresh nonce: %v %v", ours, fresh)
	}
	now = now.Add(nonceLifetime + time.Second)
	if ours, fresh := g.nonceState(n); !ours || fresh {
		t.Fatalf("old nonce: %v %v", ours, fresh)
	}
	if ours, _ := g.nonceState(n[:len(n)-2] + "AA"); ours {
		t.Fatal("forged nonce accepted")
	}
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", Host: "h"})
	v, _ := authorization(challenge{header: "Authorization", realm: "skoip", nonce: n, qop: "auth"}, Credentials{User: "u", Password: "p"}, "INVITE", "sip:h", "c")
	req.AppendHeader(sip.NewHeader("Authorization", v))
	if r := g.check(req); r != authStale {
		t.Errorf("old nonce, right password: %d, want authStale", r)
	}
	now = now.Add(-nonceLifetime)
	v, _ = authorization(challenge{header: "Authorization", realm: "skoip", nonce: n, qop: "auth"}, Credentials{User: "u", Password: "bad"}, "INVITE", "sip:h", "c")
	req.RemoveHeader("Authorization")
	req.AppendHeader(sip.NewHeader("Authorization", v))
	if r := g.check(req); r != authWrong {
		t.Errorf("wrong password: %d, want authWrong", r)
	}
}
