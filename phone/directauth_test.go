package phone_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/skoip/skoip/phone"
)

// With DirectAuth, direct callers must authenticate: without credentials,
// or with wrong ones, they get 401 and the phone never rings; with the
// shared credentials the call goes through.
func TestDirectAuth(t *testing.T) {
	t.Parallel()
	shared := phone.Credentials{User: "door", Password: "open sesame"}
	callee := startPhone(t, phone.Config{DirectAuth: shared, AutoAnswer: true})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()

	for _, tc := range []struct {
		name string
		cred phone.Credentials
	}{{"no credentials", phone.Credentials{}}, {"wrong password", phone.Credentials{User: "door", Password: "guess"}}} {
		caller := startPhone(t, phone.Config{Listen: "127.0.0.2:0", DirectAuth: tc.cred})
		err := caller.Dial(ctx, callee.Addr().String())
		var ce *phone.CallError
		if !errors.As(err, &ce) || ce.Code != 401 || !errors.Is(err, phone.ErrAuthFailed) {
			t.Errorf("%s: %v, want 401 ErrAuthFailed", tc.name, err)
		}
		if n := strings.Count(caller.logs.String(), `SIP Sent =====\nINVITE sip:`); tc.cred.User != "" && n != 2 {
			t.Errorf("%s: %d INVITEs sent, want 2 (one answer to the challenge, no more)", tc.name, n)
		}
	}
	select {
	case ev := <-callee.events:
		if ev.Kind == phone.EventIncoming || ev.Kind == phone.EventState {
			t.Fatalf("the phone rang for an unauthenticated caller: %+v", ev)
		}
	default:
	}
	good := startPhone(t, phone.Config{Listen: "127.0.0.2:0", DirectAuth: shared})
	if err := good.Dial(ctx, callee.Addr().String()); err != nil {
		t.Fatalf("authenticated call: %v", err)
	}
	callee.waitState(t, phone.StateConnected)
	if err := good.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	callee.waitEnded(t)
}
