package sdp

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
)

// Our offer answered by our answer: both sides must agree on the codec,
// the payload types, ptime and mirrored directions, and each must send to
// the other's address.
func TestRoundTrip(t *testing.T) {
	codecSets := [][]string{{PCMU}, {PCMA}, {L16}, {PCMU, PCMA, L16}, {PCMA, PCMU}, {L16, PCMA}}
	dirs := []media.Direction{media.SendRecv, media.SendOnly, media.RecvOnly, media.Inactive}
	n := 0
	for _, oc := range codecSets {
		for _, ac := range codecSets {
			for _, od := range dirs {
				for _, ad := range dirs {
					for _, dtmf := range []bool{false, true} {
						n++
						name := fmt.Sprintf("%v/%v/%d/%d/%v", oc, ac, od, ad, dtmf)
						roundTrip(t, name, oc, ac, od, ad, dtmf)
					}
				}
			}
		}
	}
	t.Logf("%d round trips", n)
}

func roundTrip(t *testing.T, name string, oc, ac []string, od, ad media.Direction, dtmf bool) {
	t.Helper()
	caller := Local{Addr: netip.MustParseAddr("10.0.0.1"), Port: 20000, Codecs: oc,
		DTMF: dtmf, CN: true, Direction: od, PTime: 30 * time.Millisecond}
	callee := Local{Addr: netip.MustParseAddr("2001:db8::2"), Port: 30000, Codecs: ac,
		DTMF: true, Direction: ad}
	cs, ce := NewSession("caller"), NewSession("callee")
	offer, err := cs.Offer(caller)
	if err != nil {
		t.Fatalf("%s: Offer: %v", name, err)
	}
	checkOurs(t, offer)
	answer, pe, err := ce.Answer(offer, callee)
	common := firstCommon(oc, ac) // the offerer's order decides
	if common == "" {
		if err == nil {
			t.Errorf("%s: answered without a common codec", name)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: Answer: %v", name, err)
	}
	checkOurs(t, answer)
	pc, err := cs.Accept(answer)
	if err != nil {
		t.Fatalf("%s: Accept: %v\n%s", name, err, answer)
	}
	if pc.Codec != common || pe.Codec != common || pc.PayloadType != pe.PayloadType {
		t.Errorf("%s: codecs %s/%d and %s/%d, want %s", name, pc.Codec, pc.PayloadType, pe.Codec, pe.PayloadType, common)
	}
	if pc.Remote != netip.MustParseAddrPort("[2001:db8::2]:30000") || pe.Remote != netip.MustParseAddrPort("10.0.0.1:20000") {
		t.Errorf("%s: remotes %v and %v", name, pc.Remote, pe.Remote)
	}
	wantTE := uint8(0)
	if dtmf {
		wantTE = 101
	}
	if pc.DTMFType != wantTE || pe.DTMFType != wantTE {
		t.Errorf("%s: telephone-event %d and %d, want %d", name, pc.DTMFType, pe.DTMFType, wantTE)
	}
	if pc.CNType != 13 || pe.CNType != 13 {
		t.Errorf("%s: CN %d and %d, want 13", name, pc.CNType, pe.CNType)
	}
	if pc.PTime != 30*time.Millisecond || pe.PTime != 30*time.Millisecond {
		t.Errorf("%s: ptime %v and %v, want the offerer's 30ms", name, pc.PTime, pe.PTime)
	}
	if sends(pc.Direction) != receives(pe.Direction) || receives(pc.Direction) != sends(pe.Direction) {
		t.Errorf("%s: directions %s and %s do not mirror", name, dirNames[pc.Direction], dirNames[pe.Direction])
	}
	if pe.Direction != negotiate(od, ad) || pc.Direction != mirror(pe.Direction) {
		t.Errorf("%s: directions %s and %s", name, dirNames[pc.Direction], dirNames[pe.Direction])
	}
}

// mirror is the direction as seen from the other side.
func mirror(d media.Direction) media.Direction { return direction(receives(d), sends(d)) }

func firstCommon(pref, other []string) string {
	for _, p := range pref {
		for _, o := range other {
			if p == o {
				return p
			}
		}
	}
	return ""
}
