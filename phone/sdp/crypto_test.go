package sdp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/skoip/skoip/media"
)

// The keys in the baresip test offers (testdata/offers/baresip-1.0.0-srtp*.sdp).
var (
	bareKey1 = seq(1)   // tag 1, AES_CM_128_HMAC_SHA1_80
	bareKey2 = seq(101) // tag 2, AES_CM_128_HMAC_SHA1_32
)

// seq is 30 bytes counting up from first.
func seq(first byte) []byte {
	k := make([]byte, keyLen)
	for i := range k {
		k[i] = first + byte(i)
	}
	return k
}

func b64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

func TestParseCrypto(t *testing.T) {
	k := b64(bareKey1)
	cases := []struct {
		v     string
		err   error
		tag   uint32
		suite string
	}{
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k, tag: 1, suite: suiteAES80},
		{v: "2 AES_CM_128_HMAC_SHA1_32 inline:" + k, tag: 2, suite: suiteAES32},
		{v: "123456789 aes_cm_128_hmac_sha1_80 INLINE:" + k, tag: 123456789, suite: suiteAES80},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^20", tag: 1, suite: suiteAES80},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|1048576", tag: 1, suite: suiteAES80},
		{v: "  1   AES_CM_128_HMAC_SHA1_80\tinline:" + k + "  ", tag: 1, suite: suiteAES80},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^20|1:32", err: errCryptoUnsupported},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|1:4", err: errCryptoUnsupported},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + " UNENCRYPTED_SRTCP", err: errCryptoUnsupported},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + " KDR=1", err: errCryptoUnsupported},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^20|1:4;inline:" + k + "|2^20|2:4", err: errCryptoUnsupported},
		{v: "1 AES_256_CM_HMAC_SHA1_80 inline:" + b64(make([]byte, 46)), err: errCryptoUnsupported},
		{v: "1 AEAD_AES_128_GCM inline:" + b64(make([]byte, 28)), err: errCryptoUnsupported},
		{v: "1 F8_128_HMAC_SHA1_80 inline:" + k, err: errCryptoUnsupported},
		{v: "1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key", err: errCryptoUnsupported},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + b64(bareKey1[:29]), err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + b64(append(seq(0), 1)), err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k[:39] + "!", err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:", err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline" + k, err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^x", err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|", err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|20|20", err: errCryptoMalformed},
		{v: "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + k, err: errCryptoMalformed},
		{v: "-1 AES_CM_128_HMAC_SHA1_80 inline:" + k, err: errCryptoMalformed},
		{v: "x AES_CM_128_HMAC_SHA1_80 inline:" + k, err: errCryptoMalformed},
		{v: "1 AES_CM_128_HMAC_SHA1_80", err: errCryptoMalformed},
		{v: "", err: errCryptoMalformed},
	}
	for _, tc := range cases {
		c, err := parseCrypto(tc.v)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("parseCrypto(%q) = %v, want %v", tc.v, err, tc.err)
			}
			continue
		}
		if err != nil || c.tag != tc.tag || c.suite != tc.suite || !bytes.Equal(c.key, bareKey1) {
			t.Errorf("parseCrypto(%q) = %+v, %v", tc.v, c, err)
		}
	}
}

// FuzzParseCrypto: never a panic; what parses is a supported suite with a
// 30-byte key, and writes back to a line that parses the same.
func FuzzParseCrypto(f *testing.F) {
	k := b64(bareKey1)
	for _, s := range []string{
		"1 AES_CM_128_HMAC_SHA1_80 inline:" + k,
		"2 AES_CM_128_HMAC_SHA1_32 inline:" + k + "|2^31",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^20|1:32",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" + k + " UNENCRYPTED_SRTP",
		"3 AES_256_CM_HMAC_SHA1_80 inline:" + b64(make([]byte, 46)),
		"1 AES_CM_128_HMAC_SHA1_80 inline:" + k + ";inline:" + k,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c, err := parseCrypto(v)
		if err != nil {
			if !errors.Is(err, errCryptoMalformed) && !errors.Is(err, errCryptoUnsupported) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(c.key) != keyLen || (c.suite != suiteAES80 && c.suite != suiteAES32) || c.tag > 999999999 {
			t.Fatalf("parsed %+v from %q", c, v)
		}
		again, err := parseCrypto(c.value())
		if err != nil || again.tag != c.tag || again.suite != c.suite || !bytes.Equal(again.key, c.key) {
			t.Fatalf("%q: written as %q, read back %+v, %v", v, c.value(), again, err)
		}
	})
}

var cryptoLineRE = regexp.MustCompile(`a=crypto:(\d+) (\S+) inline:([A-Za-z0-9+/=]+)\r\n`)

// cryptoLines returns the a=crypto lines of our SDP, parsed.
func cryptoLines(t *testing.T, body []byte) []cryptoAttr {
	t.Helper()
	var out []cryptoAttr
	for _, l := range strings.SplitAfter(string(body), "\r\n") {
		if !strings.HasPrefix(l, "a=crypto:") {
			continue
		}
		if !cryptoLineRE.MatchString(l) {
			t.Fatalf("a=crypto line not as RFC 4568 writes it: %q", l)
		}
		c, err := parseCrypto(strings.TrimSuffix(strings.TrimPrefix(l, "a=crypto:"), "\r\n"))
		if err != nil {
			t.Fatalf("our a=crypto %q: %v", l, err)
		}
		out = append(out, c)
	}
	return out
}

func withCrypto(c Crypto) Local {
	l := door()
	l.Crypto = c
	return l
}

func TestOfferCrypto(t *testing.T) {
	for _, tc := range []struct {
		crypto Crypto
		m      string
	}{
		{CryptoOff, "m=audio 10000 RTP/AVP 0 8 96 101\r\n"},
		{CryptoOptional, "m=audio 10000 RTP/AVP 0 8 96 101\r\n"},
		{CryptoRequired, "m=audio 10000 RTP/SAVP 0 8 96 101\r\n"},
	} {
		s := NewSession("x")
		body, err := s.Offer(withCrypto(tc.crypto))
		if err != nil {
			t.Fatal(err)
		}
		checkOurs(t, body)
		if !strings.Contains(string(body), tc.m) {
			t.Errorf("crypto %d: offer lacks %q:\n%s", tc.crypto, tc.m, body)
		}
		cs := cryptoLines(t, body)
		if tc.crypto == CryptoOff {
			if len(cs) != 0 {
				t.Errorf("CryptoOff offers a=crypto:\n%s", body)
			}
			continue
		}
		if len(cs) != 2 || cs[0].tag != 1 || cs[0].suite != suiteAES80 || cs[1].tag != 2 || cs[1].suite != suiteAES32 {
			t.Fatalf("a=crypto lines %+v", cs)
		}
		if bytes.Equal(cs[0].key, cs[1].key) || bytes.Equal(cs[0].key, make([]byte, keyLen)) {
			t.Errorf("keys not fresh: %x %x", cs[0].key, cs[1].key)
		}
		// A re-offer repeats the keys: same body, same version.
		again, err := s.Offer(withCrypto(tc.crypto))
		if err != nil || !bytes.Equal(again, body) || s.Version() != 1 {
			t.Errorf("re-offer differs (version %d):\n%s", s.Version(), again)
		}
		// Another call gets other keys.
		other, _ := NewSession("x").Offer(withCrypto(tc.crypto))
		if oc := cryptoLines(t, other); bytes.Equal(oc[0].key, cs[0].key) {
			t.Error("two sessions offered the same key")
		}
	}
	if _, err := NewSession("x").Offer(withCrypto(Crypto(7))); !errors.Is(err, ErrBadLocal) {
		t.Errorf("Crypto(7): %v, want ErrBadLocal", err)
	}
}

// offerWith is a baresip-style offer on transport proto with the given
// a=crypto values.
func offerWith(proto string, crypto ...string) []byte {
	s := "v=0\r\no=- 1 2 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\n" +
		"m=audio 47300 " + proto + " 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
	for _, c := range crypto {
		s += "a=crypto:" + c + "\r\n"
	}
	return []byte(s + "a=ptime:20\r\n")
}

func TestAnswerCrypto(t *testing.T) {
	k1, k2 := b64(bareKey1), b64(bareKey2)
	cases := []struct {
		name   string
		offer  []byte
		crypto Crypto
		err    error
		m      string // our m= line (first one)
		tag    uint32 // 0: plain RTP
		suite  string
		remote []byte
	}{
		{name: "baresip srtp, optional", offer: readOffer(t, "baresip-1.0.0-srtp"), crypto: CryptoOptional,
			m: "m=audio 10000 RTP/AVP 0 101", tag: 1, suite: suiteAES80, remote: bareKey1},
		{name: "baresip srtp, required", offer: readOffer(t, "baresip-1.0.0-srtp"), crypto: CryptoRequired,
			m: "m=audio 10000 RTP/AVP 0 101", tag: 1, suite: suiteAES80, remote: bareKey1},
		{name: "baresip srtp, off", offer: readOffer(t, "baresip-1.0.0-srtp"), crypto: CryptoOff,
			m: "m=audio 10000 RTP/AVP 0 101"},
		{name: "baresip srtp-mand, optional", offer: readOffer(t, "baresip-1.0.0-srtp-mand"), crypto: CryptoOptional,
			m: "m=audio 10000 RTP/SAVP 0 101", tag: 1, suite: suiteAES80, remote: bareKey1},
		{name: "baresip srtp-mand, required", offer: readOffer(t, "baresip-1.0.0-srtp-mand"), crypto: CryptoRequired,
			m: "m=audio 10000 RTP/SAVP 0 101", tag: 1, suite: suiteAES80, remote: bareKey1},
		{name: "baresip srtp-mand, off", offer: readOffer(t, "baresip-1.0.0-srtp-mand"), crypto: CryptoOff, err: ErrNoCommonCodec},
		{name: "plain offer, required", offer: readOffer(t, "baresip-1.0.0-g711"), crypto: CryptoRequired, err: ErrNotAcceptable},
		{name: "plain offer, optional", offer: readOffer(t, "baresip-1.0.0-g711"), crypto: CryptoOptional,
			m: "m=audio 10000 RTP/AVP 0 101"},
		{name: "first suite unsupported", crypto: CryptoOptional,
			offer: offerWith("RTP/SAVP", "1 AES_256_CM_HMAC_SHA1_80 inline:"+b64(make([]byte, 46)), "2 AES_CM_128_HMAC_SHA1_32 inline:"+k2),
			m:     "m=audio 10000 RTP/SAVP 0 101", tag: 2, suite: suiteAES32, remote: bareKey2},
		{name: "MKI skipped", crypto: CryptoRequired,
			offer: offerWith("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+k1+"|2^20|1:32", "2 AES_CM_128_HMAC_SHA1_32 inline:"+k2),
			m:     "m=audio 10000 RTP/SAVP 0 101", tag: 2, suite: suiteAES32, remote: bareKey2},
		{name: "session parameter skipped", crypto: CryptoRequired,
			offer: offerWith("RTP/SAVP", "5 AES_CM_128_HMAC_SHA1_80 inline:"+k1+" UNENCRYPTED_SRTCP", "7 AES_CM_128_HMAC_SHA1_80 inline:"+k2),
			m:     "m=audio 10000 RTP/SAVP 0 101", tag: 7, suite: suiteAES80, remote: bareKey2},
		{name: "lifetime accepted", crypto: CryptoOptional,
			offer: offerWith("RTP/AVP", "9 AES_CM_128_HMAC_SHA1_32 inline:"+k2+"|2^31"),
			m:     "m=audio 10000 RTP/AVP 0 101", tag: 9, suite: suiteAES32, remote: bareKey2},
		{name: "short key skipped", crypto: CryptoOptional,
			offer: offerWith("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+b64(bareKey1[:20]), "2 AES_CM_128_HMAC_SHA1_80 inline:"+k2),
			m:     "m=audio 10000 RTP/AVP 0 101", tag: 2, suite: suiteAES80, remote: bareKey2},
		{name: "no usable line, AVP, optional", crypto: CryptoOptional,
			offer: offerWith("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+k1+"|1:4"), m: "m=audio 10000 RTP/AVP 0 101"},
		{name: "no usable line, AVP, required", crypto: CryptoRequired,
			offer: offerWith("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+k1+"|1:4"), err: ErrNotAcceptable},
		{name: "no usable line, SAVP, optional", crypto: CryptoOptional,
			offer: offerWith("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:!!"), err: ErrNotAcceptable},
		{name: "SAVP without crypto, optional", crypto: CryptoOptional, offer: offerWith("RTP/SAVP"), err: ErrNotAcceptable},
		{name: "SAVP with MKI, then AVP", offer: readOffer(t, "srtp-best-effort"), crypto: CryptoOptional,
			m: "m=audio 0 RTP/SAVP 8"},
		{name: "linphone srtp mandatory", offer: readOffer(t, "linphone-5-srtp-mandatory"), crypto: CryptoOptional,
			m: "m=audio 10000 RTP/SAVP 0 101", tag: 1, suite: suiteAES80},
		{name: "SAVPF is not for us", crypto: CryptoOptional,
			offer: offerWith("RTP/SAVPF", "1 AES_CM_128_HMAC_SHA1_80 inline:"+k1), err: ErrNoCommonCodec},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSession("x")
			body, p, err := s.Answer(tc.offer, withCrypto(tc.crypto))
			if tc.err != nil {
				if !errors.Is(err, tc.err) || body != nil || s.Version() != 0 {
					t.Fatalf("Answer = %v (body %q), want %v", err, body, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkOurs(t, body)
			if ms := mLinesOf(body); ms[0] != tc.m {
				t.Errorf("m= lines %q, want first %q", ms, tc.m)
			}
			cs := cryptoLines(t, body)
			if tc.tag == 0 {
				if p.SRTP != nil || len(cs) != 0 {
					t.Fatalf("plain RTP expected: %+v\n%s", p.SRTP, body)
				}
				return
			}
			if len(cs) != 1 || cs[0].tag != tc.tag || cs[0].suite != tc.suite {
				t.Fatalf("answered a=crypto %+v, want tag %d %s\n%s", cs, tc.tag, tc.suite, body)
			}
			if p.SRTP == nil || p.SRTP.Suite != tc.suite || !bytes.Equal(p.SRTP.LocalKey, cs[0].key) ||
				(tc.remote != nil && !bytes.Equal(p.SRTP.RemoteKey, tc.remote)) || len(p.SRTP.RemoteKey) != keyLen {
				t.Fatalf("Params.SRTP %+v", p.SRTP)
			}
			if bytes.Equal(p.SRTP.LocalKey, p.SRTP.RemoteKey) {
				t.Fatal("our key is the peer's")
			}
		})
	}
}

// answerTo writes a peer's answer to our offer: RTP/AVP (or proto) PCMU
// with the given a=crypto values.
func answerTo(proto string, crypto ...string) []byte {
	s := answerHead + "m=audio 7000 " + proto + " 0\r\n"
	for _, c := range crypto {
		s += "a=crypto:" + c + "\r\n"
	}
	return []byte(s)
}

func TestAcceptCrypto(t *testing.T) {
	peer := b64(bareKey2)
	cases := []struct {
		name   string
		crypto Crypto
		answer []byte
		err    error
		tag    uint32 // 0: plain
	}{
		{name: "tag 1", crypto: CryptoOptional, answer: answerTo("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+peer), tag: 1},
		{name: "tag 2", crypto: CryptoOptional, answer: answerTo("RTP/AVP", "2 AES_CM_128_HMAC_SHA1_32 inline:"+peer), tag: 2},
		{name: "SAVP tag 2, lifetime", crypto: CryptoRequired,
			answer: answerTo("RTP/SAVP", "2 AES_CM_128_HMAC_SHA1_32 inline:"+peer+"|2^31"), tag: 2},
		{name: "no crypto, optional", crypto: CryptoOptional, answer: answerTo("RTP/AVP")},
		{name: "no crypto, required", crypto: CryptoRequired, answer: answerTo("RTP/SAVP"), err: ErrNotAcceptable},
		{name: "no crypto on SAVP, optional", crypto: CryptoOptional, answer: answerTo("RTP/SAVP"), err: ErrNotAcceptable},
		{name: "unknown tag", crypto: CryptoOptional, answer: answerTo("RTP/AVP", "3 AES_CM_128_HMAC_SHA1_80 inline:"+peer), err: ErrNotAcceptable},
		{name: "other suite", crypto: CryptoOptional, answer: answerTo("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_32 inline:"+peer), err: ErrNotAcceptable},
		{name: "unsupported suite", crypto: CryptoOptional,
			answer: answerTo("RTP/AVP", "1 AES_256_CM_HMAC_SHA1_80 inline:"+b64(make([]byte, 46))), err: ErrNotAcceptable},
		{name: "MKI", crypto: CryptoOptional, answer: answerTo("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+peer+"|2^20|1:4"), err: ErrNotAcceptable},
		{name: "short key", crypto: CryptoRequired, answer: answerTo("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:QUJD"), err: ErrNotAcceptable},
		{name: "crypto we did not offer is ignored", crypto: CryptoOff, answer: answerTo("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+peer)},
		{name: "SAVP to a plain offer", crypto: CryptoOff, answer: answerTo("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+peer), err: ErrNoCommonCodec},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSession("x")
			offer, err := s.Offer(withCrypto(tc.crypto))
			if err != nil {
				t.Fatal(err)
			}
			offered := cryptoLines(t, offer)
			p, err := s.Accept(tc.answer)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.HasPrefix(err.Error(), "sdp.Accept: ") {
					t.Fatalf("Accept = %v, want %v", err, tc.err)
				}
				if s.srtp != nil {
					t.Fatal("a failed Accept changed the agreement")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.tag == 0 {
				if p.SRTP != nil {
					t.Fatalf("plain expected, got %+v", p.SRTP)
				}
				return
			}
			o := offered[tc.tag-1]
			want := media.SRTP{Suite: o.suite, LocalKey: o.key, RemoteKey: bareKey2}
			if p.SRTP == nil || p.SRTP.Suite != want.Suite || !bytes.Equal(p.SRTP.LocalKey, want.LocalKey) ||
				!bytes.Equal(p.SRTP.RemoteKey, want.RemoteKey) {
				t.Fatalf("Params.SRTP %+v, want %+v", p.SRTP, want)
			}
		})
	}
}

// Two of our sessions agree SRTP: each one's LocalKey is the other's
// RemoteKey.
func TestCryptoRoundTrip(t *testing.T) {
	for _, mode := range []Crypto{CryptoOptional, CryptoRequired} {
		caller, callee := NewSession("a"), NewSession("b")
		offer, err := caller.Offer(withCrypto(mode))
		if err != nil {
			t.Fatal(err)
		}
		answer, pb, err := callee.Answer(offer, withCrypto(CryptoOptional))
		if err != nil {
			t.Fatal(err)
		}
		pa, err := caller.Accept(answer)
		if err != nil {
			t.Fatal(err)
		}
		if pa.SRTP == nil || pb.SRTP == nil || pa.SRTP.Suite != suiteAES80 || pb.SRTP.Suite != suiteAES80 ||
			!bytes.Equal(pa.SRTP.LocalKey, pb.SRTP.RemoteKey) || !bytes.Equal(pb.SRTP.LocalKey, pa.SRTP.RemoteKey) {
			t.Fatalf("mode %d: keys do not mirror: %+v / %+v", mode, pa.SRTP, pb.SRTP)
		}
	}
}

// Re-INVITEs: a re-offer repeating the keys keeps them (hold and resume
// re-key nothing); new keys from the peer re-key; a key given up is never
// offered again.
func TestCryptoReInvite(t *testing.T) {
	t.Run("answerer", func(t *testing.T) {
		s := NewSession("x")
		l := withCrypto(CryptoOptional)
		offer := readOffer(t, "baresip-1.0.0-srtp")
		a1, p1, err := s.Answer(offer, l)
		if err != nil {
			t.Fatal(err)
		}
		p1.SRTP.LocalKey[0] ^= 0xff // the caller's copy: the Session's stays
		hold := []byte(strings.Replace(string(offer), "a=sendrecv", "a=sendonly", 1))
		a2, p2, err := s.Answer(hold, l)
		if err != nil {
			t.Fatal(err)
		}
		if k1, k2 := cryptoLines(t, a1)[0].key, cryptoLines(t, a2)[0].key; !bytes.Equal(k1, k2) || !bytes.Equal(p2.SRTP.LocalKey, k1) {
			t.Fatal("hold re-INVITE with the same key changed our key")
		}
		if _, _, err := s.Answer(offer, l); err != nil || s.Version() != 3 {
			t.Fatalf("resume: %v, version %d (hold and resume differ only in direction)", err, s.Version())
		}
		rekey := []byte(strings.Replace(string(offer), b64(bareKey1), b64(seq(200)), 1))
		a4, p4, err := s.Answer(rekey, l)
		if err != nil {
			t.Fatal(err)
		}
		if k := cryptoLines(t, a4)[0].key; bytes.Equal(k, cryptoLines(t, a1)[0].key) ||
			!bytes.Equal(p4.SRTP.LocalKey, k) || !bytes.Equal(p4.SRTP.RemoteKey, seq(200)) {
			t.Fatalf("new key from the peer: ours %x, params %+v", k, p4.SRTP)
		}
		// We offer next (our own hold): tag 1 carries the key in force.
		o, err := s.Offer(l)
		if err != nil {
			t.Fatal(err)
		}
		if c := cryptoLines(t, o); !bytes.Equal(c[0].key, p4.SRTP.LocalKey) {
			t.Fatal("re-offer does not repeat the key in force")
		}
	})
	t.Run("offerer", func(t *testing.T) {
		s := NewSession("x")
		l := withCrypto(CryptoOptional)
		o1, err := s.Offer(l)
		if err != nil {
			t.Fatal(err)
		}
		c1 := cryptoLines(t, o1)
		p1, err := s.Accept(answerTo("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+b64(bareKey2)))
		if err != nil {
			t.Fatal(err)
		}
		o2, err := s.Offer(l)
		if err != nil || !bytes.Equal(o1, o2) {
			t.Fatalf("re-offer differs: %v\n%s\n%s", err, o1, o2)
		}
		p2, err := s.Accept(answerTo("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+b64(seq(50))))
		if err != nil || !bytes.Equal(p2.SRTP.LocalKey, p1.SRTP.LocalKey) || !bytes.Equal(p2.SRTP.RemoteKey, seq(50)) {
			t.Fatalf("peer re-keyed in its answer: %+v, %v", p2.SRTP, err)
		}
		// The peer answers plain: our tag-1 key is given up for good, the
		// tag-2 key (never used) stays.
		if _, err := s.Offer(l); err != nil {
			t.Fatal(err)
		}
		if p, err := s.Accept(answerTo("RTP/AVP")); err != nil || p.SRTP != nil {
			t.Fatalf("plain answer: %+v, %v", p.SRTP, err)
		}
		o3, err := s.Offer(l)
		if err != nil {
			t.Fatal(err)
		}
		c3 := cryptoLines(t, o3)
		if bytes.Equal(c3[0].key, c1[0].key) || !bytes.Equal(c3[1].key, c1[1].key) {
			t.Fatalf("after giving up SRTP: tag 1 %x (was %x), tag 2 %x (was %x)", c3[0].key, c1[0].key, c3[1].key, c1[1].key)
		}
	})
}

// FuzzAnswerCrypto is FuzzAnswer with SRTP optional: never a panic, only
// the documented errors, and SRTP agreed only with a well-formed key.
func FuzzAnswerCrypto(f *testing.F) {
	for _, name := range []string{"baresip-1.0.0-srtp", "baresip-1.0.0-srtp-mand", "srtp-best-effort", "linphone-5-srtp-mandatory"} {
		f.Add(readOffer(f, name))
	}
	f.Fuzz(func(t *testing.T, offer []byte) {
		s := NewSession("fuzz")
		body, p, err := s.Answer(offer, withCrypto(CryptoOptional))
		if err != nil {
			if !errors.Is(err, ErrBadSDP) && !errors.Is(err, ErrNoCommonCodec) && !errors.Is(err, ErrNotAcceptable) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkOurs(t, body)
		cs := cryptoLines(t, body)
		if (p.SRTP != nil) != (len(cs) == 1) || len(cs) > 1 {
			t.Fatalf("Params.SRTP %+v with a=crypto %+v", p.SRTP, cs)
		}
		if p.SRTP != nil && (len(p.SRTP.RemoteKey) != keyLen || !bytes.Equal(p.SRTP.LocalKey, cs[0].key)) {
			t.Fatalf("Params.SRTP %+v", p.SRTP)
		}
	})
}

// FuzzAcceptCrypto feeds arbitrary answers to Accept after an offer with
// SRTP required: never a panic, only the documented errors, and SRTP with
// one of the offered keys or nothing.
func FuzzAcceptCrypto(f *testing.F) {
	peer := b64(bareKey2)
	f.Add(answerTo("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+peer))
	f.Add(answerTo("RTP/SAVP", "2 AES_CM_128_HMAC_SHA1_32 inline:"+peer+"|2^31"))
	f.Add(answerTo("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:"+peer+"|2^20|1:4"))
	f.Add(answerTo("RTP/AVP"))
	f.Fuzz(func(t *testing.T, answer []byte) {
		s := NewSession("fuzz")
		offer, err := s.Offer(withCrypto(CryptoRequired))
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Accept(answer)
		if err != nil {
			if !errors.Is(err, ErrBadSDP) && !errors.Is(err, ErrNoCommonCodec) && !errors.Is(err, ErrNotAcceptable) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if p.SRTP == nil || len(p.SRTP.RemoteKey) != keyLen {
			t.Fatalf("accepted without SRTP under CryptoRequired: %+v", p.SRTP)
		}
		ok := false
		for _, c := range cryptoLines(t, offer) {
			ok = ok || (c.suite == p.SRTP.Suite && bytes.Equal(c.key, p.SRTP.LocalKey))
		}
		if !ok {
			t.Fatalf("Params.SRTP %+v is not an offered key", p.SRTP)
		}
	})
}
