package phone_test

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/phone"
)

// Answers the front door gives to malformed requests and odd but valid
// ones, sent as raw datagrams over loopback. want is the status code; 0
// means no answer at all (no readable Via, an ACK or a response); notBad
// means any final answer but 400.
const notBad = -1

// malformedRFC are RFC 4475's messages (sipgo ships them) by file.
var malformedRFC = []struct {
	file string
	want int
}{
	{"invalid/badaspec", 400}, // spaces within addr-spec
	{"invalid/baddn", 400},    // non-token characters in a display name
	{"invalid/badinv01", 400}, // extraneous header field separators
	{"invalid/badvers", 505},  // SIP/7.0
	{"invalid/bext01", 420},   // Require of unknown extensions
	{"invalid/clerr", 400},    // Content-Length larger than the message
	{"invalid/escruri", 400},  // escaped headers in the Request-URI
	{"invalid/insuf", 400},    // missing mandatory headers
	{"invalid/invut", 415},    // unknown Content-Type
	{"invalid/ltgtruri", 400}, // <> around the Request-URI
	{"invalid/lwsruri", 400},  // whitespace in the Request-URI
	{"invalid/lwsstart", 400}, // two spaces between request line elements
	{"invalid/mcl01", 400},    // several Content-Length
	{"invalid/mismatch01", 400},
	{"invalid/mismatch02", 400}, // unknown method, CSeq of another
	{"invalid/multi01", 400},    // several values in single-value headers
	{"invalid/ncl", 400},        // negative Content-Length
	{"invalid/novelsc", 416},    // soap.beep: Request-URI
	{"invalid/quotbal", 400},    // unterminated quoted string
	{"invalid/regbadct", 400},   // URI with ? outside <>
	{"invalid/scalar02", 400},   // CSeq, Max-Forwards, Expires too large
	{"invalid/sdp01", 406},      // Accept without SDP
	{"invalid/trws", 400},       // spaces after the request line
	{"invalid/unkscm", 416},     // unknown Request-URI scheme
	{"invalid/test", 0},         // no version, and no Via to answer
	{"invalid/bigcode", 0},      // responses are never answered
	{"invalid/scalarlg", 0},
	{"invalid/bcast", 0},
	{"invalid/zeromf", 200},    // Max-Forwards 0 concerns proxies, not a UAS
	{"invalid/badbranch", 200}, // RFC 4475: legal (RFC 2543 branch)
	{"invalid/cparam01", notBad},
	{"invalid/cparam02", notBad},
	{"invalid/regescrt", notBad},
	{"valid/dblreq", notBad},
	{"valid/esc01", notBad},
	{"valid/esc02", 501}, // RE%47IST%45R is an unknown method
	{"valid/escnull", notBad},
	{"valid/intmeth", 501}, // a lower-case method is unknown
	{"valid/lwsdisp", 200},
	{"valid/mpart01", notBad},
	{"valid/semiuri", 200},
	{"valid/transports", 200},
}

// malformedRaw are hand-made requests: (from the peer) is the peer's
// address, (to) the phone's.
var malformedRaw = []struct {
	name, msg string
	want      int
}{
	{"cseq-not-number", options("CSeq: abc OPTIONS"), 400},
	{"cseq-2^32", options("CSeq: 4294967296 OPTIONS"), 400},
	{"cseq-2^31", options("CSeq: 2147483648 OPTIONS"), 400},
	{"cseq-negative", options("CSeq: -1 OPTIONS"), 400},
	{"content-length-word", options("Content-Length: abc"), 400},
	{"content-length-negative", options("Content-Length: -5"), 400},
	{"content-length-beyond", options("Content-Length: 40"), 400},
	{"tab-in-request-line", strings.Replace(options(), "OPTIONS sip:", "OPTIONS\tsip:", 1), 400},
	{"double-space-request-line", strings.Replace(options(), "OPTIONS sip:", "OPTIONS  sip:", 1), 400},
	{"header-without-colon", options("Subject hello"), 400},
	{"max-forwards-negative", options("Max-Forwards: -1"), 400},
	{"max-forwards-word", options("Max-Forwards: ten"), 400},
	{"unbalanced-quote", strings.Replace(options(), "From: <", `From: "Door <`, 1), 400},
	{"nul-request-line", strings.Replace(options(), "sip:door@", "sip:do\x00or@", 1), 400},
	{"nul-header", options("Subject: a\x00b"), 400},
	{"control-header", options("Subject: a\x01b"), 400},
	{"empty-header-name", options(": value"), 400},
	{"bare-sip-uri", strings.Replace(options(), "sip:door@(to)", "sip:", 1), 400},
	{"bad-escape", strings.Replace(options(), "sip:door@(to)", "sip:do%zzor@", 1), 400},
	{"bad-escape-with-host", strings.Replace(options(), "sip:door@", "sip:do%zzor@", 1), 400},
	{"lower-case-method", strings.ReplaceAll(options(), "OPTIONS", "options"), 501},
	{"mixed-case-invite", strings.ReplaceAll(options(), "OPTIONS", "Invite"), 501},
	{"unknown-method", strings.ReplaceAll(options(), "OPTIONS", "FROB"), 501},
	{"register", strings.ReplaceAll(options(), "OPTIONS", "REGISTER"), 405},
	{"invite-without-from-tag", strings.ReplaceAll(options("From: <sip:visitor@(from)>", "Contact: <sip:visitor@(from)>"), "OPTIONS", "INVITE"), 400},
	{"no-via", strings.Replace(options(), "Via: SIP/2.0/UDP (from);branch=z9hG4bK-m1;rport\r\n", "", 1), 0},
	{"garbage", "hello, door\r\n\r\n", 0},
	{"malformed-ack", strings.ReplaceAll(options("CSeq: x ACK"), "OPTIONS", "ACK"), 0},
	{"stray-ack", strings.ReplaceAll(options(), "OPTIONS", "ACK"), 0},
	{"bye-no-dialog", strings.ReplaceAll(options(), "OPTIONS", "BYE"), 481},
	{"cancel-no-invite", strings.ReplaceAll(options(), "OPTIONS", "CANCEL"), 481},
	{"max-forwards-zero", options("Max-Forwards: 0"), 200},
	{"content-length-short", options("Content-Length: 0") + "ignored", 200},
	{"folded-header", options("Subject: a\r\n  folded line"), 200},
	{"quoted-pair-nul", strings.Replace(options(), "From: <", "From: \"a\\\x00b\" <", 1), 200},
}

// options is an OPTIONS request; extra headers replace the ones of the
// same name.
func options(extra ...string) string {
	hs := []string{
		"Via: SIP/2.0/UDP (from);branch=z9hG4bK-m1;rport",
		"Max-Forwards: 70",
		"From: <sip:visitor@(from)>;tag=m1",
		"To: <sip:door@(to)>",
		"Call-ID: malformed-1",
		"CSeq: 1 OPTIONS",
		"Content-Length: 0",
	}
	for _, e := range extra {
		name, _, _ := strings.Cut(e, ":")
		replaced := false
		for i, h := range hs {
			if n, _, _ := strings.Cut(h, ":"); strings.EqualFold(n, name) && name != "" {
				hs[i], replaced = e, true
			}
		}
		if !replaced {
			hs = append(hs[:len(hs)-1], e, hs[len(hs)-1])
		}
	}
	return "OPTIONS sip:door@(to) SIP/2.0\r\n" + strings.Join(hs, "\r\n") + "\r\n\r\n"
}

func TestMalformedRequests(t *testing.T) {
	tp := startPhone(t, phone.Config{RingTimeout: 100 * time.Millisecond, Logger: quietLogger()})
	dir := tortureDir(t)
	for _, r := range malformedRFC {
		t.Run(r.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, r.file+".dat"))
			if err != nil {
				t.Fatal(err)
			}
			p := newRawPeer(t, tp.Addr())
			msg := raw
			if loc := firstVia.FindSubmatchIndex(raw); loc != nil {
				msg = append(append(append([]byte(nil), raw[:loc[4]]...), p.addr()...), raw[loc[5]:]...)
			}
			p.check(string(msg), r.want)
		})
	}
	for _, r := range malformedRaw {
		t.Run(r.name, func(t *testing.T) {
			p := newRawPeer(t, tp.Addr())
			msg := strings.ReplaceAll(strings.ReplaceAll(r.msg, "(from)", p.addr()), "(to)", tp.Addr().String())
			p.check(msg, r.want)
		})
	}
	if st := tp.Status(); st.State != phone.StateIdle {
		t.Errorf("state after the malformed set %s", st.State)
	}
}

// rawPeer reads answers as bytes: an answer to a malformed request echoes
// its headers, which sipgo's parser may refuse.
type rawPeer struct {
	t    *testing.T
	conn *net.UDPConn
	to   *net.UDPAddr
	msgs chan string
}

func newRawPeer(t *testing.T, to netip.AddrPort) *rawPeer {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &rawPeer{t: t, conn: conn, to: net.UDPAddrFromAddrPort(to), msgs: make(chan string, 16)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			select {
			case p.msgs <- string(buf[:n]):
			default:
			}
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	return p
}

func (p *rawPeer) addr() string { return p.conn.LocalAddr().String() }

// check sends msg and then a valid OPTIONS probe: the gate handles
// datagrams in order, so an answer to msg comes before the probe's 200,
// and none has come when the probe's 200 is first.
func (p *rawPeer) check(msg string, want int) {
	t := p.t
	t.Helper()
	if _, err := p.conn.WriteTo([]byte(msg), p.to); err != nil {
		t.Fatal(err)
	}
	if want == 0 {
		probe := strings.ReplaceAll(strings.ReplaceAll(options("Call-ID: probe-1"), "(from)", p.addr()), "(to)", p.to.String())
		if _, err := p.conn.WriteTo([]byte(probe), p.to); err != nil {
			t.Fatal(err)
		}
	}
	timeout := time.After(wait)
	for {
		select {
		case res := <-p.msgs:
			code, reason := statusOf(res)
			if code < 200 {
				continue
			}
			if strings.Contains(res, "probe-1") {
				if want != 0 {
					t.Fatalf("probe answered before the message")
				}
				return
			}
			t.Logf("%d %s", code, reason)
			switch {
			case want == 0:
				t.Errorf("answered %d %q, want no answer", code, reason)
			case want == notBad && code == 400:
				t.Errorf("valid message refused: 400 %q", reason)
			case want > 0 && code != want:
				t.Errorf("answered %d %q, want %d", code, reason, want)
			}
			if code == 400 && !strings.Contains(reason, "(") {
				t.Errorf("400 without the problem in its reason: %q", reason)
			}
			checkEchoed(t, msg, res)
			return
		case <-timeout:
			t.Fatalf("no answer, want %d", want)
		}
	}
}

// statusOf reads a status line.
func statusOf(res string) (int, string) {
	line, _, _ := strings.Cut(res, "\r\n")
	var code int
	var version string
	if _, err := fmt.Sscanf(line, "%s %d", &version, &code); err != nil || version != "SIP/2.0" {
		return 0, ""
	}
	parts := strings.SplitN(line, " ", 3)
	if len(parts) < 3 {
		return code, ""
	}
	return code, parts[2]
}

// checkEchoed wants every Via of the request back in order, its Call-ID,
// a To tag and Content-Length 0.
func checkEchoed(t *testing.T, msg, res string) {
	t.Helper()
	want, got := headerValues(msg, "via", "v"), headerValues(res, "via", "v")
	if len(got) != len(want) {
		t.Errorf("Via %q, request's %q", got, want)
	}
	for i := range min(len(got), len(want)) {
		if b := viaBranch(want[i]); !strings.Contains(got[i], b) {
			t.Errorf("Via %d %q, request's %q", i, got[i], want[i])
		}
	}
	if ids := headerValues(msg, "call-id", "i"); len(ids) > 0 {
		if got := headerValues(res, "call-id", "i"); len(got) != 1 || !slices.Contains(ids, got[0]) {
			t.Errorf("Call-ID %q, request's %q", got, ids)
		}
	}
	if len(headerValues(msg, "to", "t")) > 0 {
		if to := headerValues(res, "to", "t"); len(to) != 1 || !strings.Contains(strings.ToLower(to[0]), "tag") {
			t.Errorf("To %q: no tag", to)
		}
	}
	if cl := headerValues(res, "content-length", "l"); len(cl) != 1 || cl[0] != "0" {
		t.Errorf("Content-Length %q", cl)
	}
}

// viaBranch is a Via's branch parameter (the value up to it when none).
func viaBranch(via string) string {
	_, b, ok := strings.Cut(via, "branch=")
	if !ok {
		b, _, _ = strings.Cut(via, ";")
		return b
	}
	b, _, _ = strings.Cut(b, ";")
	return b
}

// headerValues are the values of the header named long or compact, in
// order, from a message's header section (folded lines not joined).
func headerValues(msg, long, compact string) []string {
	head, _, _ := strings.Cut(msg, "\r\n\r\n")
	var out []string
	for _, l := range strings.Split(head, "\r\n")[1:] {
		name, v, ok := strings.Cut(l, ":")
		if n := strings.ToLower(strings.TrimSpace(name)); ok && (n == long || n == compact) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}
