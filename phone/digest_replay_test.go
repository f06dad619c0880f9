package phone_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone"
)

// The replay tests: a direct caller's Authorization answers our nonce once
// per nonce count, whatever else the request says.

var replayCred = phone.Credentials{User: "door", Password: "open sesame"}

// sha256Hex is the hex SHA-256 of parts joined by colons.
func sha256Hex(parts ...string) string {
	s := sha256.Sum256([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(s[:])
}

// digestAuthz is an Authorization value (SHA-256) answering nonce for an
// INVITE to uri; nc 0 means no qop (an RFC 2069 answer: no nc, no cnonce).
func digestAuthz(cred phone.Credentials, realm, nonce, uri string, nc uint32, cnonce string) string {
	ha1 := sha256Hex(cred.User, realm, cred.Password)
	ha2 := sha256Hex("INVITE", uri)
	v := fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=SHA-256`, cred.User, realm, nonce, uri)
	if nc == 0 {
		return v + fmt.Sprintf(`, response="%s"`, sha256Hex(ha1, nonce, ha2))
	}
	ncs := fmt.Sprintf("%08x", nc)
	return v + fmt.Sprintf(`, response="%s", qop=auth, nc=%s, cnonce="%s"`, sha256Hex(ha1, nonce, ncs, cnonce, "auth", ha2), ncs, cnonce)
}

// authParam is the value of a parameter of a WWW-Authenticate header.
func authParam(h, name string) string {
	i := strings.Index(h, name+"=")
	if i < 0 {
		return ""
	}
	v := h[i+len(name)+1:]
	if strings.HasPrefix(v, `"`) {
		return v[1 : 1+strings.IndexByte(v[1:], '"')]
	}
	if j := strings.IndexAny(v, ", "); j >= 0 {
		return v[:j]
	}
	return v
}

// replayRig is a phone with DirectAuth (no auto-answer) and a caller.
type replayRig struct {
	t      *testing.T
	tp     *testPhone
	caller *peer
	realm  string
}

func newReplayRig(t *testing.T) *replayRig {
	tp := startPhone(t, phone.Config{DirectAuth: replayCred, DeviceName: "door-realm"})
	return &replayRig{t: t, tp: tp, caller: newPeer(t, tp.Addr()), realm: "door-realm"}
}

// uri is the Request-URI of the peer's INVITEs (the digest's uri).
func (r *replayRig) uri(p *peer) string { return "sip:door@" + p.to.String() }

// nonce sends an INVITE without credentials from p and returns the nonce
// of the 401's (first, SHA-256) challenge; the 401 is ACKed.
func (r *replayRig) nonce(p *peer) string {
	r.t.Helper()
	d := newDialog("challenge")
	p.invite(d, offerSDP)
	res := p.final(sip.INVITE)
	if res.StatusCode != 401 {
		r.t.Fatalf("INVITE without credentials: %d, want 401", res.StatusCode)
	}
	p.ack(d, res)
	h := res.GetHeader("WWW-Authenticate")
	if h == nil || !strings.Contains(h.Value(), "SHA-256") {
		r.t.Fatalf("401 without a SHA-256 challenge: %v", res)
	}
	return authParam(h.Value(), "nonce")
}

// invite is an INVITE of d from p with the Authorization value authz, on
// a new branch (d.branch is set to it).
func (r *replayRig) invite(p *peer, d *dialog, authz string) string {
	d.branch = sip.GenerateBranch()
	return p.req(d, "INVITE", d.branch, d.cseq, "application/sdp", offerSDP, "Authorization: "+authz)
}

// answer is the first response to an INVITE from p other than 100.
func answer(t *testing.T, p *peer) *sip.Response {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m := <-p.msgs:
			if res, ok := m.(*sip.Response); ok && res.StatusCode > 100 && res.CSeq() != nil && res.CSeq().MethodName == sip.INVITE {
				return res
			}
		case <-timeout:
			t.Fatal("no answer to the INVITE")
		}
	}
}

// rings sends msg (an INVITE of d) from p and wants the phone to ring;
// it then CANCELs the call and waits for its end.
func (r *replayRig) rings(p *peer, d *dialog, msg, what string) {
	r.t.Helper()
	p.send(msg)
	if res := answer(r.t, p); res.StatusCode != 180 {
		r.t.Fatalf("%s: %d %s, want 180 (the phone rings)", what, res.StatusCode, res.Reason)
	}
	r.tp.waitEvent(r.t, what+": incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	p.send(p.req(d, "CANCEL", d.branch, d.cseq, "", ""))
	p.response(200, sip.CANCEL)
	res := p.response(487, sip.INVITE)
	ack := *d
	p.ack(&ack, res)
	r.tp.waitEnded(r.t)
	deadline := time.Now().Add(wait)
	for r.tp.Status().State != phone.StateIdle && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// refused sends msg from p and wants a 401 with a fresh nonce and stale
// as given, the phone staying idle. It returns the 401.
func (r *replayRig) refused(p *peer, d *dialog, msg string, stale bool, what string) *sip.Response {
	r.t.Helper()
	p.send(msg)
	res := answer(r.t, p)
	if res.StatusCode != 401 {
		r.t.Fatalf("%s: %d %s, want 401", what, res.StatusCode, res.Reason)
	}
	ack := *d
	p.ack(&ack, res)
	for _, h := range res.GetHeaders("WWW-Authenticate") {
		if got := strings.Contains(h.Value(), "stale=true"); got != stale {
			r.t.Errorf("%s: challenge %q, want stale=%v", what, h.Value(), stale)
		}
	}
	r.noRing(what)
	return res
}

// noRing fails if the phone left idle or announced a call.
func (r *replayRig) noRing(what string) {
	r.t.Helper()
	if st := r.tp.Status().State; st != phone.StateIdle {
		r.t.Fatalf("%s: phone %s, want idle", what, st)
	}
	for {
		select {
		case ev := <-r.tp.events:
			if ev.Kind == phone.EventIncoming || ev.Kind == phone.EventState && ev.State == phone.StateIncoming {
				r.t.Fatalf("%s: the phone rang: %+v", what, ev)
			}
		default:
			return
		}
	}
}

// An INVITE with the right credentials rings once. The same bytes sent
// again from another port (its own Via, so a new transaction), or the same
// credentials under a new Call-ID, get a 401 with stale=true and do not
// ring: the Authorization does not bind the Call-ID, the used nonce does.
func TestDigestReplayRefused(t *testing.T) {
	t.Parallel()
	r := newReplayRig(t)
	a := r.caller
	nonce := r.nonce(a)
	d := newDialog("first")
	d.cseq = 2
	msg := r.invite(a, d, digestAuthz(replayCred, r.realm, nonce, r.uri(a), 1, "c1"))
	r.rings(a, d, msg, "first INVITE")

	b := newPeer(t, r.tp.Addr())
	replay := strings.Replace(msg, "Via: SIP/2.0/UDP "+a.addr(), "Via: SIP/2.0/UDP "+b.addr(), 1)
	if replay == msg {
		t.Fatal("Via not rewritten")
	}
	r.refused(b, d, replay, true, "byte-for-byte replay from another port")

	d2 := *d
	d2.callID = "replayed-" + sip.GenerateTagN(10)
	newCallID := strings.Replace(msg, "Call-ID: "+d.callID, "Call-ID: "+d2.callID, 1)
	d2.branch = sip.GenerateBranch()
	newCallID = strings.Replace(newCallID, d.branch, d2.branch, 1)
	r.refused(a, &d2, newCallID, true, "same credentials, new Call-ID")

	// A fresh nonce still works for the rightful caller.
	d3 := newDialog("again")
	r.rings(a, d3, r.invite(a, d3, digestAuthz(replayCred, r.realm, r.nonce(a), r.uri(a), 1, "c2")), "fresh nonce")
}

// One nonce may answer several requests with rising nonce counts (each
// with its own cnonce); a count that repeats or goes back is a replay. A
// refused count uses nothing up.
func TestDigestNonceCount(t *testing.T) {
	t.Parallel()
	r := newReplayRig(t)
	a := r.caller
	nonce := r.nonce(a)
	try := func(nc uint32, cnonce string, ok bool, what string) {
		t.Helper()
		d := newDialog("nc")
		msg := r.invite(a, d, digestAuthz(replayCred, r.realm, nonce, r.uri(a), nc, cnonce))
		if ok {
			r.rings(a, d, msg, what)
		} else {
			r.refused(a, d, msg, true, what)
		}
	}
	try(1, "c1", true, "nc=00000001")
	try(2, "c2", true, "nc=00000002, new cnonce")
	try(2, "c3", false, "nc=00000002 again, new cnonce")
	try(1, "c4", false, "nc=00000001, going back")
	try(5, "c5", true, "nc=00000005 (counts may skip)")
	try(4, "c6", false, "nc=00000004 after 5")
}

// An answer without qop (RFC 2069: no nc, no cnonce) is taken once.
func TestDigestNoQOPOnce(t *testing.T) {
	t.Parallel()
	r := newReplayRig(t)
	a := r.caller
	nonce := r.nonce(a)
	authz := digestAuthz(replayCred, r.realm, nonce, r.uri(a), 0, "")
	if strings.Contains(authz, "qop") || strings.Contains(authz, "nc=") {
		t.Fatalf("not an RFC 2069 answer: %s", authz)
	}
	d := newDialog("noqop")
	r.rings(a, d, r.invite(a, d, authz), "first answer without qop")
	d2 := newDialog("noqop-again")
	r.refused(a, d2, r.invite(a, d2, authz), true, "second answer without qop")
	// Nor can the used-up nonce be answered with qop afterwards.
	d3 := newDialog("noqop-then-qop")
	r.refused(a, d3, r.invite(a, d3, digestAuthz(replayCred, r.realm, nonce, r.uri(a), 7, "c7")), true, "qop after no qop")
}

// A wrong password and an unknown user get the same answer: 401, the same
// headers, a fresh challenge without stale; the phone does not ring.
func TestDigestWrongPasswordLikeUnknownUser(t *testing.T) {
	t.Parallel()
	r := newReplayRig(t)
	a := r.caller
	names := func(res *sip.Response) []string {
		var out []string
		for _, h := range res.Headers() {
			out = append(out, strings.ToLower(h.Name()))
		}
		return out
	}
	var replies []*sip.Response
	for _, c := range []struct {
		what string
		cred phone.Credentials
	}{
		{"wrong password", phone.Credentials{User: replayCred.User, Password: "guess"}},
		{"unknown user", phone.Credentials{User: "mallory", Password: replayCred.Password}},
		{"unknown user, wrong password", phone.Credentials{User: "x", Password: "guess"}},
	} {
		nonce := r.nonce(a)
		d := newDialog("wrong")
		res := r.refused(a, d, r.invite(a, d, digestAuthz(c.cred, r.realm, nonce, r.uri(a), 1, "c1")), false, c.what)
		if n := authParam(res.GetHeader("WWW-Authenticate").Value(), "nonce"); n == nonce || n == "" {
			t.Errorf("%s: challenge nonce %q, want a fresh one", c.what, n)
		}
		replies = append(replies, res)
	}
	for i, res := range replies[1:] {
		if res.StatusCode != replies[0].StatusCode || res.Reason != replies[0].Reason {
			t.Errorf("reply %d: %d %s, wrong password got %d %s", i+1, res.StatusCode, res.Reason, replies[0].StatusCode, replies[0].Reason)
		}
		if got, want := names(res), names(replies[0]); !slices.Equal(got, want) {
			t.Errorf("reply %d headers %v, wrong password got %v", i+1, got, want)
		}
		strip := func(r *sip.Response) []string {
			var out []string
			for _, h := range r.GetHeaders("WWW-Authenticate") {
				out = append(out, strings.Replace(h.Value(), authParam(h.Value(), "nonce"), "N", 1))
			}
			return out
		}
		if got, want := strip(res), strip(replies[0]); !slices.Equal(got, want) {
			t.Errorf("reply %d challenges %q, wrong password got %q", i+1, got, want)
		}
	}
}
