package phone_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/phone"
	"github.com/skoip/skoip/phone/phonetest"
)

// wait is the failure guard of every wait in these tests.
const wait = 10 * time.Second

// testPhone is a running Phone on 127.0.0.1:0 with a fake Media.
type testPhone struct {
	*phone.Phone
	media  *phonetest.Media
	events <-chan phone.Event
	logs   *logBuffer
	stop   func() // stops Run and waits for it (also done at cleanup)
}

// startPhone runs a phone with fake media until the test ends.
func startPhone(t testing.TB, cfg phone.Config) *testPhone {
	t.Helper()
	m := &phonetest.Media{}
	tp := startPhoneWith(t, cfg, m)
	tp.media = m
	return tp
}

// startPhoneWith runs a phone on media m until the test ends.
func startPhoneWith(t testing.TB, cfg phone.Config, m phone.Media) *testPhone {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	logs := &logBuffer{}
	if cfg.Logger == nil || os.Getenv("PHONE_DEBUG_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	p, err := phone.New(context.Background(), cfg, m)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	events, unsub := p.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case <-p.Ready():
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(wait):
		t.Fatal("phone not ready")
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(wait):
				t.Error("Run did not return")
			}
		})
	}
	t.Cleanup(func() {
		stop()
		unsub()
		if os.Getenv("PHONE_DEBUG_LOG") != "" {
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "New connection") && strings.Contains(l, "UDP") {
					fmt.Fprintln(os.Stderr, t.Name(), l)
				}
			}
		}
	})
	return &testPhone{Phone: p, events: events, logs: logs, stop: stop}
}

// waitEvent returns the first event satisfying ok.
func (tp *testPhone) waitEvent(t testing.TB, what string, ok func(phone.Event) bool) phone.Event {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case ev := <-tp.events:
			if ok(ev) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event", what)
		}
	}
}

func (tp *testPhone) waitState(t testing.TB, s phone.State) phone.Event {
	t.Helper()
	return tp.waitEvent(t, "state "+string(s), func(ev phone.Event) bool { return ev.Kind == phone.EventState && ev.State == s })
}

func (tp *testPhone) waitEnded(t testing.TB) phone.Event {
	t.Helper()
	return tp.waitEvent(t, "ended", func(ev phone.Event) bool { return ev.Kind == phone.EventEnded })
}

// logBuffer collects log output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// peer is a raw SIP endpoint on a UDP socket: it writes messages as text
// and reads whatever comes back.
type peer struct {
	t    testing.TB
	conn *net.UDPConn
	to   *net.UDPAddr
	msgs chan sip.Message
}

func newPeer(t testing.TB, to netip.AddrPort) *peer {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, conn: conn, to: net.UDPAddrFromAddrPort(to), msgs: make(chan sip.Message, 256)}
	done := make(chan struct{})
	go p.read(done)
	t.Cleanup(func() { conn.Close(); <-done })
	return p
}

func (p *peer) read(done chan struct{}) {
	defer close(done)
	buf := make([]byte, 65535)
	for {
		n, _, err := p.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		m, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
		if err != nil {
			continue
		}
		select {
		case p.msgs <- m:
		default:
		}
	}
}

func (p *peer) addr() string { return p.conn.LocalAddr().String() }

func (p *peer) port() int { return p.conn.LocalAddr().(*net.UDPAddr).Port }

func (p *peer) send(msg string) {
	p.t.Helper()
	if _, err := p.conn.WriteTo([]byte(msg), p.to); err != nil {
		p.t.Fatal(err)
	}
}

// response waits for a response with the given code to method (any
// other message is skipped).
func (p *peer) response(code int, method sip.RequestMethod) *sip.Response {
	p.t.Helper()
	r := p.responseWithin(code, method, wait)
	if r == nil {
		p.t.Fatalf("no %d response to %s", code, method)
	}
	return r
}

// responseWithin is response that returns nil after d.
func (p *peer) responseWithin(code int, method sip.RequestMethod, d time.Duration) *sip.Response {
	timeout := time.After(d)
	for {
		select {
		case m := <-p.msgs:
			if r, ok := m.(*sip.Response); ok && r.StatusCode == code && r.CSeq() != nil && r.CSeq().MethodName == method {
				return r
			}
		case <-timeout:
			return nil
		}
	}
}

// final waits for the first final response to method.
func (p *peer) final(method sip.RequestMethod) *sip.Response {
	p.t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m := <-p.msgs:
			if r, ok := m.(*sip.Response); ok && r.StatusCode >= 200 && r.CSeq() != nil && r.CSeq().MethodName == method {
				return r
			}
		case <-timeout:
			p.t.Fatalf("no final response to %s", method)
		}
	}
}

// request waits for a request with the given method.
func (p *peer) request(method sip.RequestMethod) *sip.Request {
	p.t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m := <-p.msgs:
			if r, ok := m.(*sip.Request); ok && r.Method == method {
				return r
			}
		case <-timeout:
			p.t.Fatalf("no %s request", method)
		}
	}
}

// dialog is one call as the raw peer sees it.
type dialog struct {
	callID, fromTag, toTag, branch string
	cseq                           int
}

func newDialog(name string) *dialog {
	return &dialog{callID: name + "-" + sip.GenerateTagN(10), fromTag: sip.GenerateTagN(8), branch: sip.GenerateBranch(), cseq: 1}
}

const offerSDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
	"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n"

// request formats a request of d from the peer; body may be empty.
func (p *peer) req(d *dialog, method, branch string, cseq int, ctype, body string, extra ...string) string {
	to := "<sip:door@" + p.to.String() + ">"
	if d.toTag != "" {
		to += ";tag=" + d.toTag
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s sip:door@%s SIP/2.0\r\n", method, p.to)
	fmt.Fprintf(&b, "Via: SIP/2.0/UDP %s;branch=%s;rport\r\n", p.addr(), branch)
	b.WriteString("Max-Forwards: 70\r\n")
	fmt.Fprintf(&b, "From: <sip:visitor@%s>;tag=%s\r\n", p.addr(), d.fromTag)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Call-ID: %s\r\n", d.callID)
	fmt.Fprintf(&b, "CSeq: %d %s\r\n", cseq, method)
	fmt.Fprintf(&b, "Contact: <sip:visitor@%s>\r\n", p.addr())
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	if ctype != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", ctype)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.String()
}

func (p *peer) invite(d *dialog, sdp string) {
	p.send(p.req(d, "INVITE", d.branch, d.cseq, "application/sdp", sdp))
}

// ack acknowledges a 2xx (new branch) or a non-2xx (the INVITE's branch).
func (p *peer) ack(d *dialog, res *sip.Response) {
	if tag, ok := res.To().Params.Get("tag"); ok {
		d.toTag = tag
	}
	branch := sip.GenerateBranch()
	if res.StatusCode >= 300 {
		branch = d.branch
	}
	p.send(p.req(d, "ACK", branch, d.cseq, "", ""))
}

// inDialog sends a new request in d (its CSeq goes up).
func (p *peer) inDialog(d *dialog, method, ctype, body string) {
	d.cseq++
	p.send(p.req(d, method, sip.GenerateBranch(), d.cseq, ctype, body))
}

// answer replies to a request the phone sent.
func (p *peer) answer(req *sip.Request, code int, reason string) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	p.send(res.String())
}

// connect sets up an answered call from the peer to an auto-answering
// phone and returns its dialog.
func connect(t testing.TB, tp *testPhone, p *peer) *dialog {
	t.Helper()
	d := newDialog("call")
	p.invite(d, offerSDP)
	ok := p.response(200, sip.INVITE)
	p.ack(d, ok)
	tp.waitState(t, phone.StateConnected)
	return d
}

// quietLogger drops logs (the interop tests make many messages).
func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// requestWithin is request that returns nil after d.
func (p *peer) requestWithin(method sip.RequestMethod, d time.Duration) *sip.Request {
	timeout := time.After(d)
	for {
		select {
		case m := <-p.msgs:
			if r, ok := m.(*sip.Request); ok && r.Method == method {
				return r
			}
		case <-timeout:
			return nil
		}
	}
}
