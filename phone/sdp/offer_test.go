package sdp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
)

func TestOfferBytes(t *testing.T) {
	s := fixedSession("skoip", 3141592)
	body, err := s.Offer(door())
	if err != nil {
		t.Fatal(err)
	}
	want := "v=0\r\n" +
		"o=skoip 3141592 1 IN IP4 192.168.1.10\r\n" + // user, id, first version, our address
		"s=SKOIP\r\n" +
		"c=IN IP4 192.168.1.10\r\n" + // never empty
		"t=0 0\r\n" +
		"m=audio 10000 RTP/AVP 0 8 96 101\r\n" + // our preference order, then DTMF
		"a=rtpmap:0 PCMU/8000\r\n" +
		"a=rtpmap:8 PCMA/8000\r\n" +
		"a=rtpmap:96 L16/8000\r\n" + // dynamic: static 11 is L16/44100
		"a=rtpmap:101 telephone-event/8000\r\n" +
		"a=fmtp:101 0-16\r\n" +
		"a=ptime:20\r\n" +
		"a=sendrecv\r\n"
	if string(body) != want {
		t.Errorf("offer:\n%s\nwant:\n%s", body, want)
	}
	checkOurs(t, body)
}

func TestOfferVariants(t *testing.T) {
	cases := []struct {
		name  string
		local func(*Local)
		has   []string
		lacks []string
	}{
		{"ipv6", func(l *Local) { l.Addr = netip.MustParseAddr("2001:db8::10%eth0") },
			[]string{"o=skoip 1 1 IN IP6 2001:db8::10\r\n", "c=IN IP6 2001:db8::10\r\n"}, []string{"%"}},
		{"mapped ipv4", func(l *Local) { l.Addr = netip.MustParseAddr("::ffff:10.1.2.3") },
			[]string{"c=IN IP4 10.1.2.3\r\n"}, nil},
		{"pcma only no dtmf", func(l *Local) { l.Codecs = []string{"pcma"}; l.DTMF = false },
			[]string{"m=audio 10000 RTP/AVP 8\r\n"}, []string{"telephone-event", "fmtp"}},
		{"duplicates", func(l *Local) { l.Codecs = []string{PCMA, PCMA, PCMU} },
			[]string{"m=audio 10000 RTP/AVP 8 0 101\r\n"}, nil},
		{"cn", func(l *Local) { l.CN = true },
			[]string{"m=audio 10000 RTP/AVP 0 8 96 13 101\r\n", "a=rtpmap:13 CN/8000\r\n"}, nil},
		{"hold", func(l *Local) { l.Direction = media.SendOnly },
			[]string{"a=sendonly\r\n", "c=IN IP4 192.168.1.10\r\n"}, []string{"0.0.0.0", "sendrecv"}},
		{"inactive", func(l *Local) { l.Direction = media.Inactive }, []string{"a=inactive\r\n"}, nil},
		{"ptime 30", func(l *Local) { l.PTime = 30 * time.Millisecond }, []string{"a=ptime:30\r\n"}, nil},
		{"ptime 25 invalid", func(l *Local) { l.PTime = 25 * time.Millisecond }, []string{"a=ptime:20\r\n"}, nil},
		{"user with blanks", nil, []string{"o=door_1 1 1 "}, nil},
		{"largest", func(l *Local) {
			l.Addr = netip.MustParseAddr("2001:db8:1234:5678:9abc:def0:1234:5678")
			l.CN, l.Port, l.PTime = true, 65534, 60*time.Millisecond
		}, []string{"m=audio 65534 RTP/AVP 0 8 96 13 101\r\n"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := door()
			if tc.local != nil {
				tc.local(&l)
			}
			user := "skoip"
			switch tc.name {
			case "user with blanks":
				user = "door _1\t"
			case "largest":
				user = strings.Repeat("ü", 40)
			}
			body, err := fixedSession(user, 1).Offer(l)
			if err != nil {
				t.Fatal(err)
			}
			checkOurs(t, body)
			for _, h := range tc.has {
				if !strings.Contains(string(body), h) {
					t.Errorf("offer lacks %q:\n%s", h, body)
				}
			}
			for _, h := range tc.lacks {
				if strings.Contains(string(body), h) {
					t.Errorf("offer has %q:\n%s", h, body)
				}
			}
		})
	}
}

func TestBadLocal(t *testing.T) {
	cases := map[string]func(*Local){
		"no address":         func(l *Local) { l.Addr = netip.Addr{} },
		"unspecified ipv4":   func(l *Local) { l.Addr = netip.IPv4Unspecified() },
		"unspecified ipv6":   func(l *Local) { l.Addr = netip.IPv6Unspecified() },
		"port 0":             func(l *Local) { l.Port = 0 },
		"port 65535":         func(l *Local) { l.Port = 65535 }, // no room for RTCP
		"no codecs":          func(l *Local) { l.Codecs = nil },
		"unknown codec":      func(l *Local) { l.Codecs = []string{"G729"} },
		"LPCM":               func(l *Local) { l.Codecs = []string{"LPCM"} },
		"dtmf is no codec":   func(l *Local) { l.Codecs = []string{"telephone-event"} },
		"bad direction":      func(l *Local) { l.Direction = media.Inactive + 1 },
		"negative direction": func(l *Local) { l.Direction = -1 },
	}
	offer := readOffer(t, "sipp-uac")
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			l := door()
			f(&l)
			s := NewSession("skoip")
			if _, err := s.Offer(l); !errors.Is(err, ErrBadLocal) {
				t.Errorf("Offer error = %v, want ErrBadLocal", err)
			}
			if _, _, err := s.Answer(offer, l); !errors.Is(err, ErrBadLocal) {
				t.Errorf("Answer error = %v, want ErrBadLocal", err)
			}
			if s.Version() != 0 {
				t.Errorf("version %d after failures", s.Version())
			}
		})
	}
}
