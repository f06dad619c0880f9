package sdp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
)

// answerCase is one real-world offer and what answering it must give.
type answerCase struct {
	offer  string // testdata/offers/<offer>.sdp
	local  func(*Local)
	err    error
	params media.Params
	rtcp   string // RemoteRTCP
	mLines []string
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func pcmu(remote string, dtmf uint8) media.Params {
	return media.Params{Remote: ap(remote), PayloadType: 0, Codec: PCMU, ClockRate: 8000,
		DTMFType: dtmf, PTime: 20 * time.Millisecond, Direction: media.SendRecv}
}

func with(p media.Params, f func(*media.Params)) media.Params { f(&p); return p }

func pcma(p media.Params) media.Params { p.Codec, p.PayloadType = PCMA, 8; return p }

var answerCases = []answerCase{
	{offer: "baresip-1.0.0", params: pcmu("192.0.2.2:47300", 105), rtcp: "192.0.2.2:47301",
		mLines: []string{"m=audio 10000 RTP/AVP 0 105"}},
	{offer: "baresip-1.0.0", local: func(l *Local) { l.Codecs = []string{L16} },
		params: with(pcmu("192.0.2.2:47300", 105), func(p *media.Params) { p.Codec, p.PayloadType = L16, 104 }),
		mLines: []string{"m=audio 10000 RTP/AVP 104 105"}},
	{offer: "baresip-1.0.0-g711", params: pcmu("192.0.2.2:47308", 101),
		mLines: []string{"m=audio 10000 RTP/AVP 0 101"}},
	{offer: "baresip-1.0.0-g711", local: func(l *Local) { l.Codecs = []string{PCMA}; l.DTMF = false },
		params: with(pcmu("192.0.2.2:47308", 0), func(p *media.Params) { p.Codec, p.PayloadType = PCMA, 8 }),
		mLines: []string{"m=audio 10000 RTP/AVP 8"}},
	{offer: "sipp-uac", params: pcmu("127.0.0.1:47200", 0), rtcp: "127.0.0.1:47201",
		mLines: []string{"m=audio 10000 RTP/AVP 0"}},
	{offer: "sipp-uac-pcap",
		params: with(pcmu("127.0.0.1:6000", 101), func(p *media.Params) { p.Codec, p.PayloadType = PCMA, 8 }),
		mLines: []string{"m=audio 10000 RTP/AVP 8 101"}},
	{offer: "linphone-5", params: pcmu("192.168.1.50:7078", 100), rtcp: "192.168.1.50:7079",
		mLines: []string{"m=audio 10000 RTP/AVP 0 100", "m=video 0 RTP/AVP 96"}},
	{offer: "linphone-5-ipv6", local: func(l *Local) { l.Addr = netip.MustParseAddr("2001:db8::10") },
		params: pcmu("[2001:db8::50]:7078", 101), rtcp: "[2001:db8::51]:7079",
		mLines: []string{"m=audio 10000 RTP/AVP 0 101", "m=video 0 RTP/AVP 96"}},
	{offer: "linphone-5-srtp-mandatory", err: ErrNoCommonCodec},
	// baresip with media encryption srtp (best effort) and srtp-mand,
	// answered with SRTP off (door() has CryptoOff): see TestAnswerCrypto.
	{offer: "baresip-1.0.0-srtp", params: pcmu("192.0.2.2:47300", 101), rtcp: "192.0.2.2:47301",
		mLines: []string{"m=audio 10000 RTP/AVP 0 101"}},
	{offer: "baresip-1.0.0-srtp-mand", err: ErrNoCommonCodec},
	// Offers that list PCMA first are answered with PCMA: the offerer's
	// order decides (RFC 3264 section 6.1), unless Local.OwnOrder.
	{offer: "srtp-best-effort", params: pcma(pcmu("192.168.1.70:49172", 101)),
		mLines: []string{"m=audio 0 RTP/SAVP 8", "m=audio 10000 RTP/AVP 8 101"}},
	{offer: "asterisk-pjsip", params: pcma(pcmu("192.168.1.5:14618", 101)),
		mLines: []string{"m=audio 10000 RTP/AVP 8 101"}},
	{offer: "asterisk-pjsip", local: func(l *Local) { l.OwnOrder = true }, params: pcmu("192.168.1.5:14618", 101),
		mLines: []string{"m=audio 10000 RTP/AVP 0 101"}},
	{offer: "asterisk-pjsip", local: func(l *Local) { l.Codecs = []string{PCMA, PCMU} },
		params: with(pcmu("192.168.1.5:14618", 101), func(p *media.Params) { p.Codec, p.PayloadType = PCMA, 8 }),
		mLines: []string{"m=audio 10000 RTP/AVP 8 101"}},
	{offer: "freepbx-chan-sip",
		params: with(pcmu("10.10.0.2:18276", 101), func(p *media.Params) {
			p.CNType, p.PTime = 13, 30*time.Millisecond
		}),
		mLines: []string{"m=audio 10000 RTP/AVP 0 13 101"}},
	{offer: "asterisk-hold",
		params: with(pcma(pcmu("192.168.1.5:14618", 101)), func(p *media.Params) { p.Direction = media.RecvOnly }),
		mLines: []string{"m=audio 10000 RTP/AVP 8 101"}},
	{offer: "grandstream-gds3710", params: pcmu("192.168.1.60:5004", 101),
		mLines: []string{"m=audio 10000 RTP/AVP 0 101", "m=video 0 RTP/AVP 99"}},
	{offer: "2n-ip-verso", params: pcma(pcmu("192.168.1.61:4900", 101)),
		mLines: []string{"m=audio 10000 RTP/AVP 8 101", "m=video 0 RTP/AVP 97"}},
	{offer: "kamailio-yealink", params: pcmu("192.168.1.80:11798", 101),
		mLines: []string{"m=audio 10000 RTP/AVP 0 101"}},
	{offer: "old-hold-0000",
		params: with(pcmu("0.0.0.0:5004", 101), func(p *media.Params) { p.Direction = media.RecvOnly }),
		mLines: []string{"m=audio 10000 RTP/AVP 0 101"}},
	{offer: "inactive",
		params: with(pcma(pcmu("192.168.1.5:14618", 101)), func(p *media.Params) { p.Direction = media.Inactive }),
		mLines: []string{"m=audio 10000 RTP/AVP 8 101"}},
	{offer: "session-level-attrs",
		params: with(pcmu("192.168.1.90:30000", 0), func(p *media.Params) {
			p.Codec, p.PayloadType, p.Direction, p.PTime = L16, 104, media.SendOnly, 40*time.Millisecond
		}),
		mLines: []string{"m=audio 10000 RTP/AVP 104"}},
	{offer: "session-level-attrs", local: func(l *Local) { l.Codecs = []string{L16} },
		params: with(pcmu("192.168.1.90:30000", 0), func(p *media.Params) {
			p.Codec, p.PayloadType, p.Direction, p.PTime = L16, 104, media.SendOnly, 40*time.Millisecond
		}),
		mLines: []string{"m=audio 10000 RTP/AVP 104"}},
	{offer: "l16-only", err: ErrNoCommonCodec, local: func(l *Local) { l.Codecs = []string{PCMU, PCMA} }},
	{offer: "l16-only",
		params: with(pcmu("192.168.1.91:30002", 0), func(p *media.Params) {
			p.Codec, p.PayloadType, p.PTime = L16, 118, 10*time.Millisecond
		}),
		mLines: []string{"m=audio 10000 RTP/AVP 118"}},
	{offer: "no-common-codec", err: ErrNoCommonCodec},
	{offer: "t38-image", params: pcmu("192.168.1.5:14618", 0),
		mLines: []string{"m=image 0 udptl t38", "m=audio 10000 RTP/AVP 0"}},
	{offer: "quirky-order", params: pcmu("192.168.1.94:6500", 0),
		mLines: []string{"m=audio 10000 RTP/AVP 0"}},
}

func TestAnswerRealOffers(t *testing.T) {
	for _, tc := range answerCases {
		name := tc.offer
		if tc.local != nil {
			name += "/variant"
		}
		t.Run(name, func(t *testing.T) {
			l := door()
			if tc.local != nil {
				tc.local(&l)
			}
			s := fixedSession("skoip", 4242)
			body, p, err := s.Answer(readOffer(t, tc.offer), l)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Answer error = %v, want %v", err, tc.err)
				}
				if body != nil || s.Version() != 0 {
					t.Errorf("failed Answer produced %q, version %d", body, s.Version())
				}
				return
			}
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if p != tc.params {
				t.Errorf("params\n got %+v\nwant %+v", p, tc.params)
			}
			if tc.rtcp != "" && s.RemoteRTCP() != ap(tc.rtcp) {
				t.Errorf("RemoteRTCP = %v, want %v", s.RemoteRTCP(), tc.rtcp)
			}
			checkOurs(t, body)
			ms := mLinesOf(body)
			if strings.Join(ms, "|") != strings.Join(tc.mLines, "|") {
				t.Errorf("m= lines %q, want %q", ms, tc.mLines)
			}
			if tc.local == nil {
				golden(t, tc.offer, body)
			}
		})
	}
}

// The same offers with LF line ends (as some phones send them) give the
// same answers.
func TestAnswerLFOffers(t *testing.T) {
	for _, tc := range answerCases {
		crlf := readOffer(t, tc.offer)
		lf := []byte(strings.ReplaceAll(string(crlf), "\r\n", "\n"))
		a1, p1, err1 := fixedSession("x", 1).Answer(crlf, door())
		a2, p2, err2 := fixedSession("x", 1).Answer(lf, door())
		if string(a1) != string(a2) || p1 != p2 || errString(err1) != errString(err2) {
			t.Errorf("%s: LF and CRLF offers answered differently: %v / %v", tc.offer, err1, err2)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// mLinesOf returns the m= lines of an SDP body as written.
func mLinesOf(body []byte) []string {
	var ms []string
	for l := range strings.SplitSeq(string(body), "\r\n") {
		if strings.HasPrefix(l, "m=") {
			ms = append(ms, l)
		}
	}
	return ms
}
