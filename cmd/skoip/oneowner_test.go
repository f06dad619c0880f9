package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/phone"
)

// TestOneOwnerUnderLoad hammers the intercom from every side at once: many
// concurrent control commands, button presses, timer expiries (the fake
// clock), phone events, dial outcomes and device faults. Run under -race,
// it fails on any access to the loop's state from another goroutine; goleak
// then checks that nothing the intercom or the socket started outlives
// their shutdown.
func TestOneOwnerUnderLoad(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	stop := make(chan struct{})
	var drains sync.WaitGroup
	t.Run("hammer", func(t *testing.T) {
		r := newRig(t, false)
		path, health := r.path, &r.app.health
		// The fakes' channels that a test would read: drained until the
		// intercom has stopped (after this subtest's cleanups).
		drains.Add(2)
		go func() {
			defer drains.Done()
			for {
				select {
				case <-r.pl.Plays:
				case <-stop:
					return
				}
			}
		}()
		go func() {
			defer drains.Done()
			for {
				select {
				case <-r.ph.HungUp:
				case <-stop:
					return
				}
			}
		}()
		wav := wavFile(t, filepath.Join(t.TempDir(), "msg.wav"), 1, 8000, 16, 2, 1600, 44+1600)
		commands := []string{"status", "call", "call 10.0.0.3", "hangup", "answer", "open", "dtmf 5",
			"press call", "press toggle", "press open", "press answer", "press bell", "release call",
			"play " + wav, "mute", "unmute", "status"}
		const n = 40
		var wg sync.WaitGroup
		work := func(f func(k int)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < n; k++ {
					f(k)
				}
			}()
		}
		for w := 0; w < 8; w++ {
			work(func(k int) {
				line := commands[(w*7+k)%len(commands)]
				ctx, cancel := context.WithTimeout(context.Background(), guard)
				defer cancel()
				reply, err := control.Request(ctx, path, line)
				if err != nil {
					t.Errorf("%s: %v", line, err)
					return
				}
				if !json.Valid([]byte(reply)) {
					t.Errorf("%s: reply %q is not JSON", line, reply)
				}
			})
		}
		buttons := []string{"call", "answer", "open", "toggle"}
		work(func(k int) { r.buttons.Press(buttons[k%len(buttons)]) })
		work(func(k int) { r.clock.Advance(time.Duration(k%7+1) * 10 * time.Second) })
		states := []phone.State{phone.StateIncoming, phone.StateConnected, phone.StateIdle}
		work(func(k int) {
			r.ph.Set(states[k%len(states)])
			r.ph.Emit(phone.Event{Kind: phone.EventIncoming, Peer: "sip:door@10.0.0.1"})
			r.digits("1234")
			r.ph.Emit(phone.Event{Kind: phone.EventRegistration, Registered: k%2 == 0, Reason: "408"})
		})
		work(func(k int) {
			var err error
			if k%3 != 0 {
				err = phone.ErrBusy
			}
			select {
			case r.ph.Outcome <- err:
			default:
			}
		})
		for f := 0; f < 2; f++ {
			work(func(k int) {
				var err error
				if k%2 == 0 {
					err = fmt.Errorf("device stopped (%d)", k)
				}
				health.report(err)
			})
		}
		wg.Wait()
		// The loop still answers, with the state it owns.
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		reply, err := control.Request(ctx, path, "status")
		if err != nil {
			t.Fatal(err)
		}
		var st status
		if err := json.Unmarshal([]byte(reply), &st); err != nil || st.Faults == nil {
			t.Fatalf("status after the load: %s (%v)", reply, err)
		}
	})
	close(stop)
	drains.Wait()
	goleak.VerifyNone(t, leaks)
}
