package main

import (
	"context"
	"strings"
	"testing"

	"github.com/skoip/skoip/phone"
)

// ctlRig is a rig with the buttons on simulated lines, as `skoip run` has
// them on a PC.
func ctlRig(t *testing.T) (*rig, string) {
	t.Helper()
	r := newRig(t, true)
	return r, r.path
}

// ctl runs `skoip ctl` against path and returns its exit code and reply.
func ctl(t *testing.T, path string, args ...string) (int, string) {
	t.Helper()
	code, out, _ := runCLI(t, context.Background(), append([]string{"ctl", "--socket", path}, args...)...)
	return code, strings.TrimSpace(out)
}

// TestCtlReportsWhatFailsAtOnce: a call or press whose failure is known
// before anything is dialled is an error reply and exit 1, and nothing is
// dialled.
func TestCtlReportsWhatFailsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(r *rig)
		args  []string
		want  string
	}{
		{"call: not an IP", nil, []string{"call", "999.1.1.1"}, "bad target"},
		{"call: not a URI", nil, []string{"call", "sip:@10.0.0.3"}, "bad target"},
		{"call: bare number without an account", nil, []string{"call", "1002"}, "bad target"},
		{"call: transport not served", nil, []string{"call", "sip:door@10.0.0.3;transport=tcp"}, "is not served"},
		{"call: no target", func(r *rig) { r.cfg.Peer.Address = "" }, []string{"call"}, "no target"},
		{"call: in progress", func(r *rig) { r.ph.Set(phone.StateConnected) }, []string{"call", "10.0.0.3"}, "a call is in progress"},
		{"press: no such button", nil, []string{"press", "bell"}, `no button \"bell\"`},
		{"press: no target", func(r *rig) { r.cfg.Peer.Address = "" }, []string{"press", "call"}, "no target"},
		{"press: bad target", func(r *rig) { r.cfg.Buttons[0].Target = "10.0.0.300" }, []string{"press", "call"}, "bad target"},
		{"press: toggle with a bad target", func(r *rig) { r.cfg.Peer.Address = "sip:" }, []string{"press", "toggle"}, "bad target"},
		{"press: in progress", func(r *rig) { r.ph.Set(phone.StateOutgoing) }, []string{"press", "call"}, "a call is in progress"},
		{"press: open without a code", func(r *rig) { r.cfg.Door.Code = "" }, []string{"press", "open"}, "no door code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, path := ctlRig(t)
			if tc.setup != nil {
				tc.setup(r)
			}
			code, reply := ctl(t, path, tc.args...)
			if code != exitFailure || !strings.HasPrefix(reply, `{"error":`) || !strings.Contains(reply, tc.want) {
				t.Fatalf("exit %d reply %s, want exit 1 and an error with %q", code, reply, tc.want)
			}
			if d := r.ph.Dials(); len(d) != 0 {
				t.Fatalf("dialled %v", d)
			}
		})
	}
}

// TestCtlCallThatCanStartIsOK: a good target is dialled and answered ok;
// a toggle that would answer or hang up is not refused.
func TestCtlCallThatCanStartIsOK(t *testing.T) {
	r, path := ctlRig(t)
	if code, reply := ctl(t, path, "call", "sip:flat2@10.0.0.3:5062"); code != 0 || reply != `{"ok":true}` {
		t.Fatalf("exit %d reply %s", code, reply)
	}
	r.waitFor("the dial", func() bool { return len(r.ph.Dials()) == 1 })
	if d := r.ph.Dials(); d[0] != "sip:flat2@10.0.0.3:5062" {
		t.Fatalf("dialled %v", d)
	}
	r.ph.Outcome <- nil
	r.waitFor("the call", func() bool { return r.ph.Status().State == phone.StateConnected })
	if err := r.ic.CheckPress(context.Background(), "toggle"); err != nil {
		t.Fatalf("toggle in a call (hangs up): %v", err)
	}
}
