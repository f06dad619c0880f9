package phone_test

import (
	"context"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

func TestIncomingAutoAnswerAndRemoteBye(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true})
	p := newPeer(t, tp.Addr())
	d := newDialog("auto")
	p.invite(d, offerSDP)
	p.response(100, sip.INVITE)
	ringing := p.response(180, sip.INVITE)
	ok := p.response(200, sip.INVITE)
	tag180, _ := ringing.To().Params.Get("tag")
	tag200, _ := ok.To().Params.Get("tag")
	if tag180 == "" || tag180 != tag200 {
		t.Errorf("To tags 180 %q, 200 %q: want the same non-empty tag", tag180, tag200)
	}
	if ok.From().Address.User != "visitor" || ok.To().Address.User != "door" {
		t.Errorf("From/To swapped in response: From %v To %v", ok.From(), ok.To())
	}
	if ok.CSeq().MethodName != sip.INVITE {
		t.Errorf("CSeq %v has no method", ok.CSeq())
	}
	body := string(ok.Body())
	if !strings.Contains(body, "c=IN IP4 127.0.0.1\r\n") || !strings.Contains(body, "m=audio 40000 RTP/AVP 0") {
		t.Errorf("SDP answer:\n%s", body)
	}
	if ct := ok.Contact(); ct == nil || ct.Address.Host != "127.0.0.1" || ct.Address.Port != int(tp.Addr().Port()) {
		t.Errorf("Contact %v", ct)
	}
	p.ack(d, ok)
	tp.waitState(t, phone.StateConnected)
	st := tp.Status()
	if st.State != phone.StateConnected || st.Codec != "PCMU" || st.CallID != d.callID {
		t.Errorf("status %+v", st)
	}
	s := tp.media.Streams()[0]
	if got := s.Params()[0]; got.Remote.String() != "127.0.0.1:30000" || got.DTMFType != 0 {
		t.Errorf("stream params %+v (DTMF off in config: no telephone-event)", got)
	}
	p.inDialog(d, "BYE", "", "")
	p.response(200, sip.BYE)
	ev := tp.waitEnded(t)
	if ev.Reason != "remote hangup" {
		t.Errorf("end reason %q", ev.Reason)
	}
	if !s.Closed() {
		t.Error("stream not closed after BYE")
	}
	if st := tp.Status(); st.State != phone.StateIdle {
		t.Errorf("state after BYE %s", st.State)
	}
}

func TestIncomingAnswerDeclineHangup(t *testing.T) {
	tp := startPhone(t, phone.Config{DTMF: true})
	p := newPeer(t, tp.Addr())

	d := newDialog("answer")
	p.invite(d, offerSDP)
	ev := tp.waitEvent(t, "incoming", func(ev phone.Event) bool { return ev.Kind == phone.EventIncoming })
	if !strings.Contains(ev.Peer, "visitor@") {
		t.Errorf("caller %q", ev.Peer)
	}
	if err := tp.Answer(context.Background()); err != nil {
		t.Fatalf("Answer: %v", err)
	}
	ok := p.response(200, sip.INVITE)
	if !strings.Contains(string(ok.Body()), "telephone-event/8000") {
		t.Errorf("answer lacks telephone-event:\n%s", ok.Body())
	}
	p.ack(d, ok)
	if err := tp.Hangup(context.Background()); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	bye := p.request(sip.BYE)
	if got, _ := bye.To().Params.Get("tag"); got != d.fromTag {
		t.Errorf("BYE To tag %q, want caller's %q", got, d.fromTag)
	}
	p.answer(bye, 200, "OK")

	d2 := newDialog("decline")
	p.invite(d2, offerSDP)
	tp.waitState(t, phone.StateIncoming)
	if err := tp.Decline(context.Background()); err != nil {
		t.Fatalf("Decline: %v", err)
	}
	res := p.response(603, sip.INVITE)
	p.ack(d2, res)
	if err := tp.Answer(context.Background()); err == nil {
		t.Error("Answer with no call ringing succeeded")
	}
}

func TestIncomingBusyForbiddenNoCodec(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true, Allow: []string{"127.0.0.0/8"}})
	p := newPeer(t, tp.Addr())
	connect(t, tp, p)

	p2 := newPeer(t, tp.Addr())
	d2 := newDialog("second")
	p2.invite(d2, offerSDP)
	p2.ack(d2, p2.response(486, sip.INVITE))

	g729 := strings.Replace(offerSDP, "RTP/AVP 0 8 101", "RTP/AVP 18", 1)
	tp2 := startPhone(t, phone.Config{AutoAnswer: true})
	p3 := newPeer(t, tp2.Addr())
	d3 := newDialog("g729")
	p3.invite(d3, g729)
	p3.ack(d3, p3.response(488, sip.INVITE))

	tp3 := startPhone(t, phone.Config{AutoAnswer: true, Allow: []string{"10.0.0.0/8", "192.0.2.7"}})
	p4 := newPeer(t, tp3.Addr())
	d4 := newDialog("outsider")
	p4.invite(d4, offerSDP)
	res := p4.final(sip.INVITE)
	p4.ack(d4, res)
	if res.StatusCode != 403 {
		t.Errorf("outsider got %d", res.StatusCode)
	}
	if st := tp3.Status(); st.State != phone.StateIdle {
		t.Errorf("outsider made the phone %s", st.State)
	}
	select {
	case ev := <-tp3.events:
		t.Errorf("outsider caused event %+v", ev)
	default:
	}
}

func TestIncomingCancel(t *testing.T) {
	tp := startPhone(t, phone.Config{})
	p := newPeer(t, tp.Addr())
	d := newDialog("cancel")
	p.invite(d, offerSDP)
	p.response(180, sip.INVITE)
	p.send(p.req(d, "CANCEL", d.branch, d.cseq, "", ""))
	p.response(200, sip.CANCEL)
	p.ack(d, p.response(487, sip.INVITE))
	if ev := tp.waitEnded(t); ev.Code != 487 {
		t.Errorf("ended %+v", ev)
	}
	if tp.media.Open() != 0 {
		t.Error("stream left open")
	}
}

func TestByeOvertakesAck(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true})
	p := newPeer(t, tp.Addr())
	d := newDialog("overtake")
	p.invite(d, offerSDP)
	ok := p.response(200, sip.INVITE)
	d.toTag, _ = ok.To().Params.Get("tag")
	p.inDialog(d, "BYE", "", "")
	d.cseq--
	p.ack(d, ok) // the ACK arrives after the BYE
	p.response(200, sip.BYE)
	tp.waitEnded(t)
	if st := tp.Status(); st.State != phone.StateIdle {
		t.Errorf("state %s", st.State)
	}
}

func TestNoACKFreesCall(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true, NoACKTimeout: 1500 * 1e6})
	p := newPeer(t, tp.Addr())
	d := newDialog("noack")
	p.invite(d, offerSDP)
	p.response(200, sip.INVITE)
	p.response(200, sip.INVITE) // retransmitted after T1
	bye := p.request(sip.BYE)
	p.answer(bye, 200, "OK")
	if ev := tp.waitEnded(t); ev.Reason != "no ACK" {
		t.Errorf("ended %+v", ev)
	}
	connect(t, tp, p) // free again
}

func TestOptionsAndStrayRequests(t *testing.T) {
	tp := startPhone(t, phone.Config{})
	p := newPeer(t, tp.Addr())
	d := newDialog("opts")
	p.send(p.req(d, "OPTIONS", sip.GenerateBranch(), 1, "", ""))
	ok := p.response(200, sip.OPTIONS)
	for _, h := range []string{"Allow", "Accept", "Supported"} {
		if ok.GetHeader(h) == nil {
			t.Errorf("OPTIONS 200 lacks %s", h)
		}
	}
	if !strings.Contains(ok.GetHeader("Allow").Value(), "INVITE") {
		t.Errorf("Allow: %s", ok.GetHeader("Allow").Value())
	}
	d.toTag = "nosuch"
	for _, m := range []string{"BYE", "INFO"} {
		p.send(p.req(d, m, sip.GenerateBranch(), 5, "", ""))
		p.response(481, sip.RequestMethod(m))
	}
	p.send(p.req(newDialog("c"), "CANCEL", sip.GenerateBranch(), 1, "", ""))
	p.response(481, sip.CANCEL)
	p.send(p.req(newDialog("r"), "REGISTER", sip.GenerateBranch(), 1, "", ""))
	p.response(405, sip.REGISTER)
	p.send(p.req(newDialog("x"), "FROB", sip.GenerateBranch(), 1, "", ""))
	p.response(501, "FROB")
	p.send(p.req(newDialog("ext"), "OPTIONS", sip.GenerateBranch(), 1, "", "", "Require: 100rel"))
	if res := p.response(420, sip.OPTIONS); res.GetHeader("Unsupported") == nil {
		t.Error("420 without Unsupported")
	}
}

func TestReInviteHoldAndInfoDTMF(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true, DTMF: true})
	p := newPeer(t, tp.Addr())
	d := connect(t, tp, p)

	hold := strings.Replace(strings.Replace(offerSDP, "a=sendrecv", "a=sendonly", 1), "30000", "30100", 1)
	hold = strings.Replace(hold, "o=- 1 1", "o=- 1 2", 1)
	p.inDialog(d, "INVITE", "application/sdp", hold)
	ok := p.response(200, sip.INVITE)
	if !strings.Contains(string(ok.Body()), "a=recvonly") {
		t.Errorf("hold answer:\n%s", ok.Body())
	}
	p.send(p.req(d, "ACK", sip.GenerateBranch(), d.cseq, "", ""))
	s := tp.media.Streams()[0]
	ps := s.Params()
	if len(ps) != 2 || ps[1].Remote.Port() != 30100 || ps[1].Direction != media.RecvOnly {
		t.Errorf("stream params after re-INVITE %+v", ps)
	}

	p.inDialog(d, "INFO", "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")
	p.response(200, sip.INFO)
	ev := tp.waitEvent(t, "dtmf", func(ev phone.Event) bool { return ev.Kind == phone.EventDTMF })
	if ev.Digit != '5' || ev.Source != "info" {
		t.Errorf("dtmf event %+v", ev)
	}
	s.Emit(media.Event{Kind: media.EventDTMF, Digit: '#'})
	ev = tp.waitEvent(t, "dtmf", func(ev phone.Event) bool { return ev.Kind == phone.EventDTMF })
	if ev.Digit != '#' || ev.Source != "rtp" {
		t.Errorf("dtmf event %+v", ev)
	}
	d.cseq -= 2
	p.inDialog(d, "INFO", "application/dtmf-relay", "Signal=1\r\n")
	p.response(500, sip.INFO) // CSeq went backwards
}

func TestJunkInvitesDoNotHoldThePhone(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true})
	p := newPeer(t, tp.Addr())
	for i := range 30 {
		d := newDialog("junk")
		switch i % 5 {
		case 0:
			p.invite(d, "v=0\r\nthis is not sdp\r\n")
		case 1:
			p.send(strings.Replace(p.req(d, "INVITE", d.branch, 1, "application/sdp", offerSDP), "Call-ID", "X-Call", 1))
		case 2:
			p.send("\x00\x01garbage INVITE sip:x SIP/2.0\r\n\r\n")
		case 3:
			p.send(strings.Replace(p.req(d, "INVITE", d.branch, 1, "application/sdp", offerSDP), "Contact:", "X-Contact:", 1))
		case 4:
			p.invite(d, strings.Replace(offerSDP, "c=IN IP4 127.0.0.1", "c=IN IP4", 1))
		}
	}
	connect(t, tp, p)
}

func TestTraceFormat(t *testing.T) {
	tp := startPhone(t, phone.Config{})
	p := newPeer(t, tp.Addr())
	d := newDialog("trace")
	p.send(p.req(d, "OPTIONS", sip.GenerateBranch(), 1, "", ""))
	p.response(200, sip.OPTIONS)
	logs := tp.logs.String()
	for _, want := range []string{
		"===== " + p.addr() + " | SIP Received =====\\nOPTIONS sip:door@",
		"===== " + p.addr() + " | SIP Sent =====\\nSIP/2.0 200 OK",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}
