package sdp

import (
	"errors"
	"strings"
	"testing"
)

const goodHead = "v=0\r\no=- 1 1 IN IP4 192.168.1.2\r\ns=-\r\nc=IN IP4 192.168.1.2\r\nt=0 0\r\n"

func TestAnswerMalformed(t *testing.T) {
	many := goodHead + strings.Repeat("m=video 0 RTP/AVP 96\r\n", maxStreams) + "m=audio 4000 RTP/AVP 0\r\n"
	cases := []struct {
		name, body string
		err        error
	}{
		{"empty", "", ErrBadSDP},
		{"text", "hello world\r\n", ErrBadSDP},
		{"binary", "\x00\xff\x10=\x01", ErrBadSDP},
		{"version 1", strings.Replace(goodHead, "v=0", "v=1", 1) + "m=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"two v=", "v=0\r\n" + goodHead + "m=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"no o=", "v=0\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"bad o= id", strings.Replace(goodHead, "- 1 1", "- x 1", 1) + "m=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"line without =", goodHead + "m=audio 4000 RTP/AVP 0\r\nrtpmap 0 PCMU/8000\r\n", ErrBadSDP},
		{"short m=", goodHead + "m=audio 4000\r\n", ErrBadSDP},
		{"port not a number", goodHead + "m=audio four RTP/AVP 0\r\n", ErrBadSDP},
		{"port too big", goodHead + "m=audio 70000 RTP/AVP 0\r\n", ErrBadSDP},
		{"negative port", goodHead + "m=audio -4 RTP/AVP 0\r\n", ErrBadSDP},
		{"no c=", "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"c= without address", strings.Replace(goodHead, "IP4 192.168.1.2\r\nt", "IP4\r\nt", 1) + "m=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"c= host name", strings.Replace(goodHead, "c=IN IP4 192.168.1.2", "c=IN IP4 pbx.example.com", 1) + "m=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"c= network type", strings.Replace(goodHead, "c=IN", "c=ATM", 1) + "m=audio 4000 RTP/AVP 0\r\n", ErrBadSDP},
		{"too many m=", many, ErrBadSDP},
		{"too big", goodHead + "m=audio 4000 RTP/AVP 0\r\n" + strings.Repeat("a=x\r\n", maxBody/5), ErrBadSDP},
		{"no m=", goodHead, ErrNoCommonCodec},
		{"audio rejected by offerer", goodHead + "m=audio 0 RTP/AVP 0\r\n", ErrNoCommonCodec},
		{"dynamic PT without rtpmap", goodHead + "m=audio 4000 RTP/AVP 96\r\n", ErrNoCommonCodec},
		{"L16 stereo only", goodHead + "m=audio 4000 RTP/AVP 100\r\na=rtpmap:100 L16/8000/2\r\n", ErrNoCommonCodec},
		{"static 11 is L16/44100", goodHead + "m=audio 4000 RTP/AVP 11\r\n", ErrNoCommonCodec},
		{"PT 0 remapped", goodHead + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 G722/8000\r\n", ErrNoCommonCodec},
		{"PCMU at 16k", goodHead + "m=audio 4000 RTP/AVP 97\r\na=rtpmap:97 PCMU/16000\r\n", ErrNoCommonCodec},
		{"TCP audio", goodHead + "m=audio 4000 TCP/RTP/AVP 0\r\n", ErrNoCommonCodec},
		{"AVPF audio", goodHead + "m=audio 4000 RTP/AVPF 0\r\n", ErrNoCommonCodec},
		{"video only", goodHead + "m=video 4000 RTP/AVP 0\r\n", ErrNoCommonCodec},
		{"multicast IPv4", cAddr("IP4 224.2.1.1/127"), ErrNotAcceptable},
		{"multicast IPv4 top", cAddr("IP4 239.255.255.250"), ErrNotAcceptable},
		{"multicast IPv6", cAddr("IP6 ff0e::101"), ErrNotAcceptable},
		{"broadcast", cAddr("IP4 255.255.255.255"), ErrNotAcceptable},
		{"this network", cAddr("IP4 0.1.2.3"), ErrNotAcceptable},
		{"multicast in m= level c=", goodHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 232.1.1.1\r\n", ErrNotAcceptable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSession("x")
			body, p, err := s.Answer([]byte(tc.body), door())
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if !strings.HasPrefix(err.Error(), "sdp.Answer: ") {
				t.Errorf("error %q not wrapped with the callee's name", err)
			}
			if body != nil || p.Codec != "" || s.Version() != 0 {
				t.Errorf("failed answer left %q %+v version %d", body, p, s.Version())
			}
		})
	}
}

// Lenient parsing: variations real phones produce that must still work.
func TestAnswerLenient(t *testing.T) {
	cases := map[string]string{
		"LF only":           strings.ReplaceAll(goodHead+"m=audio 4000 RTP/AVP 0\r\n", "\r\n", "\n"),
		"no final newline":  goodHead + "m=audio 4000 RTP/AVP 0",
		"blank lines":       goodHead + "\r\n\r\nm=audio 4000 RTP/AVP 0\r\n\r\n",
		"trailing blanks":   strings.ReplaceAll(goodHead+"m=audio 4000 RTP/AVP 0\r\n", "\r\n", " \r\n"),
		"no s= no t=":       "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP4 192.168.1.2\r\nm=audio 4000 RTP/AVP 0\r\n",
		"c= after t=":       "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nc=IN IP4 192.168.1.2\r\nm=audio 4000 RTP/AVP 0\r\n",
		"a= before c=":      goodHead + "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\nc=IN IP4 192.168.1.2\r\n",
		"unknown line type": goodHead + "y=0100000001\r\nf=v/2/1\r\nm=audio 4000 RTP/AVP 0\r\n",
		"case in rtpmap":    goodHead + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 pcmu/8000\r\n",
		"mono channel":      goodHead + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/1\r\n",
		"multicast ttl":     strings.Replace(goodHead, "c=IN IP4 192.168.1.2", "c=IN IP4 192.168.1.2/127", 1) + "m=audio 4000 RTP/AVP 0\r\n",
		"bad rtpmap kept":   goodHead + "m=audio 4000 RTP/AVP 0 96\r\na=rtpmap:96\r\na=rtpmap:x y\r\n",
		"ptime garbage":     goodHead + "m=audio 4000 RTP/AVP 0\r\na=ptime:abc\r\na=maxptime:-5\r\n",
		"fmt not a number":  goodHead + "m=audio 4000 RTP/AVP x 0\r\n",
		"IP6 label on IPv4": strings.Replace(goodHead, "c=IN IP4", "c=IN IP6", 1) + "m=audio 4000 RTP/AVP 0\r\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			_, p, err := NewSession("x").Answer([]byte(body), door())
			if err != nil {
				t.Fatal(err)
			}
			if p.Codec != PCMU || p.Remote.Port() != 4000 || p.Remote.Addr().String() != "192.168.1.2" ||
				p.PTime != DefaultPTime {
				t.Errorf("params %+v", p)
			}
		})
	}
}

// cAddr is an offer of PCMU whose session c= line is "c=IN " + addr.
func cAddr(addr string) string {
	return strings.Replace(goodHead, "c=IN IP4 192.168.1.2", "c=IN "+addr, 1) + "m=audio 4000 RTP/AVP 0\r\n"
}

// A multicast answer is refused; neither refusal is ErrNoCommonCodec, and
// 0.0.0.0 (hold) is still taken.
func TestMulticastRefused(t *testing.T) {
	s := NewSession("x")
	if _, err := s.Offer(door()); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accept([]byte(cAddr("IP4 224.0.0.1")))
	if !errors.Is(err, ErrNotAcceptable) || errors.Is(err, ErrNoCommonCodec) || errors.Is(err, ErrBadSDP) {
		t.Errorf("multicast answer: %v, want only ErrNotAcceptable", err)
	}
	for _, hold := range []string{"IP4 0.0.0.0", "IP6 ::"} {
		if _, p, err := NewSession("x").Answer([]byte(cAddr(hold)), door()); err != nil || !p.Remote.Addr().IsUnspecified() {
			t.Errorf("hold offer c=%s: %+v %v", hold, p, err)
		}
	}
}
