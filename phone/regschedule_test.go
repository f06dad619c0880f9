package phone

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func half() float64 { return 0.5 } // jitter factor exactly 1

func TestRefreshIn(t *testing.T) {
	p := defaultRegPolicy()
	for granted, want := range map[time.Duration]time.Duration{
		10 * time.Minute: 5 * time.Minute,
		time.Hour:        30 * time.Minute,
		60 * time.Second: 30 * time.Second,
		4 * time.Second:  2 * time.Second,
		time.Second:      time.Second, // MinGap
	} {
		if got := p.refreshIn(granted); got != want {
			t.Errorf("refreshIn(%v) = %v, want %v", granted, got, want)
		}
	}
}

func TestRetryInBackoff(t *testing.T) {
	p := defaultRegPolicy()
	var got []time.Duration
	for n := 1; n <= 10; n++ {
		got = append(got, p.retryIn(failNetwork, n, 0, half))
	}
	want := []time.Duration{2, 4, 8, 16, 32, 64, 128, 256, 300, 300}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Errorf("network failure %d: %v, want %v", i+1, got[i], want[i]*time.Second)
		}
	}
	auth := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, w := range auth {
		if d := p.retryIn(failAuth, i+1, 0, half); d != w*time.Minute {
			t.Errorf("auth failure %d: %v, want %v", i+1, d, w*time.Minute)
		}
	}
	// Jitter stays within ±20 %; Retry-After is a lower bound, capped.
	if lo, hi := p.retryIn(failNetwork, 3, 0, func() float64 { return 0 }), p.retryIn(failNetwork, 3, 0, func() float64 { return 0.999999 }); lo != 6400*time.Millisecond || hi < 9599*time.Millisecond || hi > 9600*time.Millisecond {
		t.Errorf("jitter range [%v, %v], want [6.4s, 9.6s]", lo, hi)
	}
	if d := p.retryIn(failNetwork, 1, 90*time.Second, half); d != 90*time.Second {
		t.Errorf("Retry-After 90s: %v", d)
	}
	if d := p.retryIn(failNetwork, 1, 24*time.Hour, half); d != 5*time.Minute {
		t.Errorf("Retry-After 24h: %v, want the 5m cap", d)
	}
	if d := p.retryIn(failOther, 20, 0, half); d != 30*time.Minute {
		t.Errorf("other failure 20: %v", d)
	}
}

// scripted is a fake registrar: each attempt takes the next outcome and
// records when it was made (synctest's fake clock).
type scripted struct {
	start    time.Time
	outcomes []regOutcome
	at       []time.Duration
	expires  []time.Duration
}

func (s *scripted) attempt(ctx context.Context, exp time.Duration) regOutcome {
	s.at = append(s.at, time.Since(s.start))
	s.expires = append(s.expires, exp)
	if len(s.outcomes) == 0 {
		<-ctx.Done()
		return regOutcome{kind: failNetwork, err: ctx.Err()}
	}
	out := s.outcomes[0]
	s.outcomes = s.outcomes[1:]
	return out
}

func ok(granted time.Duration) regOutcome { return regOutcome{granted: granted, code: 200} }

func TestRegLoopSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wrong := regOutcome{kind: failAuth, code: 401, err: errors.New("wrong password")}
		down := regOutcome{kind: failNetwork, err: errors.New("timeout")}
		s := &scripted{start: time.Now(), outcomes: []regOutcome{
			ok(60 * time.Second), // asked 10m, granted 60s: refresh at 30s
			ok(60 * time.Second), // 60s
			down, down, down,     // 60 + 2, 4, 8
			ok(600 * time.Second), // 74: back, refresh in 300
			wrong, wrong, wrong,   // 374, then 60 s, 120 s, 240 s later
		}}
		var states []Registration
		l := &regLoop{policy: defaultRegPolicy(), expires: 10 * time.Minute, attempt: s.attempt,
			report: func(r Registration) { states = append(states, r) }, rnd: half}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); l.run(ctx) }()
		time.Sleep(2 * time.Hour) // fake time: the bubble advances it
		synctest.Wait()
		cancel()
		<-done
		want := []time.Duration{0, 30, 60, 62, 66, 74, 374, 434, 554, 794}
		if len(s.at) != len(want) {
			t.Fatalf("attempts at %v, want %v s", s.at, want)
		}
		for i, w := range want {
			if s.at[i] != w*time.Second {
				t.Errorf("attempt %d at %v, want %v", i, s.at[i], w*time.Second)
			}
			if s.expires[i] != 10*time.Minute {
				t.Errorf("attempt %d asked %v", i, s.expires[i])
			}
		}
		if !states[0].Registered || states[0].Expires.Sub(s.start) != time.Minute {
			t.Errorf("first state %+v", states[0])
		}
		if st := states[3]; st.Registered || st.Failures != 2 || st.Reason != "timeout" {
			t.Errorf("after 2 failures: %+v", st)
		}
		if st := states[8]; st.Registered || st.Failures != 3 || st.Code != 401 {
			t.Errorf("after 3 refusals: %+v", st)
		}
	})
}

// A refresh that hangs (registrar gone) ends when the binding expires:
// the state turns unregistered then, not when the transaction gives up.
func TestRegLoopBindingExpiresDuringRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{start: time.Now(), outcomes: []regOutcome{ok(4 * time.Second)}}
		got := make(chan Registration, 8)
		l := &regLoop{policy: defaultRegPolicy(), expires: time.Minute, attempt: s.attempt,
			report: func(r Registration) { got <- r }, rnd: half}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go l.run(ctx)
		if r := <-got; !r.Registered {
			t.Fatalf("first: %+v", r)
		}
		r := <-got
		if r.Registered || time.Since(s.start) != 4*time.Second {
			t.Errorf("at %v: %+v; want unregistered at 4s", time.Since(s.start), r)
		}
		cancel()
	})
}
