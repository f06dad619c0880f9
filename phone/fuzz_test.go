package phone

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/skoip/skoip/media"
)

// nopStream and nopMedia are the smallest Media for in-package tests.
type nopStream struct{}

func (nopStream) LocalPort() int                              { return 40000 }
func (nopStream) Start(media.Params, func(media.Event)) error { return nil }
func (nopStream) Update(media.Params) error                   { return nil }
func (nopStream) SendDTMF(rune, time.Duration) error          { return nil }
func (nopStream) Stats() media.Stats                          { return media.Stats{} }
func (nopStream) Close() error                                { return nil }

type nopMedia struct{}

func (nopMedia) NewStream(netip.Addr) (Stream, error) { return nopStream{}, nil }

// fakeTx is a server transaction that records responses and is already
// done, so a ringing INVITE ends at once and nothing goes on the wire.
type fakeTx struct {
	mu    sync.Mutex
	codes []int
	done  chan struct{}
}

func newFakeTx() *fakeTx {
	d := make(chan struct{})
	close(d)
	return &fakeTx{done: d}
}

func (tx *fakeTx) Respond(res *sip.Response) error {
	if res.String() == "" {
		panic("empty response")
	}
	tx.mu.Lock()
	tx.codes = append(tx.codes, res.StatusCode)
	tx.mu.Unlock()
	return nil
}
func (tx *fakeTx) Acks() <-chan *sip.Request          { return nil }
func (tx *fakeTx) OnCancel(sip.FnTxCancel) bool       { return true }
func (tx *fakeTx) Terminate()                         {}
func (tx *fakeTx) OnTerminate(sip.FnTxTerminate) bool { return true }
func (tx *fakeTx) Done() <-chan struct{}              { return tx.done }
func (tx *fakeTx) Err() error                         { return sip.ErrTransactionTerminated }

// FuzzRequest (seed corpus: testdata/fuzz/FuzzRequest, our messages and
// RFC 4475's) feeds arbitrary bytes, parsed as sipgo does, through our
// request handlers (the same ones the server routes to): they must never
// panic, and every request but ACK gets at most one final response.
func FuzzRequest(f *testing.F) {
	p, stop := runFuzzPhone(f)
	defer stop()
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := sip.ParseMessage(data)
		if err != nil {
			return
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			return
		}
		req.SetSource("127.0.0.1:5999")
		tx := newFakeTx()
		recovered := false
		h := p.handlerFor(req.Method)
		func() {
			defer func() { recovered = recover() != nil }()
			h(req, tx)
		}()
		if recovered {
			t.Fatalf("handler panicked on:\n%q", data)
		}
		tx.mu.Lock()
		defer tx.mu.Unlock()
		finals := 0
		for _, c := range tx.codes {
			if c >= 200 {
				finals++
			}
		}
		if finals > 1 && !req.IsAck() {
			t.Fatalf("%d final responses %v to:\n%q", finals, tx.codes, data)
		}
		if p.current() != nil {
			t.Fatalf("call left up after:\n%q", data)
		}
	})
}

// FuzzGate (seed corpus: testdata/fuzz/FuzzGate) feeds arbitrary
// datagrams to the gate in front of sipgo: it must never panic, answer at
// most once, never with more than twice the datagram's size, and only to
// the datagram's source.
func FuzzGate(f *testing.F) {
	f.Add(gateReq("INVITE", "seed", "127.0.0.2:5060"))
	f.Add(gateReq("OPTIONS", "seed", "127.0.0.2:5060"))
	f.Add([]byte("OPTIONS sip: SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: x OPTIONS\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\n\r\n"))
	src := udpFrom("127.0.0.2:5060")
	f.Fuzz(func(t *testing.T, data []byte) {
		g, rc := testGate(t, Config{Allow: []string{"127.0.0.1"}})
		g.filter(data, src)
		if len(rc.writes) > 1 {
			t.Fatalf("%d replies to:\n%q", len(rc.writes), data)
		}
		for i, w := range rc.writes {
			if len(w) > 2*len(data) || rc.to[i].String() != src.String() {
				t.Fatalf("reply of %d bytes to %v for %d bytes from %v:\n%q", len(w), rc.to[i], len(data), src, data)
			}
		}
	})
}

// runFuzzPhone runs a phone on 127.0.0.1:0 that never answers by itself.
func runFuzzPhone(tb testing.TB) (*Phone, func()) {
	return runFuzzPhoneWith(tb, Config{Listen: "127.0.0.1:0"})
}

// runFuzzPhoneWith runs a phone with cfg (and a discarding logger).
func runFuzzPhoneWith(tb testing.TB, cfg Config) (*Phone, func()) {
	cfg.Logger = slog.New(slog.DiscardHandler)
	p, err := New(context.Background(), cfg, nopMedia{})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	<-p.Ready()
	return p, func() { cancel(); <-done }
}
