package phone_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone"
)

func TestDialPhoneToPhoneRTPDTMFAndHangup(t *testing.T) {
	a := startPhone(t, phone.Config{DTMF: true})
	b := startPhone(t, phone.Config{DTMF: true, AutoAnswer: true, DeviceName: "inside"})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, b.Addr().String()); err != nil {
		t.Fatalf("Dial: %v", err)
	}
	b.waitState(t, phone.StateConnected)
	if st := a.Status(); st.State != phone.StateConnected || !st.Outgoing || st.Codec != "PCMU" {
		t.Errorf("caller status %+v", st)
	}
	if err := a.Dial(ctx, b.Addr().String()); !errors.Is(err, phone.ErrCallInProgress) {
		t.Errorf("second Dial: %v", err)
	}
	if err := a.SendDTMF(ctx, "12#"); err != nil {
		t.Fatalf("SendDTMF: %v", err)
	}
	if got := string(a.media.Streams()[0].Digits()); got != "12#" {
		t.Errorf("RFC 4733 digits %q", got)
	}
	bp := b.media.Streams()[0].Params()[0]
	ap := a.media.Streams()[0].Params()[0]
	if bp.Remote.Port() != 40000 || ap.Remote.Port() != 40000 || ap.DTMFType == 0 {
		t.Errorf("params caller %+v callee %+v", ap, bp)
	}
	if err := a.Hangup(ctx); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	if ev := b.waitEnded(t); ev.Reason != "remote hangup" {
		t.Errorf("callee ended %+v", ev)
	}
}

func TestDialInfoDTMFAndCalleeHangup(t *testing.T) {
	a := startPhone(t, phone.Config{})
	b := startPhone(t, phone.Config{AutoAnswer: true, Transport: "both"})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, "sip:anyone@"+b.Addr().String()); err != nil {
		t.Fatalf("Dial: %v", err)
	}
	b.waitState(t, phone.StateConnected)
	if err := a.SendDTMF(ctx, "7"); err != nil {
		t.Fatalf("SendDTMF: %v", err)
	}
	ev := b.waitEvent(t, "dtmf", func(ev phone.Event) bool { return ev.Kind == phone.EventDTMF })
	if ev.Digit != '7' || ev.Source != "info" {
		t.Errorf("dtmf %+v", ev)
	}
	if err := a.SendDTMF(ctx, "x"); !errors.Is(err, phone.ErrBadDTMF) {
		t.Errorf("SendDTMF(x): %v", err)
	}
	if err := b.Hangup(ctx); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	a.waitEnded(t)
	if a.media.Open() != 0 || b.media.Open() != 0 {
		t.Error("streams left open")
	}
}

func TestDialOverTCP(t *testing.T) {
	a := startPhone(t, phone.Config{Transport: "tcp"})
	b := startPhone(t, phone.Config{AutoAnswer: true, Transport: "both"})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, "sip:door@"+b.Addr().String()+";transport=tcp"); err != nil {
		t.Fatalf("Dial: %v", err)
	}
	b.waitState(t, phone.StateConnected)
	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t)
}

// uas answers the phone's INVITEs on a raw socket.
func uasFor(t *testing.T, tp *testPhone) *peer {
	return newPeer(t, tp.Addr())
}

func TestDialOutcomes(t *testing.T) {
	tp := startPhone(t, phone.Config{})
	for _, tc := range []struct {
		code int
		want error
	}{
		{486, phone.ErrBusy}, {600, phone.ErrBusy}, {603, phone.ErrDeclined}, {404, phone.ErrNotFound},
		{480, phone.ErrUnavailable}, {487, phone.ErrCancelled}, {488, phone.ErrNotAcceptable},
		{500, phone.ErrRejected}, {403, phone.ErrRejected},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			u := uasFor(t, tp)
			errc := make(chan error, 1)
			go func() { errc <- tp.Dial(context.Background(), "sip:door@"+u.addr()) }()
			inv := u.request(sip.INVITE)
			u.answer(inv, 180, "Ringing")
			u.answer(inv, tc.code, "Whatever")
			ack := u.request(sip.ACK)
			if ack.CSeq().SeqNo != inv.CSeq().SeqNo {
				t.Errorf("ACK CSeq %v", ack.CSeq())
			}
			err := <-errc
			var ce *phone.CallError
			if !errors.Is(err, tc.want) || !errors.As(err, &ce) || ce.Code != tc.code {
				t.Errorf("Dial = %v; want %v with code %d", err, tc.want, tc.code)
			}
			if st := tp.Status(); st.State != phone.StateIdle {
				t.Errorf("state %s", st.State)
			}
		})
	}
}

func TestDialCancelAndRingTimeout(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  phone.Config
		want error
	}{
		{"ctx", phone.Config{}, phone.ErrCancelled},
		{"ring-timeout", phone.Config{RingTimeout: 300 * time.Millisecond}, phone.ErrTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp := startPhone(t, tc.cfg)
			u := uasFor(t, tp)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- tp.Dial(ctx, u.addr()) }()
			inv := u.request(sip.INVITE)
			u.answer(inv, 180, "Ringing")
			tp.waitEvent(t, "ringing", func(ev phone.Event) bool { return ev.Kind == phone.EventRinging })
			if tc.name == "ctx" {
				cancel()
			}
			c := u.request(sip.CANCEL)
			if c.CSeq().SeqNo != inv.CSeq().SeqNo || branchOf(c) != branchOf(inv) {
				t.Errorf("CANCEL does not match the INVITE:\n%s", c)
			}
			u.answer(c, 200, "OK")
			u.answer(inv, 487, "Request Terminated")
			if err := <-errc; !errors.Is(err, tc.want) {
				t.Errorf("Dial = %v, want %v", err, tc.want)
			}
			tp.waitEnded(t)
		})
	}
}

func branchOf(r *sip.Request) string {
	b, _ := r.Via().Params.Get("branch")
	return b
}

func TestDialBadTarget(t *testing.T) {
	tp := startPhone(t, phone.Config{})
	for _, target := range []string{"", "sip:", "tel:123;transport=sctp", "sip:x@127.0.0.1;transport=tcp"} {
		if err := tp.Dial(context.Background(), target); !errors.Is(err, phone.ErrBadTarget) {
			t.Errorf("Dial(%q) = %v", target, err)
		}
	}
	if err := tp.Dial(context.Background(), "no-such-host.invalid"); !errors.Is(err, phone.ErrUnreachable) {
		t.Errorf("unresolvable: %v", err)
	}
	if !strings.Contains(tp.Status().State.String(), "idle") {
		t.Error("not idle")
	}
}

// A phone listening on the wildcard address (the shipped default,
// 0.0.0.0:5060) starts, calls, is called and hangs up: Go binds the
// wildcard dual-stack, and requests must still leave from that socket.
func TestWildcardListenCallsBothWays(t *testing.T) {
	a := startPhone(t, phone.Config{Listen: "0.0.0.0:0", AutoAnswer: true})
	b := startPhone(t, phone.Config{AutoAnswer: true})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := a.Dial(ctx, fmt.Sprintf("127.0.0.1:%d", b.Addr().Port())); err != nil {
		t.Fatalf("Dial from the wildcard listener: %v", err)
	}
	b.waitState(t, phone.StateConnected)
	if err := a.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	b.waitEnded(t)
	a.waitState(t, phone.StateIdle)
	if err := b.Dial(ctx, fmt.Sprintf("127.0.0.1:%d", a.Addr().Port())); err != nil {
		t.Fatalf("Dial to the wildcard listener: %v", err)
	}
	a.waitState(t, phone.StateConnected)
}
