package phone_test

import (
	"testing"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone"
)

// BenchmarkInviteToOK measures INVITE -> 200 OK with auto-answer on
// loopback, as a caller sees it (the BYE teardown is not timed). baresip
// 1.0.0 takes 4.3 ms on the project's machine.
func BenchmarkInviteToOK(b *testing.B) {
	tp := startPhone(b, phone.Config{AutoAnswer: true, Logger: quietLogger()})
	p := newPeer(b, tp.Addr())
	b.ReportAllocs()
	for b.Loop() {
		d := newDialog("bench")
		p.invite(d, offerSDP)
		ok := p.response(200, sip.INVITE)
		b.StopTimer()
		p.ack(d, ok)
		p.inDialog(d, "BYE", "", "")
		p.response(200, sip.BYE)
		tp.waitEnded(b)
		b.StartTimer()
	}
}
