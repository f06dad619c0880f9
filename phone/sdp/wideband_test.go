package sdp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
)

func wideDoor() Local {
	l := door()
	l.Codecs = []string{Opus, G722, PCMU, PCMA}
	l.CN = true
	return l
}

func TestOfferWideband(t *testing.T) {
	body, err := fixedSession("skoip", 1).Offer(wideDoor())
	if err != nil {
		t.Fatal(err)
	}
	checkOurs(t, body)
	s := string(body)
	for _, want := range []string{
		"m=audio 10000 RTP/AVP 111 9 0 8 13 110 101\r\n",
		"a=rtpmap:111 opus/48000/2\r\n",
		"a=rtpmap:9 G722/8000\r\n",
		"a=rtpmap:110 telephone-event/48000\r\n",
		"a=rtpmap:101 telephone-event/8000\r\n",
		"a=fmtp:111 maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1\r\n",
		"a=fmtp:110 0-16\r\n",
		"a=fmtp:101 0-16\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("offer lacks %q:\n%s", want, s)
		}
	}
	// Opus only: no CN (Opus has its own DTX); telephone-event at 48000 Hz
	// and at 8000 Hz, which peers with only /8000 pair with Opus.
	l := wideDoor()
	l.Codecs = []string{Opus}
	body, err = fixedSession("skoip", 1).Offer(l)
	if err != nil {
		t.Fatal(err)
	}
	if ms := mLinesOf(body); len(ms) != 1 || ms[0] != "m=audio 10000 RTP/AVP 111 110 101" {
		t.Errorf("opus-only offer m= %q", ms)
	}
}

func TestRoundTripWideband(t *testing.T) {
	for _, tc := range []struct {
		offerer, answerer []string
		codec             string
		clock             int
		dtmf              uint8
		cn                uint8
	}{
		{[]string{Opus, G722, PCMU}, []string{PCMU, G722, Opus}, Opus, 48000, 110, 0},
		{[]string{G722, PCMU}, []string{Opus, G722, PCMU}, G722, 8000, 101, 13},
		{[]string{PCMU, Opus}, []string{Opus}, Opus, 48000, 110, 0},
	} {
		caller, callee := wideDoor(), wideDoor()
		caller.Codecs, callee.Codecs = tc.offerer, tc.answerer
		callee.Addr = netip.MustParseAddr("192.168.1.11")
		cs, ce := NewSession("a"), NewSession("b")
		offer, err := cs.Offer(caller)
		if err != nil {
			t.Fatal(err)
		}
		answer, pe, err := ce.Answer(offer, callee)
		if err != nil {
			t.Fatalf("%v/%v: Answer: %v", tc.offerer, tc.answerer, err)
		}
		pc, err := cs.Accept(answer)
		if err != nil {
			t.Fatalf("%v/%v: Accept: %v\n%s", tc.offerer, tc.answerer, err, answer)
		}
		for _, p := range []media.Params{pc, pe} {
			if p.Codec != tc.codec || p.ClockRate != tc.clock || p.DTMFType != tc.dtmf || p.DTMFRate != 0 || p.CNType != tc.cn {
				t.Errorf("%v/%v: params %+v, want %s/%d dtmf %d cn %d", tc.offerer, tc.answerer, p, tc.codec, tc.clock, tc.dtmf, tc.cn)
			}
		}
		if tc.codec == Opus && (!strings.Contains(pc.FMTP, "useinbandfec=1") || !strings.Contains(pe.FMTP, "useinbandfec=1")) {
			t.Errorf("opus fmtp not handed over: %q / %q", pc.FMTP, pe.FMTP)
		}
	}
}

// baresip 1.0.0 with its opus, g722 and g711 modules offers Opus as
// stereo with telephone-event at 8000 Hz only.
const baresipWideOffer = "v=0\r\n" +
	"o=- 123 456 IN IP4 192.0.2.2\r\n" +
	"s=-\r\n" +
	"c=IN IP4 192.0.2.2\r\n" +
	"t=0 0\r\n" +
	"m=audio 47300 RTP/AVP 96 9 0 8 101\r\n" +
	"b=AS:107\r\n" +
	"a=rtpmap:96 opus/48000/2\r\n" +
	"a=fmtp:96 stereo=1;sprop-stereo=1\r\n" +
	"a=rtpmap:9 G722/8000\r\n" +
	"a=rtpmap:101 telephone-event/8000\r\n" +
	"a=fmtp:101 0-15\r\n" +
	"a=sendrecv\r\n"

func TestAnswerBaresipWideband(t *testing.T) {
	body, p, err := fixedSession("skoip", 1).Answer([]byte(baresipWideOffer), wideDoor())
	if err != nil {
		t.Fatal(err)
	}
	want := media.Params{Remote: netip.MustParseAddrPort("192.0.2.2:47300"), PayloadType: 96, Codec: Opus,
		ClockRate: 48000, FMTP: "stereo=1;sprop-stereo=1", DTMFType: 101, DTMFRate: 8000,
		PTime: 20 * time.Millisecond}
	if p != want {
		t.Fatalf("params\n got %+v\nwant %+v", p, want)
	}
	s := string(body)
	for _, w := range []string{"m=audio 10000 RTP/AVP 96 101\r\n", "a=rtpmap:96 opus/48000/2\r\n",
		"a=fmtp:96 maxplaybackrate=16000", "a=rtpmap:101 telephone-event/8000\r\n"} {
		if !strings.Contains(s, w) {
			t.Errorf("answer lacks %q:\n%s", w, s)
		}
	}
	// With our own order G.722 would not win either: Opus is first in both.
	l := wideDoor()
	l.Codecs, l.OwnOrder = []string{G722, Opus}, true
	if _, p, err = fixedSession("skoip", 1).Answer([]byte(baresipWideOffer), l); err != nil || p.Codec != G722 || p.PayloadType != 9 {
		t.Fatalf("own order: %+v %v, want G722/9", p, err)
	}
}

func TestAnswerWidebandRefusals(t *testing.T) {
	offer := func(m string, attrs ...string) []byte {
		return []byte("v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\n" + m + "\r\n" +
			strings.Join(attrs, "\r\n") + "\r\n")
	}
	narrow := door()
	narrow.Codecs = []string{PCMU, PCMA}
	// Opus only to a narrowband unit: 488.
	if _, _, err := fixedSession("s", 1).Answer(offer("m=audio 4000 RTP/AVP 96", "a=rtpmap:96 opus/48000/2"), narrow); !errors.Is(err, ErrNoCommonCodec) {
		t.Errorf("opus to narrowband: %v, want ErrNoCommonCodec", err)
	}
	// Opus at another clock rate, or with more channels, is not Opus.
	for _, m := range []string{"opus/16000/2", "opus/48000/6", "G722/16000"} {
		if _, _, err := fixedSession("s", 1).Answer(offer("m=audio 4000 RTP/AVP 96", "a=rtpmap:96 "+m), wideDoor()); !errors.Is(err, ErrNoCommonCodec) {
			t.Errorf("%s: %v, want ErrNoCommonCodec", m, err)
		}
	}
	// An oversized fmtp is ignored, not an error: the codec takes its defaults.
	_, p, err := fixedSession("s", 1).Answer(offer("m=audio 4000 RTP/AVP 96", "a=rtpmap:96 opus/48000/2",
		"a=fmtp:96 useinbandfec=1;"+strings.Repeat("x", 600)), wideDoor())
	if err != nil || p.Codec != Opus || p.FMTP != "" {
		t.Errorf("oversized fmtp: %+v %v", p, err)
	}
}
