package sdp

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pion "github.com/pion/sdp/v3"
)

var update = flag.Bool("update", false, "rewrite the golden answers in testdata/answers")

// fixedSession is a Session with a known id, so that its SDP can be
// compared with golden files.
func fixedSession(user string, id uint64) *Session {
	return &Session{user: originUser(user), id: id}
}

// door is the Local of the tests: an intercom at 192.168.1.10.
func door() Local {
	return Local{
		Addr:   netip.MustParseAddr("192.168.1.10"),
		Port:   10000,
		Codecs: []string{PCMU, PCMA, L16},
		DTMF:   true,
	}
}

// readOffer reads testdata/offers/name.sdp (stored with LF line ends) and
// returns it with CRLF line ends, as it comes on the wire.
func readOffer(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "offers", name+".sdp"))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))
}

// golden compares got with testdata/answers/name.sdp (LF line ends).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "answers", name+".sdp")
	lf := strings.ReplaceAll(string(got), "\r\n", "\n")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(lf), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lf != string(want) {
		t.Errorf("answer differs from %s:\n--- got\n%s--- want\n%s", path, lf, want)
	}
}

// checkOurs checks what every SDP we write must satisfy: CRLF lines, a
// strict pion parse, a filled c= line, no LPCM, and a small size.
func checkOurs(t testing.TB, body []byte) *pion.SessionDescription {
	t.Helper()
	s := string(body)
	// Under 480 bytes but for the a=crypto lines (about 70 bytes each): the
	// full wideband offer (Opus, G.722, G.711 twice, CN, telephone-event at
	// two rates) is 440, and an INVITE must stay under 1300 bytes to go
	// over UDP (RFC 3261 section 18.1.1).
	n := len(body)
	for l := range strings.SplitAfterSeq(s, "\r\n") {
		if strings.HasPrefix(l, "a=crypto:") {
			n -= len(l)
		}
	}
	if n >= 480 && strings.Count(s, "m=") == 1 {
		t.Errorf("SDP of %d bytes (%d without a=crypto), want < 480", len(body), n)
	}
	if !strings.HasSuffix(s, "\r\n") || strings.Count(s, "\n") != strings.Count(s, "\r\n") {
		t.Errorf("SDP lines not CRLF terminated:\n%q", s)
	}
	if strings.Contains(s, "LPCM") {
		t.Errorf("SDP names LPCM:\n%s", s)
	}
	// Our SDP must already be in the order and form that normalize
	// produces; only m= lines that pion does not know (m=image ... udptl,
	// rejected) are rewritten before pion parses it strictly.
	text, _, err := normalize(body)
	if err != nil {
		t.Fatalf("our SDP does not normalize: %v\n%s", err, s)
	}
	if want := pionView(s); text != want {
		t.Errorf("our SDP is not in canonical order:\n%s\nnormalized:\n%s", s, text)
	}
	var sd pion.SessionDescription
	if err := sd.UnmarshalString(text); err != nil {
		t.Fatalf("our SDP does not parse: %v\n%s", err, s)
	}
	if sd.ConnectionInformation == nil || sd.ConnectionInformation.Address == nil ||
		sd.ConnectionInformation.Address.Address == "" {
		t.Errorf("SDP without a session c= address:\n%s", s)
	}
	return &sd
}

// pionView rewrites the m= lines of body that pion would refuse.
func pionView(body string) string {
	lines := strings.SplitAfter(body, "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "m=") {
			m, err := parseMLine(strings.TrimSuffix(l, "\r\n")[2:])
			if err == nil {
				lines[i] = m.pionLine() + "\r\n"
			}
		}
	}
	return strings.Join(lines, "")
}
