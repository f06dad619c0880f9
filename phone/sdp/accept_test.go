package sdp

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
)

// answerHead starts answers from a peer at 192.168.1.50.
const answerHead = "v=0\r\no=peer 5 6 IN IP4 192.168.1.50\r\ns=-\r\nc=IN IP4 192.168.1.50\r\nt=0 0\r\n"

func TestAccept(t *testing.T) {
	withCN := func(l *Local) { l.CN = true }
	cases := []struct {
		name   string
		local  func(*Local)
		answer string
		err    error
		want   media.Params
	}{
		{name: "baresip style", answer: answerHead + "m=audio 7000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n" +
			"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\na=ptime:20\r\n",
			want: pcmu("192.168.1.50:7000", 101)},
		{name: "answerer's order wins", answer: answerHead + "m=audio 7000 RTP/AVP 8 0\r\n",
			want: with(pcmu("192.168.1.50:7000", 0), func(p *media.Params) { p.Codec, p.PayloadType = PCMA, 8 })},
		{name: "L16 answered with another dynamic PT",
			answer: answerHead + "m=audio 7000 RTP/AVP 97 99\r\na=rtpmap:97 L16/8000\r\na=rtpmap:99 telephone-event/8000\r\n",
			want:   with(pcmu("192.168.1.50:7000", 99), func(p *media.Params) { p.Codec, p.PayloadType = L16, 97 })},
		{name: "unknown codec skipped", answer: answerHead + "m=audio 7000 RTP/AVP 9 8\r\na=rtpmap:9 G722/8000\r\n",
			want: with(pcmu("192.168.1.50:7000", 0), func(p *media.Params) { p.Codec, p.PayloadType = PCMA, 8 })},
		{name: "CN not offered is ignored", answer: answerHead + "m=audio 7000 RTP/AVP 0 13\r\n",
			want: pcmu("192.168.1.50:7000", 0)},
		{name: "CN offered and answered", local: withCN, answer: answerHead + "m=audio 7000 RTP/AVP 0 13\r\n",
			want: with(pcmu("192.168.1.50:7000", 0), func(p *media.Params) { p.CNType = 13 })},
		{name: "DTMF not offered is ignored", local: func(l *Local) { l.DTMF = false },
			answer: answerHead + "m=audio 7000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n",
			want:   pcmu("192.168.1.50:7000", 0)},
		{name: "peer puts us on hold", answer: answerHead + "m=audio 7000 RTP/AVP 0\r\na=sendonly\r\n",
			want: with(pcmu("192.168.1.50:7000", 0), func(p *media.Params) { p.Direction = media.RecvOnly })},
		{name: "our hold answered recvonly", local: func(l *Local) { l.Direction = media.SendOnly },
			answer: answerHead + "m=audio 7000 RTP/AVP 0\r\na=recvonly\r\n",
			want:   with(pcmu("192.168.1.50:7000", 0), func(p *media.Params) { p.Direction = media.SendOnly })},
		{name: "answerer's ptime and maxptime", answer: answerHead + "m=audio 7000 RTP/AVP 0\r\na=ptime:60\r\na=maxptime:40\r\n",
			want: with(pcmu("192.168.1.50:7000", 0), func(p *media.Params) { p.PTime = 40 * time.Millisecond })},
		{name: "media-level IPv6", answer: answerHead + "m=audio 7000 RTP/AVP 0\r\nc=IN IP6 2001:db8::7\r\n",
			want: pcmu("[2001:db8::7]:7000", 0)},
		{name: "rejected", answer: answerHead + "m=audio 0 RTP/AVP 0\r\n", err: ErrNoCommonCodec},
		{name: "none of ours", answer: answerHead + "m=audio 7000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n", err: ErrNoCommonCodec},
		{name: "codec we did not offer", local: func(l *Local) { l.Codecs = []string{PCMA} },
			answer: answerHead + "m=audio 7000 RTP/AVP 0\r\n", err: ErrNoCommonCodec},
		{name: "SAVP", answer: answerHead + "m=audio 7000 RTP/SAVP 0\r\n", err: ErrNoCommonCodec},
		{name: "no m=", answer: answerHead, err: ErrBadSDP},
		{name: "garbage", answer: "200 OK", err: ErrBadSDP},
		{name: "no address", answer: strings.Replace(answerHead, "c=IN IP4 192.168.1.50\r\n", "", 1) +
			"m=audio 7000 RTP/AVP 0\r\n", err: ErrBadSDP},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := door()
			if tc.local != nil {
				tc.local(&l)
			}
			s := NewSession("x")
			if _, err := s.Offer(l); err != nil {
				t.Fatal(err)
			}
			p, err := s.Accept([]byte(tc.answer))
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.HasPrefix(err.Error(), "sdp.Accept: ") {
					t.Fatalf("error %v, want sdp.Accept: %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p != tc.want {
				t.Errorf("params\n got %+v\nwant %+v", p, tc.want)
			}
		})
	}
}

// The same answer in a 183 and then in the 200 OK is accepted twice.
func TestAcceptTwice(t *testing.T) {
	s := NewSession("x")
	if _, err := s.Offer(door()); err != nil {
		t.Fatal(err)
	}
	answer := []byte(answerHead + "m=audio 7000 RTP/AVP 0\r\na=rtcp:7005 IN IP4 192.168.1.51\r\n")
	for range 2 {
		if _, err := s.Accept(answer); err != nil {
			t.Fatal(err)
		}
	}
	if want := netip.MustParseAddrPort("192.168.1.51:7005"); s.RemoteRTCP() != want {
		t.Errorf("RemoteRTCP %v, want %v", s.RemoteRTCP(), want)
	}
}

func TestPTimeChoice(t *testing.T) {
	cases := []struct {
		attrs string
		local time.Duration
		want  time.Duration
	}{
		{"", 0, 20 * time.Millisecond},
		{"", 30 * time.Millisecond, 30 * time.Millisecond},
		{"a=ptime:10\r\n", 0, 10 * time.Millisecond},
		{"a=ptime:60\r\n", 0, 60 * time.Millisecond},
		{"a=ptime:20.0\r\n", 0, 20 * time.Millisecond},
		{"a=ptime:25\r\n", 0, 20 * time.Millisecond},
		{"a=ptime:5\r\n", 0, 20 * time.Millisecond},
		{"a=ptime:70\r\n", 0, 20 * time.Millisecond},
		{"a=ptime:0\r\n", 0, 20 * time.Millisecond},
		{"a=ptime:30\r\na=maxptime:20\r\n", 0, 20 * time.Millisecond},
		{"a=ptime:60\r\na=maxptime:25\r\n", 0, 20 * time.Millisecond},
		{"a=maxptime:5\r\n", 0, 10 * time.Millisecond},
		{"a=maxptime:150\r\n", 0, 20 * time.Millisecond},
	}
	for _, tc := range cases {
		l := door()
		l.PTime = tc.local
		offer := goodHead + "m=audio 4000 RTP/AVP 0\r\n" + tc.attrs
		body, p, err := NewSession("x").Answer([]byte(offer), l)
		if err != nil {
			t.Fatal(err)
		}
		if p.PTime != tc.want {
			t.Errorf("%q with local %v: ptime %v, want %v", tc.attrs, tc.local, p.PTime, tc.want)
		}
		if want := "a=ptime:" + uitoa(uint64(tc.want/time.Millisecond)) + "\r\n"; !strings.Contains(string(body), want) {
			t.Errorf("%q: answer lacks %q:\n%s", tc.attrs, want, body)
		}
	}
}

// A real baresip 1.0.0 auto-answer (its 200 OK) to our offer
// (Codecs L16, PCMA, PCMU with DTMF and CN, captured on loopback): baresip
// took our dynamic L16/8000 and telephone-event, listed PCMA and PCMU as
// well and left out CN.
func TestAcceptBaresipAnswer(t *testing.T) {
	s := NewSession("skoip")
	l := Local{Addr: netip.MustParseAddr("127.0.0.1"), Port: 47400,
		Codecs: []string{L16, PCMA, PCMU}, DTMF: true, CN: true}
	if _, err := s.Offer(l); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "peer-answers", "baresip-1.0.0.sdp"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Accept([]byte(strings.ReplaceAll(string(b), "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := with(pcmu("192.0.2.2:47324", 101), func(p *media.Params) { p.Codec, p.PayloadType = L16, 96 })
	if p != want {
		t.Errorf("params\n got %+v\nwant %+v", p, want)
	}
}
