package phone

import (
	"encoding/base64"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// replayGuard is a guard on a clock the test moves.
func replayGuard() (*guard, *time.Time) {
	now := time.Unix(1_700_000_000, 0)
	g := newGuard(Credentials{User: "door", Password: "pw"}, "skoip")
	g.now = func() time.Time { return now }
	return g, &now
}

// authInvite is an INVITE answering nonce with nc (0: without qop).
func authInvite(t testing.TB, nonce string, nc uint32, password string) *sip.Request {
	t.Helper()
	in := digestInput{Algorithm: "SHA-256", Username: "door", Realm: "skoip", Password: password,
		Nonce: nonce, Method: "INVITE", URI: "sip:door@h"}
	if nc > 0 {
		in.QOP, in.NC, in.CNonce = "auth", nc, fmt.Sprintf("c%d", nc)
	}
	resp, err := digestResponse(in)
	if err != nil {
		t.Fatal(err)
	}
	v := fmt.Sprintf(`Digest username="door", realm="skoip", nonce=%q, uri="sip:door@h", response=%q, algorithm=SHA-256`, nonce, resp)
	if nc > 0 {
		v += fmt.Sprintf(", qop=auth, nc=%08x, cnonce=%q", nc, in.CNonce)
	}
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: "door", Host: "h"})
	req.AppendHeader(sip.NewHeader("Authorization", v))
	return req
}

// 5000 callers with the password, each using a fresh nonce once, keep the
// table of used nonces at maxUsedNonces; no nonce that left it can be
// used again, nor an unused one issued before; a replay of any of them
// is refused as stale.
func TestGuardFloodBounded(t *testing.T) {
	g, _ := replayGuard()
	early := g.nonce() // issued, never used during the flood
	legit := g.nonce()
	if r := g.check(authInvite(t, legit, 1, "pw")); r != authOK {
		t.Fatalf("legitimate nc=1: %d", r)
	}
	const flood = 5000
	reqs := make([]*sip.Request, flood)
	for i := range reqs {
		reqs[i] = authInvite(t, g.nonce(), 1, "pw")
		if r := g.check(reqs[i]); r != authOK {
			t.Fatalf("flood %d: %d, want authOK", i, r)
		}
		if n := g.usedNonces(); n > maxUsedNonces {
			t.Fatalf("flood %d: %d used nonces kept, bound %d", i, n, maxUsedNonces)
		}
	}
	if n := g.usedNonces(); n != maxUsedNonces {
		t.Errorf("%d used nonces after the flood, want %d", n, maxUsedNonces)
	}
	for i, req := range reqs {
		if r := g.check(req); r != authStale {
			t.Fatalf("replay %d: %d, want authStale", i, r)
		}
	}
	for _, c := range []struct {
		what  string
		nonce string
		nc    uint32
	}{{"legit nc=1 replayed", legit, 1}, {"legit nc=2 after being pushed out", legit, 2},
		{"unused nonce issued before the flood", early, 1}, {"same, without qop", early, 0}} {
		if r := g.check(authInvite(t, c.nonce, c.nc, "pw")); r != authStale {
			t.Errorf("%s: %d, want authStale", c.what, r)
		}
	}
	if n := g.usedNonces(); n != maxUsedNonces {
		t.Errorf("%d used nonces after the replays, want %d", n, maxUsedNonces)
	}
}

// Callers without the password cannot fill the table: fresh nonces with
// wrong answers and forged nonces add nothing, and a legitimate caller's
// nonce stays usable (nc=2) and unreplayable.
func TestGuardFloodWithoutPassword(t *testing.T) {
	g, _ := replayGuard()
	legit := g.nonce()
	if r := g.check(authInvite(t, legit, 1, "pw")); r != authOK {
		t.Fatalf("legitimate nc=1: %d", r)
	}
	for i := 0; i < 5000; i++ {
		if r := g.check(authInvite(t, g.nonce(), 1, "guess")); r != authWrong {
			t.Fatalf("wrong password %d: %d, want authWrong", i, r)
		}
		b, _ := base64.RawURLEncoding.DecodeString(g.nonce())
		b[i%len(b)] ^= 1 << (i % 8) // a serial, time or MAC of our own, one bit off
		forged := base64.RawURLEncoding.EncodeToString(b)
		if r := g.check(authInvite(t, forged, 1, "pw")); r != authMissing {
			t.Fatalf("forged nonce %d (%s): %d, want authMissing", i, forged, r)
		}
	}
	if n := g.usedNonces(); n != 1 {
		t.Errorf("%d used nonces, want 1 (the legitimate one)", n)
	}
	if r := g.check(authInvite(t, legit, 1, "pw")); r != authStale {
		t.Errorf("legit nc=1 replayed: %d, want authStale", r)
	}
	if r := g.check(authInvite(t, legit, 2, "pw")); r != authOK {
		t.Errorf("legit nc=2: %d, want authOK", r)
	}
	if r := g.check(authInvite(t, legit, 2, "pw")); r != authStale {
		t.Errorf("legit nc=2 replayed: %d, want authStale", r)
	}
}

// Used nonces leave the table when they expire; they stay refused (stale,
// by age), and so does an unused nonce issued before them, even when the
// clock steps back.
func TestGuardUsedNoncesExpire(t *testing.T) {
	g, now := replayGuard()
	old := g.nonce()
	used := g.nonce()
	if r := g.check(authInvite(t, used, 1, "pw")); r != authOK {
		t.Fatalf("nc=1: %d", r)
	}
	*now = now.Add(nonceLifetime + time.Second)
	fresh := g.nonce()
	if r := g.check(authInvite(t, fresh, 1, "pw")); r != authOK {
		t.Fatalf("fresh nonce: %d", r)
	}
	if n := g.usedNonces(); n != 1 {
		t.Errorf("%d used nonces, want 1 (the expired one dropped)", n)
	}
	if r := g.check(authInvite(t, used, 2, "pw")); r != authStale {
		t.Errorf("expired nonce: %d, want authStale", r)
	}
	*now = now.Add(-nonceLifetime) // the clock steps back: the dropped nonces look fresh again
	for _, n := range []string{used, old} {
		if r := g.check(authInvite(t, n, 2, "pw")); r != authStale {
			t.Errorf("nonce dropped at expiry, clock stepped back: %d, want authStale", r)
		}
	}
}

// Nonces are unique, and the same request checked by many goroutines at
// once is taken by exactly one.
func TestGuardConcurrentReplay(t *testing.T) {
	g, _ := replayGuard()
	if a, b := g.nonce(), g.nonce(); a == b {
		t.Fatalf("two nonces in the same second are the same: %s", a)
	}
	for _, nc := range []uint32{0, 1} {
		req := authInvite(t, g.nonce(), nc, "pw")
		var ok atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if g.check(req) == authOK {
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 {
			t.Errorf("nc=%d: %d of 16 concurrent checks accepted, want 1", nc, ok.Load())
		}
	}
}
