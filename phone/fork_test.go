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

// answerSDP is a raw peer's SDP answer (PCMU).
func answerSDP(port int) string {
	return "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
		fmt.Sprintf("m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n", port)
}

// ok200 answers the INVITE req from the raw peer with a 200 OK of its own
// dialog (To tag tag) and an SDP answer.
func (p *peer) ok200(req *sip.Request, tag string) {
	res := sip.NewResponseFromRequest(req, 200, "OK", []byte(answerSDP(30000+p.port()%1000)))
	res.To().Params.Add("tag", tag)
	res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "inside", Host: "127.0.0.1", Port: p.port()}})
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	p.send(res.String())
}

// ringing answers req with 180 and a To tag.
func (p *peer) ringing(req *sip.Request, tag string) {
	res := sip.NewResponseFromRequest(req, 180, "Ringing", nil)
	res.To().Params.Add("tag", tag)
	p.send(res.String())
}

// reasonOf is a request's Reason header value ("" when none).
func reasonOf(req *sip.Request) string {
	if h := req.GetHeader("Reason"); h != nil {
		return h.Value()
	}
	return ""
}

type dialResult struct {
	idx int
	err error
}

func dialAll(a *testPhone, ctx context.Context, targets []string, ring time.Duration) <-chan dialResult {
	out := make(chan dialResult, 1)
	go func() {
		idx, err := a.DialAll(ctx, targets, ring)
		out <- dialResult{idx, err}
	}()
	return out
}

func TestDialAllFirstAnswerCancelsTheOthers(t *testing.T) {
	a := startPhone(t, phone.Config{})
	b := startPhone(t, phone.Config{DeviceName: "kitchen"})
	c := startPhone(t, phone.Config{DeviceName: "office"})
	r := newPeer(t, a.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	done := dialAll(a, ctx, []string{b.Addr().String(), c.Addr().String(), r.addr()}, 0)
	b.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	c.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	inv := r.request(sip.INVITE)
	r.ringing(inv, "rawtag")
	a.waitEvent(t, "ringing", func(ev phone.Event) bool { return ev.Kind == phone.EventRinging })
	if st := a.Status(); st.State != phone.StateOutgoing || len(st.Ringing) != 3 {
		t.Fatalf("status while ringing: %+v", st)
	}
	if err := b.Answer(ctx); err != nil {
		t.Fatalf("Answer: %v", err)
	}
	res := <-done
	if res.err != nil || res.idx != 0 {
		t.Fatalf("DialAll = %d, %v", res.idx, res.err)
	}
	if st := a.Status(); st.State != phone.StateConnected || !strings.Contains(st.Peer, b.Addr().String()) {
		t.Errorf("caller status %+v", st)
	}
	if ev := c.waitEnded(t); ev.Code != 487 && !strings.Contains(ev.Reason, "cancel") {
		t.Errorf("office ended %+v", ev)
	}
	cn := r.request(sip.CANCEL)
	if got := reasonOf(cn); !strings.Contains(got, "cause=200") || !strings.Contains(got, "Call completed elsewhere") {
		t.Errorf("CANCEL Reason %q", got)
	}
	r.answer(cn, 200, "OK")
	r.answer(inv, 487, "Request Terminated")
	if a.Status().State != phone.StateConnected {
		t.Errorf("the answered call did not survive the others' ends: %+v", a.Status())
	}
	if n := len(a.media.Streams()); n != 1 {
		t.Errorf("%d streams for one call", n)
	}
	if err := a.Hangup(ctx); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	b.waitEnded(t)
	if a.media.Open() != 0 {
		t.Error("stream left open")
	}
}

func TestDialAllTwoAnswersAtOnce(t *testing.T) {
	a := startPhone(t, phone.Config{})
	r1 := newPeer(t, a.Addr())
	r2 := newPeer(t, a.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	done := dialAll(a, ctx, []string{r1.addr(), r2.addr()}, 0)
	i1, i2 := r1.request(sip.INVITE), r2.request(sip.INVITE)
	r1.ok200(i1, "one")
	r2.ok200(i2, "two")
	res := <-done
	if res.err != nil {
		t.Fatalf("DialAll: %v", res.err)
	}
	winner, loser := r1, r2
	if res.idx == 1 {
		winner, loser = r2, r1
	}
	loser.request(sip.ACK)
	bye := loser.request(sip.BYE)
	if got := reasonOf(bye); !strings.Contains(got, "Call completed elsewhere") {
		t.Errorf("BYE Reason %q", got)
	}
	loser.answer(bye, 200, "OK")
	winner.request(sip.ACK)
	if m := winner.requestWithin(sip.BYE, 300*time.Millisecond); m != nil {
		t.Errorf("the winner got a BYE: %v", m.StartLine())
	}
	if st := a.Status(); st.State != phone.StateConnected || !strings.Contains(st.Peer, winner.addr()) {
		t.Errorf("status %+v (winner %s)", st, winner.addr())
	}
}

func TestDialAllNobodyAnswers(t *testing.T) {
	a := startPhone(t, phone.Config{})
	busy := newPeer(t, a.Addr())
	silent := newPeer(t, a.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	done := dialAll(a, ctx, []string{busy.addr(), "bad target!", silent.addr()}, 500*time.Millisecond)
	inv := busy.request(sip.INVITE)
	busy.answer(inv, 486, "Busy Here")
	sinv := silent.request(sip.INVITE)
	silent.ringing(sinv, "s")
	cn := silent.request(sip.CANCEL)
	silent.answer(cn, 200, "OK")
	silent.answer(sinv, 487, "Request Terminated")
	res := <-done
	if !errors.Is(res.err, phone.ErrTimeout) || res.idx != -1 {
		t.Fatalf("DialAll = %d, %v; want ErrTimeout", res.idx, res.err)
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("gave up after %v, before the ring time", d)
	}
	if reasonOf(cn) != "" {
		t.Errorf("a CANCEL on no answer carries Reason %q", reasonOf(cn))
	}
	a.waitEnded(t)
	if st := a.Status(); st.State != phone.StateIdle || a.media.Open() != 0 {
		t.Errorf("after: %+v, %d streams open", st, a.media.Open())
	}
	// A hang-up cancels every branch.
	done = dialAll(a, ctx, []string{busy.addr(), silent.addr()}, 0)
	i1, i2 := busy.request(sip.INVITE), silent.request(sip.INVITE)
	busy.ringing(i1, "b")
	silent.ringing(i2, "s")
	a.waitEvent(t, "ringing", func(ev phone.Event) bool { return ev.Kind == phone.EventRinging })
	hung := make(chan error, 1)
	go func() { hung <- a.Hangup(ctx) }()
	for _, p := range []*peer{busy, silent} {
		cn := p.request(sip.CANCEL)
		p.answer(cn, 200, "OK")
	}
	busy.answer(i1, 487, "Request Terminated")
	silent.answer(i2, 487, "Request Terminated")
	if err := <-hung; err != nil {
		t.Errorf("Hangup: %v", err)
	}
	if res := <-done; !errors.Is(res.err, phone.ErrCancelled) {
		t.Errorf("DialAll after Hangup: %v", res.err)
	}
	if st := a.Status(); st.State != phone.StateIdle || a.media.Open() != 0 {
		t.Errorf("after hang-up: %+v, %d streams open", st, a.media.Open())
	}
}

// A proxy that forks our INVITE can send two 2xx with different To tags:
// the second dialog gets ACK and BYE, the first call goes on.
func TestForkedSecondAnswerIsHungUp(t *testing.T) {
	a := startPhone(t, phone.Config{})
	r := newPeer(t, a.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Dial(ctx, r.addr()) }()
	inv := r.request(sip.INVITE)
	r.ringing(inv, "fork1")
	r.ringing(inv, "fork2")
	r.ok200(inv, "fork1")
	if err := <-done; err != nil {
		t.Fatalf("Dial: %v", err)
	}
	r.request(sip.ACK)
	r.ok200(inv, "fork2")
	ack := r.request(sip.ACK)
	if tag, _ := ack.To().Params.Get("tag"); tag != "fork2" {
		t.Errorf("ACK for To tag %q", tag)
	}
	bye := r.request(sip.BYE)
	if tag, _ := bye.To().Params.Get("tag"); tag != "fork2" {
		t.Errorf("BYE for To tag %q", tag)
	}
	r.answer(bye, 200, "OK")
	if st := a.Status(); st.State != phone.StateConnected {
		t.Errorf("status %+v", st)
	}
}

// A destination that sends nothing (down, or nobody on the port) drops out
// after 3 s as unreachable, without a CANCEL, while the others ring on.
func TestDialAllSilentDestinationDropsOut(t *testing.T) {
	a := startPhone(t, phone.Config{})
	dead := newPeer(t, a.Addr())
	alive := newPeer(t, a.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	done := dialAll(a, ctx, []string{dead.addr(), alive.addr()}, 20*time.Second)
	dead.request(sip.INVITE)
	inv := alive.request(sip.INVITE)
	alive.ringing(inv, "a")
	ev := a.waitEvent(t, "the silent one's end", func(ev phone.Event) bool {
		return ev.Kind == phone.EventAttempt && ev.Target == dead.addr() && ev.Reason != "calling"
	})
	if d := time.Since(start); d < 3*time.Second || d > 19*time.Second {
		t.Errorf("the silent destination dropped out after %v, want 3 s and before the ring time", d)
	}
	if ev.Code != 408 {
		t.Errorf("its end: %+v", ev)
	}
	if m := dead.requestWithin(sip.CANCEL, 300*time.Millisecond); m != nil {
		t.Error("a CANCEL went to a destination that never answered")
	}
	if st := a.Status(); st.State != phone.StateOutgoing || len(st.Ringing) != 1 || st.Ringing[0] != alive.addr() {
		t.Errorf("status after: %+v", st)
	}
	alive.ok200(inv, "a")
	if res := <-done; res.err != nil || res.idx != 1 {
		t.Fatalf("DialAll = %d, %v", res.idx, res.err)
	}
}

// Ping answers with the round trip of an OPTIONS to a live phone, and an
// error for a host that says nothing.
func TestPing(t *testing.T) {
	a := startPhone(t, phone.Config{})
	b := startPhone(t, phone.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	rtt, code, err := a.Ping(ctx, b.Addr().String())
	if err != nil || code != 200 || rtt <= 0 || rtt > time.Second {
		t.Fatalf("Ping a live phone: %v, %d, %v", rtt, code, err)
	}
	silent := newPeer(t, a.Addr())
	short, cancelShort := context.WithTimeout(ctx, 700*time.Millisecond)
	defer cancelShort()
	if _, _, err := a.Ping(short, silent.addr()); err == nil {
		t.Error("Ping of a silent host succeeded")
	}
	if m := silent.request(sip.OPTIONS); m.CSeq().MethodName != sip.OPTIONS {
		t.Errorf("the silent host got %v", m.StartLine())
	}
	if st := a.Status(); st.State != phone.StateIdle {
		t.Errorf("a ping touched the call: %+v", st)
	}
}
