package phone_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/phone"
)

// waitRegistered waits for an EventRegistration with the given state.
func (tp *testPhone) waitRegistered(t testing.TB, want bool) phone.Event {
	t.Helper()
	return tp.waitEvent(t, fmt.Sprintf("registered=%v", want), func(ev phone.Event) bool {
		return ev.Kind == phone.EventRegistration && ev.Registered == want
	})
}

func accountPhone(t testing.TB, listen string, k *kamailio, user, pw string) phone.Config {
	return phone.Config{Listen: listen + ":0", Account: phone.Account{Registrar: k.registrar(), Username: user, Password: pw}}
}

// Two phones register (SHA-256 digest) and call by name through the
// proxy; the INVITE is challenged (407) and answered; direct callers are
// refused; shutdown un-REGISTERs.
func TestKamailioCallThroughProxy(t *testing.T) {
	t.Parallel()
	k := startKamailio(t, "SHA-256", 600, kamUser{"door-a", "secret-a"}, kamUser{"flat-b", "secret-b"})
	defer k.dumpLogs()
	a := startPhoneWith(t, accountPhone(t, "127.0.0.1", k, "door-a", "secret-a"), newRealMedia(t, 440))
	b := startPhoneWith(t, accountPhone(t, "127.0.0.1", k, "flat-b", "secret-b"), newRealMedia(t, 697))
	a.waitRegistered(t, true)
	b.waitRegistered(t, true)
	if r := a.Registered(); r == nil || !*r {
		t.Fatalf("Registered() = %v", r)
	}
	if reg := a.Registration(); time.Until(reg.Expires) < 9*time.Minute || time.Until(reg.NextTry) > 5*time.Minute {
		t.Errorf("registration %+v: want ~10m granted, refresh at half", reg)
	}

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	dialed := make(chan error, 1)
	go func() { dialed <- a.Dial(ctx, "flat-b") }()
	in := b.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	if !strings.Contains(in.Peer, "door-a@127.0.0.1") {
		t.Errorf("caller seen as %q, want our AOR", in.Peer)
	}
	if err := b.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-dialed; err != nil {
		t.Fatalf("Dial through proxy: %v", err)
	}
	if invites := k.requests("INVITE", "door-a"); len(invites) != 2 {
		t.Errorf("INVITEs at the proxy: %d, want 2 (challenged, then authenticated)", len(invites))
	}
	waitRTP(t, a, 25) // half a second of audio each way, on the real engine
	if st := waitRTP(t, b, 25); st.Codec != "PCMU" {
		t.Errorf("codec %q", st.Codec)
	}
	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t) // the BYE followed the Record-Route through the proxy
	if byes := k.requests("BYE", "door-a"); len(byes) != 1 {
		t.Errorf("BYEs through the proxy: %d, want 1", len(byes))
	}

	// A direct caller (not the proxy, and Allow is empty) is refused.
	c := startPhone(t, phone.Config{Listen: "127.0.0.3:0"})
	var ce *phone.CallError
	if err := c.Dial(ctx, b.Addr().String()); !errors.As(err, &ce) || ce.Code != 403 {
		t.Errorf("direct call to a registered phone: %v, want 403", err)
	}

	a.stop()
	regs := k.requests("REGISTER", "door-a")
	if len(regs) < 4 || !strings.Contains(regs[len(regs)-1], "exp=0") {
		t.Errorf("no un-REGISTER at shutdown: %q", regs)
	}
}

// A wrong password is reported clearly and does not flood the registrar.
func TestKamailioWrongPassword(t *testing.T) {
	t.Parallel()
	k := startKamailio(t, "MD5", 600, kamUser{"door-a", "secret-a"})
	defer k.dumpLogs()
	a := startPhone(t, accountPhone(t, "127.0.0.1", k, "door-a", "not-the-password"))
	ev := a.waitRegistered(t, false)
	if !strings.Contains(ev.Reason, "wrong username or password") || ev.Code != 401 {
		t.Errorf("reason %q code %d: want a clear wrong-password report", ev.Reason, ev.Code)
	}
	if next := time.Until(a.Registration().NextTry); next < 45*time.Second {
		t.Errorf("next try in %v: want a minute's backoff", next)
	}
	// Observe the server for a while: nothing more than the two REGISTERs.
	window := time.NewTimer(2 * time.Second)
	<-window.C
	if n := len(k.requests("REGISTER", "door-a")); n != 2 {
		t.Errorf("REGISTERs over the window: %d, want 2", n)
	}
	if !strings.Contains(a.logs.String(), "wrong username or password") {
		t.Error("wrong password not logged")
	}
}

// Registration survives a Kamailio restart (the registrar forgets every
// binding); while it is down, the call falls back to the peer by IP.
func TestKamailioRestartAndFallback(t *testing.T) {
	t.Parallel()
	k := startKamailio(t, "SHA-256", 4, kamUser{"door-a", "secret-a"}, kamUser{"flat-b", "secret-b"})
	defer k.dumpLogs()
	b := startPhone(t, phone.Config{Listen: "127.0.0.1:0", Allow: []string{"127.0.0.2"},
		Account: phone.Account{Registrar: k.registrar(), Username: "flat-b", Password: "secret-b"}})
	acfg := accountPhone(t, "127.0.0.2", k, "door-a", "secret-a")
	acfg.Fallback = b.Addr().String()
	a := startPhone(t, acfg)
	a.waitRegistered(t, true)
	b.waitRegistered(t, true)
	if reg := a.Registration(); time.Until(reg.Expires) > 4*time.Second {
		t.Errorf("granted %v: want the registrar's 4s", time.Until(reg.Expires))
	}

	k.stop()
	a.waitRegistered(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	dialed := make(chan error, 1)
	go func() { dialed <- a.Dial(ctx, "flat-b") }()
	b.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	if err := b.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-dialed; err != nil {
		t.Fatalf("fallback call: %v", err)
	}
	if st := a.Status(); !strings.Contains(st.Peer, b.Addr().String()) {
		t.Errorf("fallback call went to %q", st.Peer)
	}
	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t)

	k.restart()
	a.waitRegistered(t, true)
	if r := b.Registered(); r == nil || !*r {
		b.waitRegistered(t, true)
	}
	go func() { dialed <- a.Dial(ctx, "flat-b") }()
	b.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	if err := b.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-dialed; err != nil {
		t.Fatalf("call through the restarted proxy: %v", err)
	}
	if st := a.Status(); !strings.Contains(st.Peer, "flat-b@127.0.0.1") {
		t.Errorf("call after restart went to %q, want through the proxy", st.Peer)
	}
}
