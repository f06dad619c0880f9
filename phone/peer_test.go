package phone_test

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// The door and the call belong to the answered peer: DTMF counts only in a
// confirmed dialog, and in-dialog requests must come from the dialog's peer.

// noDTMF fails when a DTMF event is published within d.
func (tp *testPhone) noDTMF(t *testing.T, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case ev := <-tp.events:
			if ev.Kind == phone.EventDTMF {
				t.Fatalf("DTMF counted: %+v", ev)
			}
		case <-timeout:
			return
		}
	}
}

// newPeerOn is a raw peer bound to ip (another loopback address is another
// host on the LAN).
func newPeerOn(t *testing.T, ip net.IP, to netip.AddrPort) *peer {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip})
	if err != nil {
		t.Skipf("%s not usable on this machine's loopback: %v", ip, err)
	}
	p := &peer{t: t, conn: conn, to: net.UDPAddrFromAddrPort(to), msgs: make(chan sip.Message, 256)}
	done := make(chan struct{})
	go p.read(done)
	t.Cleanup(func() { conn.Close(); <-done })
	return p
}

// A ringing call nobody answered: an INFO code in the early dialog is
// refused and does not count.
func TestEarlyDialogInfoDoesNotCount(t *testing.T) {
	tp := startPhone(t, phone.Config{DTMF: true})
	p := newPeer(t, tp.Addr())
	d := newDialog("early")
	p.invite(d, offerSDP)
	ringing := p.response(180, sip.INVITE)
	d.toTag, _ = ringing.To().Params.Get("tag")
	if d.toTag == "" {
		t.Fatal("180 without a To tag")
	}
	tp.waitState(t, phone.StateIncoming)
	for _, digit := range "1234" {
		p.inDialog(d, "INFO", "application/dtmf-relay", "Signal="+string(digit)+"\r\nDuration=160\r\n")
		p.response(403, sip.INFO)
	}
	tp.noDTMF(t, 200*time.Millisecond)
}

// An answered call whose 200 OK is not ACKed yet: neither RTP nor INFO
// digits count; after the ACK both do.
func TestDTMFOnlyAfterACK(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true, DTMF: true})
	p := newPeer(t, tp.Addr())
	d := newDialog("unacked")
	p.invite(d, offerSDP)
	ok := p.response(200, sip.INVITE)
	tp.waitState(t, phone.StateConnected)
	d.toTag, _ = ok.To().Params.Get("tag")
	s := tp.media.Streams()[0]
	s.ReceiveRTP(1) // not a ghost: the peer's audio arrives
	s.Emit(media.Event{Kind: media.EventDTMF, Digit: '1'})
	p.inDialog(d, "INFO", "application/dtmf-relay", "Signal=2\r\n")
	p.response(403, sip.INFO)
	tp.noDTMF(t, 200*time.Millisecond)

	d.cseq = 1
	p.ack(d, ok)
	waitFor(t, "the ACK to confirm the dialog", func() bool {
		s.Emit(media.Event{Kind: media.EventDTMF, Digit: '3'})
		select {
		case ev := <-tp.events:
			return ev.Kind == phone.EventDTMF && ev.Digit == '3'
		case <-time.After(50 * time.Millisecond):
			return false
		}
	})
}

// Our outgoing call before its 2xx: the remote tag is still empty, and an
// INFO without a From tag must not match the dialog.
func TestOutgoingEarlyInfoWithoutTag(t *testing.T) {
	tp := startPhone(t, phone.Config{DTMF: true})
	callee := newPeer(t, tp.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dialed := make(chan error, 1)
	go func() { dialed <- tp.Dial(ctx, callee.addr()) }()
	inv := callee.request(sip.INVITE)
	callee.answer(inv, 180, "Ringing")
	tp.waitEvent(t, "ringing", func(ev phone.Event) bool { return ev.Kind == phone.EventRinging })

	ourTag, _ := inv.From().Params.Get("tag")
	d := &dialog{callID: inv.CallID().Value(), toTag: ourTag, cseq: 1}
	info := callee.req(d, "INFO", sip.GenerateBranch(), 1, "application/dtmf-relay", "Signal=1\r\n")
	info = strings.Replace(info, ";tag=\r\n", "\r\n", 1) // From without a tag
	callee.send(info)
	if res := callee.final(sip.INFO); res.StatusCode < 400 {
		t.Fatalf("INFO without From tag in our early dialog: %d %s", res.StatusCode, res.Reason)
	}
	tp.noDTMF(t, 200*time.Millisecond)
	callee.answer(inv, 486, "Busy Here")
	if err := <-dialed; err == nil {
		t.Fatal("Dial succeeded on 486")
	}
}

// With the Call-ID and tags sniffed off the LAN, another host can neither
// send a door code, end the call, nor move its audio: 403, nothing changes.
func TestInDialogRequestsFromAnotherHost(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true, DTMF: true})
	p := newPeer(t, tp.Addr())
	d := connect(t, tp, p)
	thief := newPeerOn(t, net.IPv4(127, 0, 0, 3), tp.Addr())
	stolen := *d

	thief.inDialog(&stolen, "INFO", "application/dtmf-relay", "Signal=1\r\n")
	thief.response(403, sip.INFO)
	moved := strings.Replace(strings.Replace(offerSDP, "127.0.0.1", "127.0.0.3", -1), "o=- 1 1", "o=- 1 2", 1)
	thief.inDialog(&stolen, "INVITE", "application/sdp", moved)
	thief.response(403, sip.INVITE)
	thief.inDialog(&stolen, "BYE", "", "")
	thief.response(403, sip.BYE)
	thief.send(thief.req(&stolen, "ACK", sip.GenerateBranch(), stolen.cseq, "", ""))

	tp.noDTMF(t, 200*time.Millisecond)
	if st := tp.Status(); st.State != phone.StateConnected {
		t.Fatalf("state %s after the other host's BYE", st.State)
	}
	if ps := tp.media.Streams()[0].Params(); len(ps) != 1 {
		t.Fatalf("the other host's re-INVITE moved the media: %+v", ps)
	}
	// The real peer still owns the call: its CSeq was not consumed.
	p.inDialog(d, "INFO", "application/dtmf-relay", "Signal=9\r\n")
	p.response(200, sip.INFO)
	if ev := tp.waitEvent(t, "dtmf", func(ev phone.Event) bool { return ev.Kind == phone.EventDTMF }); ev.Digit != '9' {
		t.Fatalf("digit %c", ev.Digit)
	}
	p.inDialog(d, "BYE", "", "")
	p.response(200, sip.BYE)
	tp.waitEnded(t)
}

// A ghost call (answered, never ACKed, no RTP) is freed after GhostTimeout;
// one that receives RTP is kept while its ACK may still come.
func TestGhostCallFreed(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true, GhostTimeout: 300 * time.Millisecond})
	p := newPeer(t, tp.Addr())
	p.invite(newDialog("ghost"), offerSDP)
	p.response(200, sip.INVITE)
	start := time.Now()
	if ev := tp.waitEnded(t); ev.Reason != "no ACK and no RTP" {
		t.Fatalf("ended %+v", ev)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("ghost held the line %v", d)
	}
	p.answer(p.request(sip.BYE), 200, "OK")

	d := newDialog("slowack")
	p.invite(d, offerSDP)
	ok := p.response(200, sip.INVITE)
	tp.media.Streams()[1].ReceiveRTP(5)
	// Two retransmissions (T1 and 2*T1 after it): well past GhostTimeout.
	p.response(200, sip.INVITE)
	p.response(200, sip.INVITE)
	if st := tp.Status(); st.State != phone.StateConnected {
		t.Fatalf("a call with RTP was freed as a ghost: %s", st.State)
	}
	p.ack(d, ok)
	p.inDialog(d, "BYE", "", "")
	p.response(200, sip.BYE)
	tp.waitEnded(t)
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A 200 OK to our INVITE forged by another host (the branch was sniffed)
// neither connects the call nor moves its audio there.
func TestForgedAnswerFromAnotherHost(t *testing.T) {
	tp := startPhone(t, phone.Config{DTMF: true})
	callee := newPeer(t, tp.Addr())
	thief := newPeerOn(t, net.IPv4(127, 0, 0, 3), tp.Addr())
	dialed := make(chan error, 1)
	go func() { dialed <- tp.Dial(context.Background(), callee.addr()) }()
	inv := callee.request(sip.INVITE)

	forged := sip.NewResponseFromRequest(inv, 200, "OK", []byte(strings.Replace(offerSDP, "127.0.0.1", "127.0.0.3", -1)))
	forged.To().Params.Add("tag", "thief")
	forged.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", Host: "127.0.0.3", Port: thief.port()}})
	forged.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	thief.send(forged.String())
	callee.answer(inv, 180, "Ringing") // sent after the forgery: proves it was handled
	tp.waitEvent(t, "ringing", func(ev phone.Event) bool { return ev.Kind == phone.EventRinging })
	if st := tp.Status(); st.State != phone.StateOutgoing {
		t.Fatalf("state %s after a forged 200 OK from another host", st.State)
	}
	callee.answer(inv, 486, "Busy Here")
	if err := <-dialed; err == nil {
		t.Fatal("Dial succeeded")
	}
	if n := len(tp.media.Streams()[0].Params()); n != 0 {
		t.Fatalf("media started towards the forger (%d params)", n)
	}
}

// A burst of 30 ghost INVITEs (answered, then silent) keeps a real visitor
// out for about GhostTimeout: the visitor, retrying after each 486 as a
// door station's user would, connects within 5 s.
func TestGhostBurstThenRealCall(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true})
	ghosts := newPeerOn(t, net.IPv4(127, 0, 0, 4), tp.Addr())
	for range 30 {
		ghosts.invite(newDialog("ghost"), offerSDP)
	}
	tp.waitState(t, phone.StateConnected) // one ghost has the line
	visitor := newPeer(t, tp.Addr())
	start := time.Now()
	for {
		d := newDialog("visitor")
		visitor.invite(d, offerSDP)
		res := visitor.final(sip.INVITE)
		if res.StatusCode == 200 {
			visitor.ack(d, res)
			break
		}
		visitor.ack(d, res)
		if res.StatusCode != 486 {
			t.Fatalf("visitor got %d %s", res.StatusCode, res.Reason)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the ghosts kept the visitor out for %v", time.Since(start))
		}
		time.Sleep(250 * time.Millisecond) // the visitor presses again
	}
	t.Logf("visitor connected %v after the burst", time.Since(start).Round(time.Millisecond))
}

// An offer that points our audio at a multicast group is refused with 488,
// as a new call and as a re-INVITE (which leaves the media where it was).
func TestMulticastOfferRefused(t *testing.T) {
	tp := startPhone(t, phone.Config{AutoAnswer: true})
	p := newPeer(t, tp.Addr())
	multicast := strings.Replace(offerSDP, "c=IN IP4 127.0.0.1", "c=IN IP4 239.1.2.3", 1)
	p.invite(newDialog("mcast"), multicast)
	p.response(488, sip.INVITE)

	d := connect(t, tp, p)
	p.inDialog(d, "INVITE", "application/sdp", strings.Replace(multicast, "o=- 1 1", "o=- 1 2", 1))
	p.response(488, sip.INVITE)
	if ps := tp.media.Streams()[len(tp.media.Streams())-1].Params(); len(ps) != 1 {
		t.Fatalf("a multicast re-INVITE changed the media: %+v", ps)
	}
}

// With calls.allow empty (anyone may call), another host still cannot
// CANCEL the ringing call of the visitor: sipgo would match the CANCEL to
// the INVITE by its branch and end the call before any handler ran.
func TestCancelFromAnotherHost(t *testing.T) {
	tp := startPhone(t, phone.Config{})
	visitor := newPeer(t, tp.Addr())
	thief := newPeerOn(t, net.IPv4(127, 0, 0, 3), tp.Addr())
	d := newDialog("ringing")
	visitor.invite(d, offerSDP)
	visitor.response(180, sip.INVITE)
	tp.waitState(t, phone.StateIncoming)

	thief.send(visitor.req(d, "CANCEL", d.branch, d.cseq, "", ""))
	thief.response(403, sip.CANCEL)
	if st := tp.Status(); st.State != phone.StateIncoming {
		t.Fatalf("state %s after another host's CANCEL", st.State)
	}
	visitor.send(visitor.req(d, "CANCEL", d.branch, d.cseq, "", ""))
	visitor.response(200, sip.CANCEL)
	visitor.response(487, sip.INVITE)
	tp.waitEnded(t)
}
